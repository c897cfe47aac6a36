// Fails when src/lib/api/schema.d.ts is not what `npm run gen:api` makes from ../api/openapi.json, so the
// client's types cannot drift from the server's spec unnoticed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = (name) => join('node_modules', '.bin', name);
const dir = mkdtempSync(join(tmpdir(), 'rounds-api-'));
const out = join(dir, 'schema.d.ts');
try {
  execFileSync(bin('openapi-typescript'), ['../api/openapi.json', '-o', out], { stdio: 'pipe' });
  execFileSync(bin('prettier'), ['--write', '--config', '.prettierrc.json', out], {
    stdio: 'pipe',
  });
  const fresh = readFileSync(out, 'utf8');
  const committed = readFileSync('src/lib/api/schema.d.ts', 'utf8');
  if (fresh !== committed) {
    console.error(
      'check:api: src/lib/api/schema.d.ts is stale; run `npm run gen:api` and commit it.',
    );
    process.exit(1);
  }
  console.log('check:api: schema.d.ts matches api/openapi.json');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
