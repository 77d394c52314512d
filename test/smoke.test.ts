import OpenAI from 'openai';
import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { type ResponsesClient, streamResponse, withFinalImage } from '../src/index';
import { fakeResponsesClient, imageGenerationScenario } from '../src/testing/index';

describe('smoke', () => {
  it('pairs images from the fake client', async () => {
    const { events, images } = imageGenerationScenario({ images: 3, interleave: true });
    const client = fakeResponsesClient(events);
    const got = await lastValueFrom(streamResponse(client, { model: 'gpt-5', input: 'x' }).pipe(withFinalImage(), toArray()));
    expect(got.map((i) => i.b64)).toEqual(images.map((i) => i.b64));
    const real: ResponsesClient = new OpenAI({ apiKey: 'k', baseURL: 'http://127.0.0.1:1' });
    expect(real).toBeTruthy();
  });
});
