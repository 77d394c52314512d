// The relay's safety through the real parts: the real `openai` client (SDK 7 here, 6.45 under
// `npm run test:sdk-oldest`) against the local Responses server, `pipeServerSentEvents` on node:http, and the
// browser's `fetch`. What the browser receives is searched byte by byte for what must not reach it.
import OpenAI from 'openai';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  finalResponse,
  fromServerSentEvents,
  type ResponseStreamEvent,
  streamResponse,
  withFinalImage,
} from '../../src/index';
import {
  pipeServerSentEvents,
  type SafeError,
  SERVER_SENT_EVENTS_HEADERS,
  type ServerSentEventsOptions,
} from '../../src/server/index';
import {
  imageGenerationScenario,
  type MockResponsesServer,
  type MockScenario,
  startMockResponsesServer,
} from '../../src/testing/index';
import { startServer, type TestServer } from '../support/httpServers';

/** What the server's request and the API's response hold that the browser must never see. */
const SECRETS = {
  instructions: 'SECRET-INSTRUCTIONS: the discount code is HUSH',
  mcpUrl: 'https://mcp.internal.example/SECRET-MCP-URL',
  mcpToken: 'SECRET-MCP-TOKEN',
  metadata: 'SECRET-METADATA',
  promptId: 'pmpt_SECRETPROMPT',
  promptVariable: 'SECRET-PROMPT-VARIABLE',
  user: 'SECRET-USER',
  safetyIdentifier: 'SECRET-SAFETY-IDENTIFIER',
  promptCacheKey: 'SECRET-PROMPT-CACHE-KEY',
};
const scenario = imageGenerationScenario({ images: 2, partials: 2 });
/** The response as the API returns it: the request's prompt, user and cache settings echoed in every `Response`. */
const eventsWithSecrets = scenario.events.map((event) => {
  const response = (event as { response?: object }).response;
  if (!response) return event;
  return {
    ...event,
    response: {
      ...response,
      prompt: { id: SECRETS.promptId, version: '3', variables: { customer: SECRETS.promptVariable } },
      user: SECRETS.user,
      safety_identifier: SECRETS.safetyIdentifier,
      prompt_cache_key: SECRETS.promptCacheKey,
      reasoning: { effort: 'high', summary: null },
      max_output_tokens: 8000,
    },
  } as unknown as ResponseStreamEvent;
});

const LEAKY_MESSAGE =
  'Incorrect API key provided: sk-proj-LEAKEDKEY0123456789 for organization org-LEAKEDORG42 (see https://x.openai.azure.com/?api-key=0123456789abcdef0123456789abcdef).';

/** The scenario of each `input` the relay sends. */
const SCENARIOS: Record<string, MockScenario> = {
  secrets: { events: eventsWithSecrets },
  'error-event': {
    images: 1,
    partials: 1,
    errorEvent: { afterEvents: 3, code: 'invalid_api_key', message: LEAKY_MESSAGE },
  },
  failed: {
    images: 1,
    partials: 1,
    failed: { afterEvents: 4, code: 'server_error', message: LEAKY_MESSAGE },
  },
};

let api: MockResponsesServer;
let relay: TestServer;
/** The options of the relay's next request, and what its `mapError` saw. */
let relayOptions: ServerSentEventsOptions = {};

beforeAll(async () => {
  api = await startMockResponsesServer({
    scenario: (request) => SCENARIOS[(request.body as { input?: string } | null)?.input ?? ''] ?? {},
  });
  const client = new OpenAI({ apiKey: 'sk-test', baseURL: api.url, maxRetries: 0, logLevel: 'off' });
  relay = await startServer((req, res) => {
    const input = new URL(req.url ?? '/', 'http://x').searchParams.get('input') ?? '';
    // The server's request: its instructions, an MCP server with its token, metadata.
    const events$ = streamResponse(client, {
      model: 'gpt-5',
      input,
      instructions: SECRETS.instructions,
      tools: [
        {
          type: 'mcp',
          server_label: 'crm',
          server_url: SECRETS.mcpUrl,
          headers: { Authorization: `Bearer ${SECRETS.mcpToken}` },
          require_approval: 'never',
        },
        { type: 'image_generation', partial_images: 2 },
      ],
      metadata: { tenant: SECRETS.metadata },
    });
    void pipeServerSentEvents(events$, res, { heartbeatMs: 0, ...relayOptions });
  });
});

afterAll(async () => {
  await relay?.close();
  await api?.close();
});

/** What the browser receives for `input`, as raw bytes decoded. */
async function browserReceives(input: string, options: ServerSentEventsOptions = {}): Promise<string> {
  relayOptions = options;
  const response = await fetch(`${relay.url}/?input=${input}`);
  return response.text();
}

/** The events of a relayed SSE text, through the browser's source. */
function eventsOf(text: string) {
  return fromServerSentEvents(new Response(text, { headers: SERVER_SENT_EVENTS_HEADERS }));
}

describe('the relay sends the browser what it needs, not the whole request', () => {
  it('none of the request or response secrets reaches the browser; the images arrive byte-identical', async () => {
    const text = await browserReceives('secrets');
    // The API did echo them to the relay: the test is not vacuous.
    const upstream = JSON.stringify([...api.responses.values()].at(-1)!.events);
    for (const secret of Object.values(SECRETS)) expect(upstream).toContain(secret);
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/SECRET|"instructions"|"tools"|"metadata"|"prompt"|"user"|"reasoning"/);

    const images = await lastValueFrom(eventsOf(text).pipe(withFinalImage(), toArray()));
    expect(images.map((image) => image.b64)).toEqual(scenario.images.map((image) => image.b64));
    // The page's operators still have what they need from the Response.
    const response = await lastValueFrom(eventsOf(text).pipe(finalResponse()));
    expect(response).toMatchObject({ id: expect.any(String), status: 'completed' });
    expect(response.output.map((item) => item.type)).toEqual([
      'image_generation_call',
      'image_generation_call',
    ]);
  });

  it("responseFields: 'all' relays the Response unchanged (so the search above can find a leak)", async () => {
    const text = await browserReceives('secrets', { responseFields: 'all' });
    for (const secret of Object.values(SECRETS)) expect(text).toContain(secret);
  });
});

describe("the API's failures inside the stream go through mapError", () => {
  it('an error event becomes exactly one safe error event: no key, no organization', async () => {
    const seen: unknown[] = [];
    const text = await browserReceives('error-event', {
      mapError: (error): SafeError | undefined => {
        seen.push(error);
        return undefined;
      },
    });
    expect(text).not.toMatch(/LEAKED|0123456789abcdef/);
    const errors = [...text.matchAll(/^event: error\ndata: (.*)$/gm)].map((m) => JSON.parse(m[1]!));
    expect(errors).toEqual([
      {
        type: 'error',
        code: 'invalid_api_key',
        message:
          'Incorrect API key provided: sk-*** for organization org-*** (see https://x.openai.azure.com/?api-key=***).',
        param: null,
        sequence_number: 3,
      },
    ]);
    // SDK 7 throws the event as an APIError, SDK 6 yields it (a ResponseStreamError here): mapped once either way.
    expect(seen).toHaveLength(1);
  });

  it("mapError's answer replaces the API's text of an error event", async () => {
    const text = await browserReceives('error-event', {
      mapError: () => ({ code: 'unavailable', message: 'Image generation is unavailable.' }),
    });
    const error = await lastValueFrom(eventsOf(text)).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ResponseStreamError', code: 'unavailable' });
    expect(text.match(/^event: error$/gm)).toHaveLength(1);
  });

  it('response.failed is relayed with the safe message instead of the raw one, and no error event', async () => {
    const text = await browserReceives('failed');
    expect(text).not.toMatch(/LEAKED|0123456789abcdef/);
    expect(text).not.toMatch(/^event: error$/m);
    const events = await lastValueFrom(eventsOf(text).pipe(toArray()));
    expect(events.at(-1)).toMatchObject({
      type: 'response.failed',
      response: {
        status: 'failed',
        error: {
          code: 'server_error',
          message:
            'Incorrect API key provided: sk-*** for organization org-*** (see https://x.openai.azure.com/?api-key=***).',
        },
      },
    });
  });
});
