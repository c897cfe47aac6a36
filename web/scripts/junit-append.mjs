// Appends one test case to a JUnit XML file (creating the file when missing), so steps that are not
// test runners (the static checks of `npm test`, the build) count in the repo's test summary.
// Usage: node scripts/junit-append.mjs FILE SUITE NAME STATUS [MESSAGE]   (STATUS: pass or fail)
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const [file, suite, name, status, message = ''] = process.argv.slice(2);
const esc = (s) =>
  s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]);
const body =
  status === 'pass'
    ? `<testcase classname="${esc(suite)}" name="${esc(name)}" time="0"/>`
    : `<testcase classname="${esc(suite)}" name="${esc(name)}" time="0"><failure message="${esc(message)}">${esc(message)}</failure></testcase>`;
const piece = `  <testsuite name="${esc(suite)}" tests="1" failures="${status === 'pass' ? 0 : 1}">\n    ${body}\n  </testsuite>\n`;
let xml = existsSync(file) ? readFileSync(file, 'utf8') : '';
if (xml.includes('</testsuites>')) {
  xml = xml.replace(/<\/testsuites>\s*$/, `${piece}</testsuites>\n`);
} else {
  xml = `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n${piece}</testsuites>\n`;
}
writeFileSync(file, xml);
