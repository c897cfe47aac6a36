import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// During development the API comes from a running `rounds serve` (ROUNDS_API, default 127.0.0.1:18080);
// in production the same server serves this build with --web-root, so every URL is same-origin.
const api = process.env.ROUNDS_API ?? 'http://127.0.0.1:18080';

export default defineConfig({
  plugins: [react()],
  server: { proxy: { '/api': { target: api, changeOrigin: false } } },
  preview: { proxy: { '/api': { target: api, changeOrigin: false } } },
  build: {
    target: 'es2020',
    sourcemap: false,
    // dist/.vite/manifest.json: scripts/postbuild.mjs reads the profile chunk's files from it (and removes it).
    manifest: true,
    // Leaflet and the charts are split out by dynamic import(); this keeps the vendor chunk stable.
    rollupOptions: {
      output: {
        manualChunks: {
          react: ['react', 'react-dom', 'react-router-dom', '@tanstack/react-query'],
        },
      },
    },
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./vitest.setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    restoreMocks: true,
    // scripts/web-test.sh asks for JUnit XML (the repo's test summary adds up every *.xml).
    reporters: process.env.VITEST_JUNIT_FILE ? ['default', 'junit'] : ['default'],
    outputFile: process.env.VITEST_JUNIT_FILE
      ? { junit: process.env.VITEST_JUNIT_FILE }
      : undefined,
  },
});
