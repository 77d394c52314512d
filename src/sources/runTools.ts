import type OpenAI from 'openai';
import type {
  FunctionTool,
  ResponseCreateParamsNonStreaming,
  ResponseOutputItem,
} from 'openai/resources/responses/responses';
import { isObservable, Observable, type Subscription } from 'rxjs';
import { RxOpenAIError, ToolRunError } from '../errors';
import { failOnCallerAbort } from '../internal/failOnCallerAbort';
import type { ResponseStreamEvent } from '../types';

/** One function the model may call, and the code that runs it. */
export interface ToolFunction<Args = Record<string, unknown>> {
  /** The declaration the model sees: `{ type: 'function', name, description, parameters, strict }`. */
  readonly tool: FunctionTool;
  /**
   * Runs one call with its parsed arguments. Returns the output: a value, a Promise, or an Observable whose
   * last value is the output. A string is sent as it is, anything else as JSON. `signal` aborts when the
   * run is cancelled (unsubscribing, your `signal`): pass it on to your own requests; an Observable output is
   * unsubscribed then.
   */
  execute(args: Args, context: { readonly signal: AbortSignal }): unknown;
}

/** Options of {@link runTools}. */
export interface RunToolsOptions {
  /** The most API requests of the run (the SDK's default: 20). No tool runs after the last allowed one. */
  readonly maxSteps?: number;
  /** Your Cancel: when it aborts, the Observable errors with the SDK's `APIUserAbortError`. */
  readonly signal?: AbortSignal | null | undefined;
  /** Answers an MCP approval request (the SDK's `approveMcp`): `true` to approve, `false` to refuse. */
  readonly approveMcp?: (
    request: Readonly<ResponseOutputItem.McpApprovalRequest>,
  ) => boolean | Promise<boolean>;
  /** The SDK's request options for every request of the run (`timeout`, `headers`, ...). */
  // biome-ignore lint/suspicious/noExplicitAny: the SDK's RequestOptions; any keeps every SDK version assignable
  readonly requestOptions?: any;
}

/** An event of {@link runTools}: the SDK's event, and the 1-based turn (model request) it belongs to. */
export type ToolRunEvent = ResponseStreamEvent & { readonly turn: number };

/**
 * Runs the SDK's own Responses tool loop (`ResponsesToolRunner` from `openai/helpers/responses-tool-runner`) as
 * a cold Observable of every event of every turn: the model answers, calls your functions, gets their
 * outputs, answers again, until it stops calling them or `maxSteps` requests were made.
 *
 * This is a wrapper, not a loop of its own: the SDK's runner sends the requests, validates the calls, runs the
 * functions in output order and feeds their outputs back. Each event carries its `turn` (1, 2, ...); each
 * turn is a response of its own (a new `response.created`), so every operator of this library works on the
 * whole run, with state per response: `withFinalImage()` gets the image the model draws after a tool call,
 * `outputText()` each turn's text, `functionCalls()` every call.
 *
 * - One run per subscription. Unsubscribing aborts the running request and the running tools (they get the
 *   aborted `signal`; an Observable output is unsubscribed), silently.
 * - Your `signal` aborting errors with the SDK's `APIUserAbortError`, as in every source.
 * - A tool that throws, or a run the SDK refuses, errors with {@link ToolRunError}, carrying the call ids the
 *   runner reports as attempted and completed (its original error is withheld by the SDK: it may hold
 *   credentials); the SDK's `APIError`s pass through unchanged.
 * - Needs an SDK that has the runner (openai 7.x: 7.57 is tested). On openai 6.x (6.45 has no
 *   `openai/helpers/responses-tool-runner`), the Observable errors at subscription with an `RxOpenAIError`
 *   that says so; the rest of this library works on 6.x.
 *
 * ```
 * turn 1:  --created--fc_args--done--completed                 (the model calls get_weather)
 * tools:                                     [get_weather runs]
 * turn 2:                                                    --created--partial--done--completed|
 * result:  --1--------1--------1-----1-------------------------2--------2--------2-----2---------|
 * ```
 *
 * @example
 * ```ts
 * import OpenAI from 'openai';
 * import { runTools, withFinalImage } from 'rxjs-openai';
 *
 * const weather = {
 *   tool: { type: 'function' as const, name: 'get_weather', strict: true, parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false } },
 *   execute: async ({ city }: { city: string }, { signal }: { signal: AbortSignal }) =>
 *     (await fetch(`https://example.test/weather?city=${city}`, { signal })).text(),
 * };
 * runTools(new OpenAI(), { model: 'gpt-5', input: 'Draw the weather in Paris', tools: [{ type: 'image_generation' }] }, [weather])
 *   .pipe(withFinalImage())
 *   .subscribe((image) => save(image.b64));
 * ```
 *
 * @param client The `OpenAI` client (the SDK's runner needs the real one).
 * @param params The first request's body (without `stream`); `tools` may hold the hosted tools (image generation,
 *   web search, MCP); your functions' declarations are added from `functions`.
 * @param functions Your functions: each its declaration and the code that runs it.
 * @param options `maxSteps`, your `signal`, `approveMcp`, `requestOptions`.
 * @return A cold Observable of every event of every turn, each with its `turn`.
 */
export function runTools(
  client: OpenAI,
  params: ResponseCreateParamsNonStreaming,
  // biome-ignore lint/suspicious/noExplicitAny: each function has its own argument type
  functions: readonly ToolFunction<any>[],
  options: RunToolsOptions = {},
): Observable<ToolRunEvent> {
  const run = new Observable<ToolRunEvent>((subscriber) => {
    const controller = new AbortController();
    let turn = 0;
    subscriber.add(() => controller.abort());

    loadRunner().then(
      ({ ResponsesToolRunner, ResponsesToolRunnerError }) => {
        if (subscriber.closed) return;
        const runner = new ResponsesToolRunner({
          functions: functions.map((fn) => ({
            tool: fn.tool,
            execute: (args: Record<string, unknown>, context?: { signal: AbortSignal | undefined }) =>
              outputOf(fn.execute(args, { signal: context?.signal ?? controller.signal }), controller.signal),
          })),
        });
        subscriber.add(() => runner.close());
        runner
          .run(client, params, {
            stream: true,
            signal: controller.signal,
            ...(options.maxSteps === undefined ? {} : { maxSteps: options.maxSteps }),
            ...(options.approveMcp ? { approveMcp: options.approveMcp } : {}),
            ...(options.requestOptions ? { requestOptions: options.requestOptions } : {}),
            onEvent: (event) => {
              if (subscriber.closed) return;
              if (event.type === 'response.created') turn++;
              // The runner hands each event detached (a structured clone): ours to mark.
              subscriber.next(Object.assign(event, { turn: Math.max(turn, 1) }) as ToolRunEvent);
            },
          })
          .then(
            () => subscriber.complete(),
            (error: unknown) => {
              if (subscriber.closed) return;
              subscriber.error(
                error instanceof ResponsesToolRunnerError
                  ? new ToolRunError(error.message, error.attemptedCallIds, error.completedCallIds, {
                      cause: error,
                    })
                  : error,
              );
            },
          );
      },
      (error: unknown) => subscriber.error(error),
    );
  });
  return run.pipe(failOnCallerAbort<ToolRunEvent>(options.signal));
}

type RunnerModule = typeof import('openai/helpers/responses-tool-runner');

/** The SDK's runner, loaded on first use, so that this module loads on SDKs without it (openai 6.x). */
function loadRunner(): Promise<RunnerModule> {
  return import('openai/helpers/responses-tool-runner').catch((cause: unknown) => {
    throw new RxOpenAIError(
      "runTools needs the SDK's Responses tool runner (openai/helpers/responses-tool-runner, in openai 7.x); the installed openai has none.",
      { cause },
    );
  });
}

/** A tool's output as the runner sends it: the last value of an Observable, or the value; JSON unless a string. */
async function outputOf(value: unknown, signal: AbortSignal): Promise<string> {
  const settled = isObservable(value) ? await lastValue(value, signal) : await value;
  return typeof settled === 'string' ? settled : JSON.stringify(settled ?? null);
}

/** The last value of `source`; unsubscribed, and rejected with the signal's reason, when `signal` aborts. */
function lastValue(source: Observable<unknown>, signal: AbortSignal): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let last: unknown;
    let subscription: Subscription | undefined;
    const onAbort = () => {
      subscription?.unsubscribe();
      reject(signal.reason);
    };
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    subscription = source.subscribe({
      next: (value) => (last = value),
      error: (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
      complete: () => {
        signal.removeEventListener('abort', onAbort);
        resolve(last);
      },
    });
  });
}
