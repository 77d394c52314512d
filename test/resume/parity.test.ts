// finalResponse() against the SDK's own `client.responses.stream(...).finalResponse()`, over real HTTP from the
// local server, for the same served stream.
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  finalResponse,
  outputText,
  type Response,
  type ResponseStreamEvent,
  resumeResponse,
  streamResponse,
  withFinalImage,
} from '../../src/index';
import {
  createEventFactory,
  imageGenerationEvents,
  type MockResponsesServer,
  type MockScenario,
  startMockResponsesServer,
} from '../../src/testing/index';
import { clientFor, params, withScenario } from '../integration/support';

/**
 * The SDK's result without what only its structured-output parsing adds (`output_parsed`, and `parsed` on
 * each text part): this library does not parse, the rest must be equal.
 */
function withoutParsing(response: Response): Response {
  const { output_parsed: _, ...rest } = response as Response & { output_parsed?: unknown };
  return {
    ...rest,
    output: rest.output.map((item) =>
      item.type === 'message'
        ? {
            ...item,
            content: item.content.map((part) => {
              const { parsed: __, ...kept } = part as typeof part & { parsed?: unknown };
              return kept;
            }),
          }
        : item,
    ),
  };
}

const scenarios: Record<string, MockScenario> = {
  'one image, two previews': { images: 1, partials: 2 },
  'text then two interleaved images': {
    images: 2,
    interleave: true,
    partials: 1,
    text: 'Here are two foxes.',
  },
  'bytes only in response.completed': { images: 2, order: 'bytes-in-response-completed' },
  'item before completion event': { images: 3, order: 'item-first', partials: 3 },
  'text only, many deltas': { images: 0, textDeltas: 200 },
};

describe('finalResponse(): parity with the SDK helper, through the real client and the local server', () => {
  let server: MockResponsesServer;
  beforeAll(async () => {
    server = await startMockResponsesServer();
  });
  afterAll(() => server.close());

  for (const [name, scenario] of Object.entries(scenarios)) {
    it(`equals client.responses.stream(...).finalResponse(): ${name}`, async () => {
      const client = clientFor(server);
      // One background response, served twice the same way: to the SDK's helper and to us.
      const created = await lastValueFrom(
        streamResponse(client, { ...params, background: true }, withScenario(scenario)).pipe(finalResponse()),
      );
      const sdk = await client.responses.stream({ response_id: created.id }).finalResponse();
      const ours = await lastValueFrom(resumeResponse(client, created.id).pipe(finalResponse()));
      expect(ours).toEqual(withoutParsing(sdk));
      expect(ours).toEqual(created);
      // And over a fresh POST each: equal but for the response's id.
      const sdkPost = await client.responses.stream(params, withScenario(scenario)).finalResponse();
      const oursPost = await lastValueFrom(
        streamResponse(client, params, withScenario(scenario)).pipe(finalResponse()),
      );
      expect({ ...oursPost, id: '' }).toEqual({ ...withoutParsing(sdkPost), id: '' });
      // The text and images agree with the dedicated operators.
      const text = await lastValueFrom(resumeResponse(client, created.id).pipe(outputText(), toArray()));
      expect(text.at(-1)?.text ?? '').toBe(ours.output_text);
      const images = await lastValueFrom(
        resumeResponse(client, created.id).pipe(withFinalImage(), toArray()),
      );
      const results = ours.output.flatMap((item) =>
        item.type === 'image_generation_call' ? [item.result] : [],
      );
      expect(images.map((i) => i.b64)).toEqual(results);
      expect(results).toEqual(server.responses.get(created.id)!.images.map((i) => i.b64));
    });
  }

  it('goes on through an event type the SDK does not know, where the SDK helper fails', async () => {
    const known = imageGenerationEvents({ images: 1, partials: 1, text: 'A fox.' });
    const e = createEventFactory({ startSequenceNumber: 0 });
    const unknown = e.unknown('response.some_future_event', { detail: 'new' });
    // The unknown event is inserted after the first three, numbered in sequence.
    const events: ResponseStreamEvent[] = [...known.slice(0, 3), unknown, ...known.slice(3)].map(
      (event, i) => ({ ...event, sequence_number: i }) as ResponseStreamEvent,
    );
    const client = clientFor(server);
    const ours = await lastValueFrom(
      streamResponse(client, params, withScenario({ events })).pipe(finalResponse()),
    );
    const sdkError = await client.responses
      .stream(params, withScenario({ events }))
      .finalResponse()
      .catch((error: unknown) => error);
    expect(String(sdkError)).toMatch(/Unhandled response stream event/);
    const sdkWithoutUnknown = await client.responses
      .stream(params, withScenario({ events: events.filter((event) => event !== events[3]) }))
      .finalResponse();
    expect({ ...ours, id: '' }).toEqual({ ...withoutParsing(sdkWithoutUnknown), id: '' });
    expect(ours.output_text).toBe('A fox.');
  });
});
