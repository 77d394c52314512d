import { VERSION } from 'openai/version';
import { describe, expect, it } from 'vitest';

describe('the openai SDK under test', () => {
  // `npm run test:sdk-oldest` runs these suites against the oldest supported SDK and says which it expects.
  it.runIf(process.env.EXPECT_OPENAI_VERSION)('is the version the run expects', () => {
    expect(VERSION).toBe(process.env.EXPECT_OPENAI_VERSION);
  });
});
