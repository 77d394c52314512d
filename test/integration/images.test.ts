import { PNG } from 'pngjs';
import { lastValueFrom, share, toArray, zip } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partialImages, streamResponse, withFinalImage } from '../../src/index';
import { type MockResponsesServer, startMockResponsesServer } from '../../src/testing/index';
import { clientFor, params, withScenario } from './support';

let server: MockResponsesServer;
beforeAll(async () => {
  server = await startMockResponsesServer({ seed: 7 });
});
afterAll(() => server.close());

const bytes = (b64: string) => Buffer.from(b64, 'base64');

describe('images through the real openai client over HTTP', () => {
  const cases = [1, 2, 3, 4].flatMap((images) =>
    [false, true].flatMap((interleave) =>
      ([0, 3] as const).map((partials) => ({ images, interleave, partials })),
    ),
  );

  it.each(cases)(
    '$images image(s), interleave $interleave, $partials partial(s): byte-identical finals and previews',
    async (scenario) => {
      const client = clientFor(server);
      const events$ = streamResponse(client, params, withScenario(scenario)).pipe(share());
      const [finals, previews] = await lastValueFrom(
        zip(events$.pipe(withFinalImage(), toArray()), events$.pipe(partialImages(), toArray())),
      );
      const record = server.requests.at(-1)!;
      const served = server.responses.get(record.responseId!)!;

      expect(record.end).toBe('finished');
      expect(served.images).toHaveLength(scenario.images);
      expect(finals).toHaveLength(scenario.images);
      for (const image of served.images) {
        const final = finals.find((f) => f.itemId === image.itemId)!;
        expect(final.outputIndex).toBe(image.outputIndex);
        expect(bytes(final.b64).equals(bytes(image.b64))).toBe(true);
        const mine = previews.filter((p) => p.itemId === image.itemId);
        expect(mine.map((p) => p.index)).toEqual(image.partials.map((_, i) => i));
        expect(mine.map((p) => bytes(p.b64))).toEqual(image.partials.map(bytes));
      }
    },
  );

  it('serves real PNGs: previews are the final image at lower quality, and the size is configurable', async () => {
    const client = clientFor(server);
    const scenario = { images: 1, partials: 3 as const, imageSize: { width: 96, height: 64 } };
    const events$ = streamResponse(client, params, withScenario(scenario)).pipe(share());
    const [[final], previews] = await lastValueFrom(
      zip(events$.pipe(withFinalImage(), toArray()), events$.pipe(partialImages(), toArray())),
    );
    const finalPng = PNG.sync.read(bytes(final!.b64));
    expect([finalPng.width, finalPng.height]).toEqual([96, 64]);
    const distinctColours = (b64: string) => {
      const png = PNG.sync.read(bytes(b64));
      const seen = new Set<number>();
      for (let i = 0; i < png.data.length; i += 4) seen.add(png.data.readUInt32BE(i));
      return { width: png.width, height: png.height, colours: seen.size };
    };
    const qualities = previews.map((p) => distinctColours(p.b64));
    for (const q of qualities) expect([q.width, q.height]).toEqual([96, 64]);
    // Each preview is finer than the one before, and all are coarser than the final image.
    const colours = [...qualities.map((q) => q.colours), distinctColours(final!.b64).colours];
    for (let i = 1; i < colours.length; i++) expect(colours[i]!).toBeGreaterThan(colours[i - 1]!);
  });

  it('text around the images arrives too, and the images are unchanged', async () => {
    const client = clientFor(server);
    const events = await lastValueFrom(
      streamResponse(client, params, withScenario({ images: 2, text: 'Here are two lighthouses.' })).pipe(
        toArray(),
      ),
    );
    const text = events.flatMap((e) => (e.type === 'response.output_text.delta' ? [e.delta] : [])).join('');
    expect(text).toBe('Here are two lighthouses.');
    const served = server.responses.get(server.requests.at(-1)!.responseId!)!;
    expect(served.images.map((i) => i.outputIndex)).toEqual([1, 2]);
  });
});
