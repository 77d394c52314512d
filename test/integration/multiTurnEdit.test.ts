// Editing an image over three turns of the Responses API with nextImageTurn, through the real client against
// the local server (a new image each turn), with and without `store`: what each request carried.
import { lastValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AnyFinalImage,
  imageStates,
  nextImageTurn,
  type ResponsesFinalImage,
  streamImageGeneration,
  streamResponse,
  withFinalImage,
} from '../../src/index';
import { type MockResponsesServer, startMockResponsesServer } from '../../src/testing/index';
import { clientFor } from './support';

let server: MockResponsesServer;
beforeAll(async () => {
  // Each request draws with its own seed: every turn's image differs from the one before.
  server = await startMockResponsesServer({
    scenario: (request) => ({ partials: 1, seed: 10 + request.index }),
  });
});
afterAll(() => server.close());

const tools = [{ type: 'image_generation' as const, partial_images: 1 }];
const prompts = ['A red fox in a meadow', 'Now at night', 'Add falling snow'];

/** Runs three turns, each built by `nextImageTurn` from the last image; returns the images and the request bodies. */
async function threeTurns(store: boolean, imageAs?: 'input_image' | 'image_generation_call') {
  const client = clientFor(server);
  const first = server.requests.length;
  const images: ResponsesFinalImage[] = [];
  let image = await lastValueFrom(
    streamResponse(client, { model: 'gpt-5', input: prompts[0]!, tools, store }).pipe(withFinalImage()),
  );
  images.push(image);
  for (const prompt of prompts.slice(1)) {
    const turn = nextImageTurn(image, { prompt, store, ...(imageAs ? { imageAs } : {}) });
    image = await lastValueFrom(
      streamResponse(client, { model: 'gpt-5', tools, ...(store ? {} : { store }), ...turn }).pipe(
        withFinalImage(),
      ),
    );
    images.push(image);
  }
  const records = server.requests.slice(first, first + 3);
  return { images, bodies: records.map((r) => r.body as Record<string, unknown>), records };
}

describe('multi-turn image editing with nextImageTurn', () => {
  it('stored: each turn continues the last by previous_response_id and sends no image again', async () => {
    const { images, bodies, records } = await threeTurns(true);
    expect(new Set(images.map((image) => image.b64)).size).toBe(3);
    expect(images.map((image) => image.responseId)).toEqual(records.map((r) => r.responseId));
    expect(bodies[0]).toEqual({ model: 'gpt-5', input: prompts[0], tools, store: true, stream: true });
    expect(bodies[1]).toEqual({
      model: 'gpt-5',
      tools,
      previous_response_id: records[0]!.responseId,
      input: prompts[1],
      stream: true,
    });
    expect(bodies[2]).toMatchObject({ previous_response_id: records[1]!.responseId, input: prompts[2] });
    expect(JSON.stringify(bodies.slice(1))).not.toContain(images[0]!.b64.slice(0, 64));
  });

  it('not stored: each turn sends the last image as an input_image data URL, and stays unstored', async () => {
    const { images, bodies } = await threeTurns(false);
    expect(new Set(images.map((image) => image.b64)).size).toBe(3);
    for (const turn of [1, 2]) {
      expect(bodies[turn]).toEqual({
        model: 'gpt-5',
        tools,
        store: false,
        stream: true,
        input: [
          {
            role: 'user',
            content: [
              { type: 'input_text', text: prompts[turn] },
              {
                type: 'input_image',
                image_url: `data:image/png;base64,${images[turn - 1]!.b64}`,
                detail: 'auto',
              },
            ],
          },
        ],
      });
      expect(bodies[turn]).not.toHaveProperty('previous_response_id');
    }
  });

  it('not stored, imageAs image_generation_call: the last image call is passed back, id and bytes', async () => {
    const { images, bodies } = await threeTurns(false, 'image_generation_call');
    for (const turn of [1, 2]) {
      expect(bodies[turn]!.input).toEqual([
        {
          type: 'image_generation_call',
          id: images[turn - 1]!.itemId,
          result: images[turn - 1]!.b64,
          status: 'completed',
        },
        { role: 'user', content: prompts[turn] },
      ]);
      expect(bodies[turn]!.store).toBe(false);
    }
  });

  it('an Images API image continues in the Responses API as an input_image (it has no response to continue)', async () => {
    const client = clientFor(server);
    const [state] = (
      await lastValueFrom(
        streamImageGeneration(client, {
          model: 'gpt-image-1.5',
          prompt: prompts[0]!,
          partial_images: 1,
        }).pipe(imageStates()),
      )
    ).slice(-1);
    const generated = state!.final as AnyFinalImage;
    expect(generated.source).toBe('images');
    const turn = nextImageTurn(state!, { prompt: prompts[1]!, store: true });
    expect(turn).not.toHaveProperty('previous_response_id');
    expect(turn).not.toHaveProperty('store');
    const before = server.requests.length;
    const next = await lastValueFrom(
      streamResponse(client, { model: 'gpt-5', tools, ...turn }).pipe(withFinalImage()),
    );
    const body = server.requests[before]!.body as { input: { content: { image_url?: string }[] }[] };
    expect(body.input[0]!.content[1]!.image_url).toBe(`data:image/png;base64,${generated.b64}`);
    expect(next.source).toBe('responses');
  });

  it('refuses an image state that is not final yet', () => {
    expect(() =>
      nextImageTurn(
        { itemId: 'ig_1', outputIndex: 0, status: 'partial', partials: 1, b64: 'x', final: null },
        { prompt: 'x', store: true },
      ),
    ).toThrow('nextImageTurn: image ig_1 has no final image yet (status partial).');
  });
});

describe('the local server keeps the API’s rule', () => {
  it('refuses previous_response_id of a response made with store: false', async () => {
    const client = clientFor(server);
    const image = await lastValueFrom(
      streamResponse(client, { model: 'gpt-5', input: 'x', tools, store: false }).pipe(withFinalImage()),
    );
    const wrong = { previous_response_id: image.responseId!, input: 'y' };
    await expect(
      lastValueFrom(streamResponse(client, { model: 'gpt-5', tools, ...wrong })),
    ).rejects.toMatchObject({
      status: 400,
      code: 'previous_response_not_found',
    });
  });
});
