import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests and README examples import the package by its public names; they resolve to the sources.
    alias: [
      { find: /^rxjs-openai$/, replacement: src('index.ts') },
      { find: /^rxjs-openai\/testing$/, replacement: src('testing/index.ts') },
      { find: /^rxjs-openai\/server$/, replacement: src('server/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
