import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import * as browser from '../../src/testing/browser';
import * as node from '../../src/testing/index';

const SERVER_ONLY = [
  'REALISTIC_IMAGE',
  'SMALL_IMAGE',
  'renderMockImage',
  'startMockResponsesServer',
  'toolTurnsScenario',
  // Files: recording and replaying a stream.
  'recordEvents',
  'readRecordedEvents',
];

describe('rxjs-openai/testing in browsers (the `browser` export condition)', () => {
  it('exports the whole kit except the local server and the file helpers', () => {
    const expected = Object.keys(node).filter((name) => !SERVER_ONLY.includes(name));
    expect(Object.keys(browser).sort()).toEqual(expected.sort());
    for (const name of SERVER_ONLY) expect(Object.keys(node)).toContain(name);
  });

  it('bundles for the browser with no Node built-in and no pngjs', async () => {
    const result = await build({
      entryPoints: ['src/testing/browser.ts'],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      external: ['rxjs', 'openai', 'openai/*'],
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((path) => path.includes('testing/server'))).toBe(false);
    expect(inputs.some((path) => path.includes('pngjs'))).toBe(false);
    expect(inputs).toContain('src/testing/browser.ts');
  });
});
