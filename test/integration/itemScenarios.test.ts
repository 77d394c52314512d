// The kit's item scenarios, served by the local server and read through the real client: the SDK's own
// `responses.stream()` helper accepts each one, and the item operators find what each scenario carries.
import OpenAI from 'openai';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  citations,
  functionCalls,
  outputItems,
  reasoningSummaries,
  streamResponse,
  withFinalImage,
} from '../../src/index';
import {
  codeInterpreterScenario,
  customToolCallScenario,
  functionCallScenario,
  type MockResponsesServer,
  reasoningImageScenario,
  startMockResponsesServer,
  webSearchScenario,
} from '../../src/testing/index';
import type { ResponseStreamEvent } from '../../src/types';

let server: MockResponsesServer;
let client: OpenAI;
beforeAll(async () => {
  server = await startMockResponsesServer();
  client = new OpenAI({ baseURL: server.url, apiKey: 'test', maxRetries: 0, logLevel: 'off' });
});
afterAll(() => server.close());

const serve = (events: readonly ResponseStreamEvent[]) => ({
  headers: { 'x-mock-scenario': JSON.stringify({ events }) },
});
const params = { model: 'gpt-5', input: 'items' };

describe('item scenarios over HTTP', () => {
  const scenarios = {
    'function calls': functionCallScenario({ calls: 3, interleave: true }).events,
    'a custom tool call': customToolCallScenario().events,
    'reasoning, then an image': reasoningImageScenario().events,
    'web search with citations': webSearchScenario().events,
    'code interpreter with an image output': codeInterpreterScenario().events,
  };
  for (const [name, events] of Object.entries(scenarios)) {
    it(`${name}: the SDK's responses.stream() helper accepts it, and outputItems() gives every item once`, async () => {
      const stream = client.responses.stream(params, serve(events));
      const final = await stream.finalResponse();
      const items = await lastValueFrom(
        streamResponse(client, params, serve(events)).pipe(outputItems(), toArray()),
      );
      expect(items.map((i) => i.item.id).sort()).toEqual(final.output.map((item) => item.id).sort());
    });
  }

  it('function calls: every call paired with its call id, name and parsed arguments', async () => {
    const { events, calls } = functionCallScenario({ calls: 3, interleave: true });
    const got = await lastValueFrom(
      streamResponse(client, params, serve(events)).pipe(functionCalls(), toArray()),
    );
    expect(got.map((c) => [c.callId, c.name, c.arguments]).sort()).toEqual(
      calls.map((c) => [c.callId, c.name, c.arguments]).sort(),
    );
  });

  it('reasoning then an image: the summary before the image, then the image', async () => {
    const { events } = reasoningImageScenario();
    const summaries = await lastValueFrom(
      streamResponse(client, params, serve(events)).pipe(reasoningSummaries(), toArray()),
    );
    const images = await lastValueFrom(
      streamResponse(client, params, serve(events)).pipe(withFinalImage(), toArray()),
    );
    expect(summaries.length).toBeGreaterThan(0);
    expect(images).toHaveLength(1);
  });

  it('web search: the citations with the text they cite', async () => {
    const { events } = webSearchScenario();
    const got = await lastValueFrom(
      streamResponse(client, params, serve(events)).pipe(citations(), toArray()),
    );
    expect(got.length).toBeGreaterThan(0);
    expect(got.every((c) => c.annotation.type === 'url_citation')).toBe(true);
  });
});
