import type { Response, ResponseErrorEvent } from 'openai/resources/responses/responses';

/**
 * The key of every error class's brand: a global symbol, the same in every copy of this package (its ESM and CJS
 * builds loaded in one process), so an error made by one copy is recognised by the other's classes.
 */
const BRAND: unique symbol = Symbol.for('rxjs-openai.errorBrand');

/** `instanceof` as the language defines it. */
const ordinaryHasInstance = Function.prototype[Symbol.hasInstance];

/** A class's own brand (never one it inherits), or `undefined`. */
function ownBrand(cls: unknown): unknown {
  return typeof cls === 'function' ? Object.getOwnPropertyDescriptor(cls, BRAND)?.value : undefined;
}

/**
 * Whether `value` is an instance of `cls` from any copy of this package: the ordinary check first (cheap, and
 * the whole answer within one copy), then whether a class of `value`'s prototype chain has `cls`'s own brand.
 */
function isInstance(cls: abstract new (...args: never) => unknown, value: unknown): boolean {
  if (ordinaryHasInstance.call(cls, value)) return true;
  if (typeof value !== 'object' || value === null) return false;
  const brand = ownBrand(cls);
  if (typeof brand !== 'string') return false;
  for (let proto = Object.getPrototypeOf(value); proto !== null; proto = Object.getPrototypeOf(proto)) {
    if (ownBrand(Object.getOwnPropertyDescriptor(proto, 'constructor')?.value) === brand) return true;
  }
  return false;
}

/**
 * The root of every error this library raises. The SDK's own errors (`APIError` and its subclasses) pass
 * through unchanged; unsubscribing is never an error.
 *
 * `instanceof` works across copies of this package (an ESM app with a CJS dependency loads both builds): each
 * class carries its own brand under a global symbol, and an error is an instance of a class when a class of its
 * prototype chain has that class's brand. Every subclass below declares its own brand.
 *
 * @example
 * ```ts
 * import { RxOpenAIError } from 'rxjs-openai';
 * images$.subscribe({ error: (e) => console.error(e instanceof RxOpenAIError ? e.message : e) });
 * ```
 */
export class RxOpenAIError extends Error {
  /** This class's brand: how an instance made by another copy of this package is recognised. */
  static readonly [BRAND]: string = 'RxOpenAIError';

  /**
   * Whether `value` is an instance of this class, made by this copy of the package or by another (its ESM or CJS
   * build): the ordinary check first, then the brands of the classes in `value`'s prototype chain. A subclass
   * without its own brand (your own subclasses) is checked the ordinary way only.
   *
   * @example
   * ```ts
   * import { TruncatedStreamError } from 'rxjs-openai';
   * // true for a TruncatedStreamError made by the CJS build too, and `error` is narrowed.
   * if (error instanceof TruncatedStreamError) console.warn(error.eventCount);
   * ```
   */
  static override [Symbol.hasInstance]<Class extends abstract new (...args: never) => unknown>(
    this: Class,
    value: unknown,
  ): value is InstanceType<Class> {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class right of `instanceof`, often a subclass.
    return isInstance(this, value);
  }

  override name = 'RxOpenAIError';
}

/**
 * The event stream ended without `response.completed`, `response.failed` or `response.incomplete`, and not
 * because we aborted it: a cut connection is never mistaken for success.
 */
export class TruncatedStreamError extends RxOpenAIError {
  static override readonly [BRAND] = 'TruncatedStreamError';
  override name = 'TruncatedStreamError';
  constructor(
    /** How many events arrived before the end. */
    readonly eventCount: number,
    /** The `sequence_number` of the last event that arrived, or `null` if none did. */
    readonly lastSequenceNumber: number | null,
    options?: ErrorOptions,
  ) {
    const cause = options?.cause instanceof Error ? ` (${options.cause.message})` : '';
    super(
      `The response stream ended after ${eventCount} event(s) (last sequence number ${lastSequenceNumber ?? 'none'}) without a terminal event${cause}.`,
      options,
    );
  }
}

/**
 * An event of the stream could not be parsed (the SDK's `SyntaxError`, kept as `cause`): a frame torn by a
 * connection that ended in its middle, or one a proxy or relay mangled. The events before it arrived whole;
 * `resumable()` reconnects after the last of them, like after a truncated stream.
 *
 * @example
 * ```ts
 * import { MalformedEventError } from 'rxjs-openai';
 * images$.subscribe({
 *   error: (e) => {
 *     if (e instanceof MalformedEventError) console.warn(`event after #${e.lastSequenceNumber} was torn`, e.cause);
 *   },
 * });
 * ```
 */
export class MalformedEventError extends RxOpenAIError {
  static override readonly [BRAND] = 'MalformedEventError';
  override name = 'MalformedEventError';
  constructor(
    /** How many events arrived whole before it. */
    readonly eventCount: number,
    /** The `sequence_number` of the last event that arrived whole, or `null` if none did. */
    readonly lastSequenceNumber: number | null,
    options?: ErrorOptions,
  ) {
    const cause = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(
      `An event after ${eventCount} event(s) (last sequence number ${lastSequenceNumber ?? 'none'}) could not be parsed${cause}`,
      options,
    );
  }
}

/**
 * The stream went silent: no event (the API's `keepalive` events count) arrived for `idleMs` milliseconds
 * after the response's headers. The request is aborted; `resumable()` reconnects as after a dropped
 * connection. The SDK's own `timeout` covers only the wait for the headers, so without this a connection
 * that stalls mid-body would wait forever.
 *
 * @example
 * ```ts
 * import { StreamIdleError, streamResponse } from 'rxjs-openai';
 * streamResponse(client, params, { idleTimeout: 60_000 }).subscribe({
 *   error: (e) => e instanceof StreamIdleError && console.warn(`silent for ${e.idleMs} ms`),
 * });
 * ```
 */
export class StreamIdleError extends RxOpenAIError {
  static override readonly [BRAND] = 'StreamIdleError';
  override name = 'StreamIdleError';
  constructor(
    /** The idle timeout that ran out, in milliseconds. */
    readonly idleMs: number,
    /** How many events arrived before the silence. */
    readonly eventCount: number,
    /** The `sequence_number` of the last event that arrived, or `null` if none did. */
    readonly lastSequenceNumber: number | null,
  ) {
    super(
      `The response stream was silent for ${idleMs} ms after ${eventCount} event(s) (last sequence number ${lastSequenceNumber ?? 'none'}).`,
    );
  }
}

/** Why moderation blocked an image, as the API details it (`moderation_details` of a `moderation_blocked` error). */
export interface ImageModerationDetails {
  /** The moderation categories (`violence`, ...); new values may come. */
  readonly categories: readonly string[];
  /** Whether the prompt or input images (`input`) or the generated image (`output`) was blocked. */
  readonly moderation_stage: 'input' | 'output' | 'unknown';
}

/**
 * An image generation call finished with status `failed` (for example `moderation_blocked`, with the API's
 * `moderationDetails`).
 *
 * @example
 * ```ts
 * import { ImageGenerationError } from 'rxjs-openai';
 * images$.subscribe({
 *   error: (e) => {
 *     if (e instanceof ImageGenerationError && e.code === 'moderation_blocked')
 *       console.warn('blocked:', e.moderationDetails?.categories.join(', '));
 *   },
 * });
 * ```
 */
export class ImageGenerationError extends RxOpenAIError {
  static override readonly [BRAND] = 'ImageGenerationError';
  override name = 'ImageGenerationError';
  /** The API's error type (`image_generation_user_error`, ...), when it gave one. */
  readonly type: string | null;
  /** Why moderation blocked the image (a `moderation_blocked` error's `moderation_details`), when the API says. */
  readonly moderationDetails: ImageModerationDetails | null;
  constructor(
    /** The image generation call's item id. */
    readonly itemId: string,
    /** The item's index in the response's `output`. */
    readonly outputIndex: number,
    /** The API's error code, when it gave one. */
    readonly code: string | null,
    message: string,
    /** The rest of the item's `error`: its `type` and `moderation_details`. */
    details: { type?: string | null; moderation_details?: ImageModerationDetails | null } = {},
  ) {
    super(`Image ${itemId} failed${code ? ` (${code})` : ''}: ${message}`);
    this.type = details.type ?? null;
    this.moderationDetails = details.moderation_details ?? null;
  }
}

/**
 * An Images API stream was asked for more than one image (`n > 1`): its events do not say which image they
 * belong to (a preview's `partial_image_index` counts one image's previews; a completion event names no
 * image), so their previews and finals could not be told apart. Raised at subscription, before any request
 * is sent. Stream one image per request (several streams, `merge`d), or call the API without `stream`.
 */
export class UnsupportedImageCountError extends RxOpenAIError {
  static override readonly [BRAND] = 'UnsupportedImageCountError';
  override name = 'UnsupportedImageCountError';
  constructor(
    /** The `n` that was asked for. */
    readonly n: number,
  ) {
    super(
      `The Images API cannot stream n = ${n} images: its stream events do not say which image they belong to. Stream one image per request (n: 1, several requests merged), or call it without stream.`,
    );
  }
}

/** The response ended with `response.failed`. */
export class ResponseFailedError extends RxOpenAIError {
  static override readonly [BRAND] = 'ResponseFailedError';
  override name = 'ResponseFailedError';
  /** The API's error code, when the response carries one. */
  readonly code: string | null;
  constructor(
    /** The failed response, as the `response.failed` event carried it. */
    readonly response: Response,
  ) {
    const error = response.error;
    super(`Response ${response.id} failed${error ? ` (${error.code}): ${error.message}` : ''}`);
    this.code = error?.code ?? null;
  }
}

/** The response ended with `response.incomplete` (for example `max_output_tokens` or `content_filter`). */
export class ResponseIncompleteError extends RxOpenAIError {
  static override readonly [BRAND] = 'ResponseIncompleteError';
  override name = 'ResponseIncompleteError';
  /** Why the response is incomplete, when the API says. */
  readonly reason: string | null;
  constructor(
    /** The incomplete response, as the `response.incomplete` event carried it. */
    readonly response: Response,
  ) {
    const reason = response.incomplete_details?.reason ?? null;
    super(`Response ${response.id} is incomplete${reason ? `: ${reason}` : ''}`);
    this.reason = reason;
  }
}

/**
 * The stream carried an `error` event. The event's fields come flat (`{ type: 'error', code, message }`) or
 * nested (`{ type: 'error', error: { code, message } }`); both are read.
 */
export class ResponseStreamError extends RxOpenAIError {
  static override readonly [BRAND] = 'ResponseStreamError';
  override name = 'ResponseStreamError';
  /** The API's error code, or `null`. */
  readonly code: string | null;
  /** The parameter the error is about, or `null`. */
  readonly param: string | null;
  /** The `sequence_number` of the `error` event, or `null`. */
  readonly sequenceNumber: number | null;
  constructor(
    /** The `error` event as received. */
    readonly event: ResponseErrorEvent,
  ) {
    const nested = (event as { error?: Partial<ResponseErrorEvent> }).error;
    const fields = nested && typeof nested === 'object' ? nested : event;
    super(
      `The response stream reported an error${fields.code ? ` (${fields.code})` : ''}: ${fields.message ?? 'no message'}`,
    );
    this.code = fields.code ?? null;
    this.param = fields.param ?? null;
    this.sequenceNumber = typeof event.sequence_number === 'number' ? event.sequence_number : null;
  }
}

/** The stream ended after an image's completion event, but its bytes never came: an image is never dropped silently. */
export class MissingImageError extends RxOpenAIError {
  static override readonly [BRAND] = 'MissingImageError';
  override name = 'MissingImageError';
  constructor(
    /** The image generation call's item id. */
    readonly itemId: string,
    /** The item's index in the response's `output`. */
    readonly outputIndex: number,
  ) {
    super(`Image ${itemId} (output ${outputIndex}) was announced but its bytes never arrived.`);
  }
}

/**
 * A relay answered `fromServerSentEvents` with an HTTP error status, or with a body that is not an event stream
 * (a 2xx whose `content-type` is not `text/event-stream`). Carries the status and the start of the body (at most
 * 4 KiB of text), so a UI can tell "not signed in" from "server down".
 */
export class RelayHttpError extends RxOpenAIError {
  static override readonly [BRAND] = 'RelayHttpError';
  override name = 'RelayHttpError';
  constructor(
    /** The HTTP status, e.g. `500`. */
    readonly status: number,
    /** The HTTP status text, possibly empty. */
    readonly statusText: string,
    /** The start of the response body as text (at most 4 KiB), or `''`. */
    readonly body: string,
  ) {
    super(
      `The relay answered HTTP ${status}${statusText ? ` ${statusText}` : ''}${status >= 200 && status < 300 ? ', not an event stream' : ''}${body ? `: ${body.slice(0, 200)}` : ''}`,
    );
  }
}

/**
 * Why {@link ResumeNotPossibleError} was raised: `not-background`, the response was not created with
 * `background: true`; `no-cursor`, a stream read through a relay (`fromServerSentEvents` with `resume`) was cut
 * before the relay sent a cursor (an SSE `id:`) to resume from: the relay signs cursors only for background
 * responses, and only with its `cursor` option.
 */
export type ResumeNotPossibleReason = 'not-background' | 'no-cursor';

/**
 * The stream cannot be resumed. `resumable()` raises it at `response.created` (reason `not-background`), before
 * any connection drops: only a background response (`background: true`) can be replayed with
 * `responses.retrieve(id, { stream: true, starting_after })`. `fromServerSentEvents` with `resume` raises it
 * when a stream is cut after events arrived but before the relay sent a cursor (reason `no-cursor`, or
 * `not-background` when the response said so), with the cut as `cause`. (A stream that fails before anything
 * arrived has nothing to resume from: its own error passes through.)
 *
 * @example
 * ```ts
 * import { ResumeNotPossibleError } from 'rxjs-openai';
 * events$.subscribe({
 *   error: (e) => {
 *     if (e instanceof ResumeNotPossibleError && e.reason === 'no-cursor') console.warn('the relay sends no cursors');
 *   },
 * });
 * ```
 */
export class ResumeNotPossibleError extends RxOpenAIError {
  static override readonly [BRAND] = 'ResumeNotPossibleError';
  override name = 'ResumeNotPossibleError';
  constructor(
    /** The response's id, or `null` if unknown. */
    readonly responseId: string | null,
    /** `not-background` or `no-cursor` (see {@link ResumeNotPossibleReason}). */
    readonly reason: ResumeNotPossibleReason,
    options?: ErrorOptions,
  ) {
    super(
      reason === 'no-cursor'
        ? `Response ${responseId ?? '(unknown)'} cannot be resumed: the stream was cut before the relay sent a cursor (an SSE id) to resume from. A relay signs cursors only for background responses, and only with its cursor option.`
        : `Response ${responseId} cannot be resumed: it is not a background response (its response.created says background is not true), and the API replays only background responses. Create it with background: true, or drop resumable().`,
      options,
    );
  }
}

/** A resumed stream skipped events: the next `sequence_number` was not the one expected. Never skipped silently. */
export class SequenceGapError extends RxOpenAIError {
  static override readonly [BRAND] = 'SequenceGapError';
  override name = 'SequenceGapError';
  constructor(
    /** The response's id, or `null` if unknown. */
    readonly responseId: string | null,
    /** The `sequence_number` that should have come next (the last one passed on, plus one). */
    readonly expected: number,
    /** The `sequence_number` that came instead. */
    readonly received: number,
  ) {
    super(
      `Response ${responseId ?? '(unknown)'}: expected event ${expected} next, received ${received}: ${received - expected} event(s) missing.`,
    );
  }
}

/** `resumable()` gave up: every reconnection it was allowed failed. The last failure is the `cause`. */
export class ResumeFailedError extends RxOpenAIError {
  static override readonly [BRAND] = 'ResumeFailedError';
  override name = 'ResumeFailedError';
  constructor(
    /** The response's id. */
    readonly responseId: string,
    /** How many reconnections were tried in a row without receiving a new event. */
    readonly attempts: number,
    /** The `sequence_number` of the last event passed on, or `null` if none was. */
    readonly lastSequenceNumber: number | null,
    options?: ErrorOptions,
  ) {
    super(
      `Response ${responseId} could not be resumed after ${attempts} attempt(s) (last sequence number ${lastSequenceNumber ?? 'none'}).`,
      options,
    );
  }
}

/**
 * An output item was announced (`response.output_item.added`, or an event naming its item id) but never finished:
 * no `response.output_item.done` for it, and not in `response.completed`'s output, before its response completed
 * or the stream ended. An item is never dropped silently.
 */
export class MissingOutputItemError extends RxOpenAIError {
  static override readonly [BRAND] = 'MissingOutputItemError';
  override name = 'MissingOutputItemError';
  constructor(
    /** The item's id. */
    readonly itemId: string,
    /** The item's index in the response's `output`. */
    readonly outputIndex: number,
    /** The item's `type` (`function_call`, `message`, ...), as announced. */
    readonly itemType: string,
  ) {
    super(`Output item ${itemId} (${itemType}, output ${outputIndex}) was announced but never finished.`);
  }
}

/** A function call's `arguments` are not valid JSON. The raw text is kept, and the `SyntaxError` as `cause`. */
export class FunctionArgumentsError extends RxOpenAIError {
  static override readonly [BRAND] = 'FunctionArgumentsError';
  override name = 'FunctionArgumentsError';
  constructor(
    /** The call's `call_id`, to answer it with a `function_call_output`. */
    readonly callId: string,
    /** The function's name. */
    readonly functionName: string,
    /** The arguments as the model wrote them. */
    readonly rawArguments: string,
    /** The function call's item id. */
    readonly itemId: string,
    options?: ErrorOptions,
  ) {
    const cause = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(`The arguments of ${functionName} (call ${callId}) are not valid JSON${cause}`, options);
  }
}

/** One problem a Standard Schema validator found (its `issues`), as {@link FunctionArgumentsValidationError} keeps it. */
export interface ValidationIssue {
  /** What is wrong, in the validator's words. */
  readonly message: string;
  /** Where in the value, when the validator says: property keys or array indexes, or segments carrying them. */
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

/**
 * A function call's arguments are valid JSON but its function's schema rejected them (or `schemas` has no schema
 * for its name). Carries the validator's `issues`.
 */
export class FunctionArgumentsValidationError extends RxOpenAIError {
  static override readonly [BRAND] = 'FunctionArgumentsValidationError';
  override name = 'FunctionArgumentsValidationError';
  constructor(
    /** The call's `call_id`. */
    readonly callId: string,
    /** The function's name. */
    readonly functionName: string,
    /** The arguments as the model wrote them. */
    readonly rawArguments: string,
    /** The function call's item id. */
    readonly itemId: string,
    /** What the validator found wrong (at least one). */
    readonly issues: readonly ValidationIssue[],
  ) {
    const first = issues[0];
    const where = first?.path?.length
      ? ` at ${first.path.map((s) => String(typeof s === 'object' ? s.key : s)).join('.')}`
      : '';
    super(
      `The arguments of ${functionName} (call ${callId}) are invalid${first ? `${where}: ${first.message}` : ''}${issues.length > 1 ? ` (and ${issues.length - 1} more issue(s))` : ''}`,
    );
  }
}

/**
 * An MCP tool call failed (`response.mcp_call.failed`, or its item done with status `failed`). `detail` is the
 * item's `error` when known: an object (`mcp_protocol_error`, `mcp_tool_execution_error`, `http_error`) with SDK 7,
 * a string with SDK 6.
 */
export class McpCallError extends RxOpenAIError {
  static override readonly [BRAND] = 'McpCallError';
  override name = 'McpCallError';
  constructor(
    /** The MCP call's item id. */
    readonly itemId: string,
    /** The item's index in the response's `output`. */
    readonly outputIndex: number,
    /** The MCP tool's name, when it was announced. */
    readonly toolName: string | null,
    /** The MCP server's label, when it was announced. */
    readonly serverLabel: string | null,
    /** The item's `error`, when known. */
    readonly detail: unknown = null,
  ) {
    const what = toolName ? `${toolName}${serverLabel ? ` on ${serverLabel}` : ''}` : 'tool';
    super(`MCP call ${itemId} (${what}) failed${describeMcpError(detail)}`);
  }
}

/** An MCP error's type, code and message, for `McpCallError`'s message. */
function describeMcpError(detail: unknown): string {
  if (typeof detail === 'string') return detail ? `: ${detail}` : '';
  if (detail === null || typeof detail !== 'object') return '';
  const { message, type, code } = detail as { message?: unknown; type?: unknown; code?: unknown };
  const label = [type, code].filter((part) => typeof part === 'string' || typeof part === 'number').join(' ');
  const text = typeof message === 'string' ? message : '';
  return `${label ? ` (${label})` : ''}${text ? `: ${text}` : ''}`;
}

/**
 * `runTools()` stopped: a tool threw, a call was refused, or the SDK's runner gave up. Carries the call ids the
 * runner reports (never their arguments or results: the SDK withholds the original error, which may hold
 * credentials); `cause` is the SDK's `ResponsesToolRunnerError`.
 *
 * @example
 * ```ts
 * import { runTools, ToolRunError } from 'rxjs-openai';
 * runTools(client, params, functions).subscribe({
 *   error: (e) => e instanceof ToolRunError && console.warn('ran before the failure:', e.completedCallIds),
 * });
 * ```
 */
export class ToolRunError extends RxOpenAIError {
  static override readonly [BRAND] = 'ToolRunError';
  override name = 'ToolRunError';
  constructor(
    message: string,
    /** Every call that entered dispatch, failed or refused ones included. */
    readonly attemptedCallIds: readonly string[],
    /** Every call whose tool returned an output. */
    readonly completedCallIds: readonly string[],
    options?: ErrorOptions,
  ) {
    super(`The tool run stopped: ${message}`, options);
  }
}
