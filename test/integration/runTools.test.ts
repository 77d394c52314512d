// runTools: the SDK's own tool runner as an Observable, through the real client over HTTP against the local
// server: a model that calls a function, gets its output, then generates an image.
import OpenAI from 'openai';
import { lastValueFrom, NEVER, Observable, of, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  outputText,
  type ResponseStreamEvent,
  RxOpenAIError,
  runTools,
  type ToolFunction,
  ToolRunError,
  withFinalImage,
} from '../../src/index';
import {
  createEventFactory,
  imageGenerationScenario,
  type MockResponsesServer,
  startMockResponsesServer,
  toolTurnsScenario,
} from '../../src/testing/index';

/** Turn 1: the model calls get_weather({"city":"Paris"}), its arguments streamed in two deltas. */
function functionCallTurn(): ResponseStreamEvent[] {
  const e = createEventFactory({ responseId: 'resp_turn_1' });
  const call = e.functionCall({
    id: 'fc_1',
    call_id: 'call_weather',
    name: 'get_weather',
    arguments: '{"city":"Paris"}',
  });
  return [
    e.created({ status: 'in_progress' }),
    e.outputItemAdded({ ...call, arguments: '', status: 'in_progress' }, 0),
    e.functionCallArgumentsDelta('fc_1', 0, '{"city":'),
    e.functionCallArgumentsDelta('fc_1', 0, '"Paris"}'),
    e.functionCallArgumentsDone('fc_1', 0, '{"city":"Paris"}'),
    e.outputItemDone(call, 0),
    e.completed({ status: 'completed', output: [call] }),
  ];
}

/** Turn 2: with the tool's output in its input, the model writes a sentence and draws. */
const drawing = imageGenerationScenario({
  images: 1,
  partials: 1,
  text: 'Rain over Paris.',
  responseId: 'resp_turn_2',
});

let server: MockResponsesServer;
let client: OpenAI;
beforeAll(async () => {
  server = await startMockResponsesServer({
    scenario: toolTurnsScenario([functionCallTurn(), drawing.events]),
  });
  client = new OpenAI({ baseURL: server.url, apiKey: 'test', maxRetries: 0, logLevel: 'off' });
});
afterAll(() => server.close());

const params = {
  model: 'gpt-5',
  input: 'Draw the weather in Paris',
  tools: [{ type: 'image_generation' as const }],
};

function weather(execute: ToolFunction<{ city: string }>['execute']): ToolFunction<{ city: string }> {
  return {
    tool: {
      type: 'function',
      name: 'get_weather',
      strict: true,
      parameters: {
        type: 'object',
        properties: { city: { type: 'string' } },
        required: ['city'],
        additionalProperties: false,
      },
    },
    execute,
  };
}

/** `npm run test:sdk-oldest` runs this file against openai 6.45, which has no tool runner. */
const oldSdk = (process.env.EXPECT_OPENAI_VERSION ?? '').startsWith('6.');

describe.runIf(oldSdk)('runTools on an SDK without the runner (openai 6.x)', () => {
  it('errors at subscription with an RxOpenAIError that says what is missing, and sends nothing', async () => {
    const before = server.requests.length;
    const error = await lastValueFrom(runTools(client, params, [weather(() => 'rain')])).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RxOpenAIError);
    expect((error as Error).message).toMatch(/tool runner.*openai 7/);
    expect(server.requests.length).toBe(before);
  });
});

describe.skipIf(oldSdk)('runTools', () => {
  it('streams every event of both turns, marked with their turn; the tool gets its arguments, the model its output', async () => {
    const calls: unknown[] = [];
    const before = server.requests.length;
    const events = await lastValueFrom(
      runTools(client, params, [
        weather(async (args) => {
          calls.push(args);
          return { forecast: 'rain', celsius: 12 };
        }),
      ]).pipe(toArray()),
    );
    expect(calls).toEqual([{ city: 'Paris' }]);
    expect(events.map((e) => e.turn)).toEqual([
      ...functionCallTurn().map(() => 1),
      ...drawing.events.map(() => 2),
    ]);
    expect(events.map((e) => e.type)).toEqual([...functionCallTurn(), ...drawing.events].map((e) => e.type));
    // The second request carried the tool's output, as JSON, for the model's call.
    const second = server.requests[before + 1]!;
    const output = (
      (second.body as { input: { type: string; call_id?: string; output?: string }[] }).input ?? []
    ).find((item) => item.type === 'function_call_output');
    expect(output).toMatchObject({ call_id: 'call_weather', output: '{"forecast":"rain","celsius":12}' });
  });

  it('the operators work on the whole run, with state per turn: the image of turn 2, each turn’s text', async () => {
    const run$ = runTools(client, params, [weather(() => of('rain'))]);
    const images = await lastValueFrom(run$.pipe(withFinalImage(), toArray()));
    expect(images.map((i) => i.b64)).toEqual(drawing.images.map((i) => i.b64));
    const texts = await lastValueFrom(
      runTools(client, params, [weather(() => 'rain')]).pipe(outputText(), toArray()),
    );
    expect(texts.at(-1)!.text).toBe('Rain over Paris.');
  });

  it('unsubscribing while the tool runs aborts it (its signal, its Observable) and sends no further request', async () => {
    const before = server.requests.length;
    let signal: AbortSignal | undefined;
    let toolUnsubscribed = false;
    let toolStarted!: () => void;
    const started = new Promise<void>((resolve) => (toolStarted = resolve));
    const subscription = runTools(client, params, [
      weather((_args, context) => {
        signal = context.signal;
        toolStarted();
        return new Observable(() => () => (toolUnsubscribed = true));
      }),
    ]).subscribe();
    await started;
    subscription.unsubscribe();
    expect(signal?.aborted).toBe(true);
    expect(toolUnsubscribed).toBe(true);
    expect(server.requests.length - before).toBe(1);
  });

  it('a tool that throws errors the run with ToolRunError, with the call ids the runner reports', async () => {
    const error = await lastValueFrom(
      runTools(client, params, [
        weather(() => {
          throw new Error('the weather service is down');
        }),
      ]),
    ).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ToolRunError);
    expect((error as ToolRunError).attemptedCallIds).toEqual(['call_weather']);
    expect((error as ToolRunError).completedCallIds).toEqual([]);
  });

  it("the caller's signal errors with the SDK's APIUserAbortError, mid-tool", async () => {
    const cancel = new AbortController();
    const { APIUserAbortError } = await import('openai/core/error');
    const done = lastValueFrom(
      runTools(
        client,
        params,
        [
          weather(() => {
            queueMicrotask(() => cancel.abort());
            return NEVER;
          }),
        ],
        { signal: cancel.signal },
      ),
    );
    await expect(done).rejects.toBeInstanceOf(APIUserAbortError);
  });
});

describe.skipIf(oldSdk)(
  'toolTurnsScenario: the local server keys a conversation by the call outputs it receives',
  () => {
    const request = (input: unknown[]) =>
      client.responses.create({ model: 'gpt-5', input: input as never, stream: true }).then(
        async (stream) => {
          const types: string[] = [];
          for await (const event of stream) types.push(event.type);
          return types;
        },
        (error: unknown) => error,
      );

    it('answers turn 2 to the output of turn 1’s call, and 400 to a missing or a stray output, as the API does', async () => {
      const first = await request([{ role: 'user', content: 'hi' }]);
      expect(first).toEqual(functionCallTurn().map((e) => e.type));
      const second = await request([
        { type: 'function_call_output', call_id: 'call_weather', output: 'rain' },
      ]);
      expect(second).toEqual(drawing.events.map((e) => e.type));
      const stray = await request([{ type: 'function_call_output', call_id: 'call_other', output: 'x' }]);
      expect(stray).toMatchObject({
        status: 400,
        message: expect.stringMatching(/No tool call found .* call_other/),
      });
    });
  },
);
