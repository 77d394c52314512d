import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

// The browser half (fromServerSentEvents, the image helpers, objectUrls) must bundle for browsers as it is:
// no Node built-in, no `process`, and the SDK's SSE decoder without the rest of the SDK.
describe('the main entry in a browser bundle', () => {
  it('bundles fromServerSentEvents, imageStates and objectUrls with no Node built-in and no process', async () => {
    const result = await build({
      stdin: {
        contents:
          "export { fromServerSentEvents, imageStates, objectUrls, imageDataUrl, RelayHttpError } from './src/index';",
        resolveDir: '.',
        loader: 'ts',
      },
      bundle: true,
      write: false,
      minify: true,
      platform: 'browser',
      format: 'esm',
      metafile: true,
      logLevel: 'silent',
    });
    // What ends up in the output (the SDK's index may be read while resolving imports, then shaken off).
    const output = Object.values(result.metafile.outputs)[0]!;
    const used = Object.entries(output.inputs)
      .filter(([, input]) => input.bytesInOutput > 0)
      .map(([path]) => path);
    expect(used).toContain('node_modules/openai/core/streaming.mjs');
    expect(used).toContain('src/sources/fromServerSentEvents.ts');
    // Neither the client nor its resources come along, nor the server half, nor the testing kit.
    expect(used.filter((path) => /openai\/(client|resources\/)/.test(path))).toEqual([]);
    expect(used.filter((path) => path.includes('src/server/') || path.includes('src/testing/'))).toEqual([]);
    // Small: the SSE decoder, the used parts of rxjs and ours (about 39 kB minified when written).
    expect(result.outputFiles[0]!.text.length).toBeLessThan(80_000);
    const code = result.outputFiles[0]!.text;
    expect(code).not.toMatch(/["']node:/);
    expect(code).not.toMatch(/\bprocess\.env\b/);
  });
});
