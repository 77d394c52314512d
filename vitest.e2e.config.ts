import { defineConfig } from 'vitest/config';

// The end-to-end tests (`npm run test:e2e`): the built Angular example and its relay, driven in Chromium.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
