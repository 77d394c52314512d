import type { ResponseFunctionToolCall } from 'openai/resources/responses/responses';
import { Observable, type OperatorFunction, type Subscriber } from 'rxjs';
import {
  FunctionArgumentsError,
  FunctionArgumentsValidationError,
  RxOpenAIError,
  type ValidationIssue,
} from '../errors';
import { CallsObserver, FUNCTION_CALL, type PairedCall } from '../internal/CallPairing';
import { MAX_ITEMS_PER_RESPONSE } from '../internal/limits';
import type { ResponseStreamEvent } from '../types';

/**
 * A validator that implements Standard Schema v1 (https://standardschema.dev): Zod 3.24+, Zod 4, Valibot,
 * ArkType, Effect Schema and others, passed as they are. Only `~standard.validate` is called; `types` gives
 * `parsed` its type.
 */
export interface FunctionArgumentsSchema<Output = unknown> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    /** Validates the parsed JSON; may return a promise (see `functionCalls`). */
    readonly validate: (
      value: unknown,
    ) => FunctionArgumentsSchemaResult<Output> | Promise<FunctionArgumentsSchemaResult<Output>>;
    readonly types?: { readonly input: unknown; readonly output: Output } | undefined;
  };
}

/** What a Standard Schema validator returns: the value (possibly transformed), or the issues. */
export type FunctionArgumentsSchemaResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: readonly ValidationIssue[] };

/** The output type of a Standard Schema validator (`unknown` when it does not declare one). */
export type InferSchemaOutput<Schema> = Schema extends {
  readonly '~standard': { readonly types?: infer Types };
}
  ? [NonNullable<Types>] extends [never]
    ? unknown
    : NonNullable<Types> extends { readonly output: infer Output }
      ? Output
      : unknown
  : unknown;

/** Validators by function name, for `functionCalls({ schemas })`. */
export type FunctionSchemas = { readonly [name: string]: FunctionArgumentsSchema };

/** What `functionCalls` does with arguments that are not valid JSON or that a schema rejects. */
export type InvalidArgumentsHandling = 'error' | 'emit';

/** Options of {@link functionCalls}. */
export interface FunctionCallsOptions<
  Schemas extends FunctionSchemas = FunctionSchemas,
  Invalid extends InvalidArgumentsHandling = InvalidArgumentsHandling,
> {
  /**
   * A Standard Schema validator per function name: each call's parsed arguments are validated by its
   * function's schema, and `parsed` is the schema's output (typed). With `schemas`, a call to a function
   * that has none is invalid (as when a tool-calling SDK meets a tool it does not know).
   */
  readonly schemas?: Schemas;
  /**
   * `error` (default): invalid arguments error the stream (`FunctionArgumentsError`,
   * `FunctionArgumentsValidationError`). `emit`: the call is emitted with `error` set and `parsed`
   * `undefined`, and the stream goes on (to answer the model with the error, for example).
   */
  readonly invalid?: Invalid;
}

/** What every function call carries, valid or not. */
interface FunctionCallFields<Name extends string> {
  /** The call's `call_id`: answer it with a `function_call_output` item carrying the same id. */
  readonly callId: string;
  /** The function's name. */
  readonly name: Name;
  /** The arguments as the model wrote them (a JSON string). */
  readonly arguments: string;
  /** The function call's item id (`fc_...`). */
  readonly itemId: string;
  /** The item's index in the response's `output`. */
  readonly outputIndex: number;
  /**
   * The `function_call` item: the one `response.output_item.done` carried when it came first; else the item
   * `response.output_item.added` announced, with the final `arguments` and status `completed` filled in.
   */
  readonly item: ResponseFunctionToolCall;
}

/** A finished function call whose arguments parsed (and passed its schema, if any). Emitted by `functionCalls()`. */
export interface FunctionCall<Parsed = unknown, Name extends string = string>
  extends FunctionCallFields<Name> {
  /** The arguments parsed as JSON, or the schema's output for them. */
  readonly parsed: Parsed;
  /** `null`: the arguments are valid. */
  readonly error: null;
}

/** A finished function call whose arguments are invalid, as `functionCalls({ invalid: 'emit' })` emits it. */
export interface InvalidFunctionCall extends FunctionCallFields<string> {
  readonly parsed: undefined;
  /** Why: not JSON (`FunctionArgumentsError`), or rejected by the schema (`FunctionArgumentsValidationError`). */
  readonly error: FunctionArgumentsError | FunctionArgumentsValidationError;
}

/** What `functionCalls(options)` emits: calls typed by their schema, by name, and the invalid ones if emitted. */
export type FunctionCallOf<
  Schemas extends FunctionSchemas,
  Invalid extends InvalidArgumentsHandling = 'error',
> =
  | ([keyof Schemas] extends [never]
      ? FunctionCall
      : {
          [Name in keyof Schemas & string]: FunctionCall<InferSchemaOutput<Schemas[Name]>, Name>;
        }[keyof Schemas & string])
  | (Invalid extends 'emit' ? InvalidFunctionCall : never);

/**
 * Emits each finished function call with its call id, name, arguments and parsed arguments.
 *
 * The API splits a call across events: `response.output_item.added` has its `call_id` and `name`,
 * `response.function_call_arguments.done` has the final `arguments` but only the item id, and
 * `response.output_item.done` has everything. This pairs them by item id, in either order, with several calls
 * interleaved, and emits each call once, as soon as its parts are known, in the order calls finish; a call that
 * had none of those events is taken from `response.completed`'s `response.output`.
 *
 * - `parsed` is `JSON.parse(arguments)`; arguments that are not JSON error with `FunctionArgumentsError` (the
 *   raw text, the call id and name, the `SyntaxError` as `cause`).
 * - `schemas` validates each call with its function's Standard Schema validator (Zod, Valibot, ArkType, ...):
 *   `parsed` is the validator's output, typed, and a rejection errors with `FunctionArgumentsValidationError`
 *   and its `issues`. A validator may be asynchronous: its promise is awaited, and calls are still emitted in the
 *   order they finished (a call waits for the validation of the calls before it); the output completes once
 *   every validation has settled. An error (the source's, a failed response's) ends the output at once, without
 *   the calls still being validated.
 * - `invalid: 'emit'` emits invalid calls with `error` set instead of erroring. A validator that throws (or whose
 *   promise rejects) errors the output with what it threw, in either mode: that is a bug, not invalid arguments.
 * - A call announced that never finishes (no arguments, no done item, not in `response.completed`) errors
 *   with `MissingOutputItemError`. A call whose done item has status `incomplete` is never emitted with its cut
 *   arguments: its response's `response.incomplete` errors with `ResponseIncompleteError`.
 * - `response.failed`, `response.incomplete` and `error` error with the typed errors; unknown events are ignored.
 * - State belongs to one response (`concatMap`, `repeat()`, `retry()` upstream): an abandoned response's
 *   unfinished calls are dropped. It holds ids and names, never argument deltas; at most 4096 calls per response.
 *
 * ```
 * source:  --added(a)--added(b)--argsDone(b)--argsDone(a)--done(b)--done(a)--completed|
 * result:  ----------------------b------------a-----------------------------------------|
 * ```
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { functionCalls, streamResponse } from 'rxjs-openai';
 *
 * const schemas = { get_weather: z.object({ city: z.string() }) };
 * streamResponse(client, { model: 'gpt-5', input: 'Weather in Paris?', tools })
 *   .pipe(functionCalls({ schemas }))
 *   .subscribe((call) => {
 *     if (call.name === 'get_weather') console.log(call.callId, call.parsed.city); // parsed: { city: string }
 *   });
 * ```
 *
 * @param options `schemas` (a Standard Schema validator per function name) and `invalid` (`error` or `emit`).
 * @return An operator from the response's events to its finished function calls.
 * @see customToolCalls for custom (free-form) tool calls
 * @see mcpCalls for MCP tool calls the API runs itself
 * @see outputItems for every item as it finishes
 */
export function functionCalls<
  const Schemas extends FunctionSchemas = Record<never, never>,
  Invalid extends InvalidArgumentsHandling = 'error',
>(
  options: FunctionCallsOptions<Schemas, Invalid> = {},
): OperatorFunction<ResponseStreamEvent, FunctionCallOf<Schemas, Invalid>> {
  const schemas: FunctionSchemas | undefined = options.schemas;
  const emitInvalid = options.invalid === 'emit';
  type Out = FunctionCallOf<Schemas, Invalid>;

  const invalid = (call: PairedCall<ResponseFunctionToolCall>, error: InvalidFunctionCall['error']) => {
    if (!emitInvalid) throw error;
    return outcomeOf(call, undefined, error) as InvalidFunctionCall as Out;
  };
  const valid = (call: PairedCall<ResponseFunctionToolCall>, parsed: unknown) =>
    outcomeOf(call, parsed, null) as FunctionCall as Out;
  const judge = (
    call: PairedCall<ResponseFunctionToolCall>,
    result: FunctionArgumentsSchemaResult<unknown>,
  ) =>
    result.issues !== undefined
      ? invalid(
          call,
          new FunctionArgumentsValidationError(call.callId, call.name, call.text, call.itemId, result.issues),
        )
      : valid(call, result.value);

  /** The call checked: its value at once, or a promise of it (an asynchronous validator); throws when invalid. */
  const check = (call: PairedCall<ResponseFunctionToolCall>): Out | Promise<Out> => {
    let json: unknown;
    try {
      json = JSON.parse(call.text);
    } catch (cause) {
      return invalid(
        call,
        new FunctionArgumentsError(call.callId, call.name, call.text, call.itemId, { cause }),
      );
    }
    if (schemas === undefined) return valid(call, json);
    const schema = Object.hasOwn(schemas, call.name) ? schemas[call.name] : undefined;
    if (schema === undefined) {
      const known = Object.keys(schemas).join(', ') || 'none';
      return invalid(
        call,
        new FunctionArgumentsValidationError(call.callId, call.name, call.text, call.itemId, [
          { message: `No schema for function "${call.name}" (schemas: ${known}).` },
        ]),
      );
    }
    const result = schema['~standard'].validate(json);
    return isPromiseLike(result)
      ? Promise.resolve(result).then((settled) => judge(call, settled))
      : judge(call, result);
  };

  return (source) =>
    new Observable<Out>((subscriber) => {
      source.subscribe(new FunctionCallsObserver<Out>(subscriber, check));
    });
}

/**
 * Pairs the calls (a {@link CallsObserver}) and emits each call's checked outcome in the order the calls
 * finished. A synchronous outcome (JSON parsed, a synchronous validator) is emitted at once; an asynchronous
 * validator's promise holds the calls after it until it settles, and the completion waits for the last one. A
 * check that throws or rejects errors the output, and so does a source error, at once: calls still being
 * validated are dropped.
 */
class FunctionCallsObserver<Out> extends CallsObserver<ResponseFunctionToolCall> {
  /** Outcomes waiting behind a promise (or on their own), in call order. Bounded. */
  private readonly queue: (Out | Promise<Out>)[] = [];
  private sourceDone = false;
  private waiting = false;

  constructor(
    private readonly out: Subscriber<Out>,
    check: (call: PairedCall<ResponseFunctionToolCall>) => Out | Promise<Out>,
  ) {
    super(out, FUNCTION_CALL, (call) => {
      // Throws (the output's error) when the call is invalid and invalid calls are errors.
      const outcome = check(call);
      if (this.queue.length === 0 && !(outcome instanceof Promise)) {
        out.next(outcome);
        return;
      }
      if (this.queue.length >= MAX_ITEMS_PER_RESPONSE)
        throw new RxOpenAIError(`More than ${MAX_ITEMS_PER_RESPONSE} function calls waiting for validation.`);
      this.queue.push(outcome);
      this.drain();
    });
    out.add(() => {
      this.queue.length = 0;
    });
  }

  override complete(): void {
    if (this.closed) return;
    try {
      this.end();
    } catch (error) {
      this.error(error);
      return;
    }
    this.sourceDone = true;
    this.drain();
  }

  /** Emits the outcomes at the head of the queue that are known; waits on the first promise. */
  private drain(): void {
    const out = this.out;
    while (this.queue.length > 0) {
      const head = this.queue[0];
      if (head instanceof Promise) {
        if (this.waiting) return;
        this.waiting = true;
        head.then(
          (value) => {
            this.waiting = false;
            if (out.closed) return;
            this.queue[0] = value;
            this.drain();
          },
          (error: unknown) => {
            this.waiting = false;
            this.unsubscribe();
            out.error(error);
          },
        );
        return;
      }
      this.queue.shift();
      out.next(head as Out);
    }
    if (this.sourceDone) {
      this.unsubscribe();
      out.complete();
    }
  }
}

/** What is emitted for a call: one object literal (cheaper than spreading the call's fields into another). */
function outcomeOf(
  call: PairedCall<ResponseFunctionToolCall>,
  parsed: unknown,
  error: InvalidFunctionCall['error'] | null,
): FunctionCall | InvalidFunctionCall {
  return {
    callId: call.callId,
    name: call.name,
    arguments: call.text,
    itemId: call.itemId,
    outputIndex: call.outputIndex,
    item: call.item,
    parsed,
    error,
  } as FunctionCall | InvalidFunctionCall;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
