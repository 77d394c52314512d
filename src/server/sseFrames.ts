// Internal to the relay: not exported from `rxjs-openai/server`.
import { asyncScheduler, Observable, type OperatorFunction, type SchedulerAction } from 'rxjs';
import { ResponseFailedError, ResponseStreamError, SequenceGapError } from '../errors';
import { detached } from '../internal/cancelResponse';
import { carriedResponseOf, isAnyTerminalEvent } from '../internal/events';
import { idleTimeout, idleTimeoutMs } from '../internal/idleTimeout';
import { operate } from '../internal/operate';
import { AFTER_COMMENT, isResumableFailure } from '../internal/resumeLoop';
import type { ImageStreamEvent, ResponseStreamEvent } from '../types';
import { type CursorSigner, cursorSecrets, cursorSigner } from './cursor';
import { resumedResponseOf } from './resumedResponse';
import { type SafeError, toSafeError } from './safeError';
import {
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_MAX_EVENT_BYTES,
  DEFAULT_RESPONSE_FIELDS,
  type ServerSentEventsOptions,
} from './serverSentEventsOptions';

/** The SSE comment sent when the stream has been quiet for `heartbeatMs`. */
export const KEEPALIVE_FRAME = ': keepalive\n\n';

/** A frame that gets a signed cursor (its SSE `id:`) before it is sent. */
export interface UnsignedFrame {
  readonly frame: string;
  readonly responseId: string;
  readonly sequenceNumber: number;
  /** The event it follows, when that is not the one before it. */
  readonly after: number | null;
}

/** How many frames may wait for their signature (each takes microseconds): a bound, never reached in practice. */
const MAX_PENDING_SIGNATURES = 4096;

/**
 * The relay's frames, as text: what `toServerSentEvents` encodes and `pipeServerSentEvents` writes. A source error,
 * an `error` event, an event too large or a silent source becomes one `error` frame, and then the frames
 * complete (which unsubscribes from the source, detached: a relay never cancels a response). Its timers (the
 * heartbeat, the idle timeout) run on `asyncScheduler`, so marble tests run them in virtual time.
 *
 * With `cursor`, every event of a background response gets a signed cursor as its SSE `id:` (and an
 * `: after <n>` comment when the events before it were not relayed), the upstream's sequence numbers are
 * checked (a duplicate is dropped, a gap is an error frame), and a resumable failure of the upstream (a cut, a
 * torn frame, a stall, a connection error or a 5xx) errors the frames instead, which drops the connection:
 * the browser resumes from its cursor, through any relay instance.
 */
export function sseFrames(
  source$: Observable<ResponseStreamEvent> | Observable<ImageStreamEvent>,
  options: ServerSentEventsOptions,
): Observable<string> {
  // Frames are opaque but for the `response.*` fields the relay trims: the Images API's events pass as they are.
  const events$ = source$ as Observable<ResponseStreamEvent>;
  const allowed = allowlist(options.events);
  const project = responseProjection(options.responseFields);
  const maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const encoder = new TextEncoder();
  // Checked here, when the relay is made: a misconfigured secret is the server's bug, not a request's.
  const secret = options.cursor ? cursorSecrets(options.cursor)[0]! : null;
  const resumed = secret === null ? null : resumedResponseOf(events$);

  const frames = operate<ResponseStreamEvent, string | UnsignedFrame>((subscriber) => {
    let lastSequenceNumber = -1;
    let lastSentAt = asyncScheduler.now();
    // With `cursor`: the background response being relayed (a resumed one is known before its first event).
    let responseId: string | null = resumed;
    let background = resumed !== null;
    /** The upstream's last sequence number (relayed or not), to check its order. */
    let upstream: number | null = null;
    /** The sequence number the next relayed event follows, from the browser's point of view. */
    let relayedBefore: number | null = null;

    const send = (frame: string | UnsignedFrame) => {
      lastSentAt = asyncScheduler.now();
      subscriber.next(frame);
    };
    /** Sends one `error` frame and ends, which unsubscribes from the source at once (a firehose too). */
    const fail = (safeError: SafeError, sequenceNumber = lastSequenceNumber + 1) => {
      const event = {
        type: 'error',
        code: safeError.code,
        message: safeError.message,
        param: null,
        sequence_number: sequenceNumber,
      };
      send(`event: error\ndata: ${JSON.stringify(event)}\n\n`);
      subscriber.complete();
    };

    if (heartbeatMs > 0) {
      // One timer: when it fires early (frames went out meanwhile), it sleeps for the time left.
      subscriber.add(
        asyncScheduler.schedule(function (this: SchedulerAction<unknown>) {
          const silent = asyncScheduler.now() - lastSentAt;
          if (silent >= heartbeatMs) {
            send(KEEPALIVE_FRAME);
            this.schedule(undefined, heartbeatMs);
          } else this.schedule(undefined, heartbeatMs - silent);
        }, heartbeatMs),
      );
    }

    /** With `cursor`: whether the event is a duplicate of the upstream's (dropped); throws on a gap. */
    const duplicate = (received: ResponseStreamEvent, sequenceNumber: unknown): boolean => {
      const response = carriedResponseOf(received);
      if (response && response.id !== responseId) {
        responseId = response.id;
        background = response.background === true;
        upstream = relayedBefore = null;
      }
      if (!background || typeof sequenceNumber !== 'number') return false;
      if (upstream !== null) {
        if (sequenceNumber <= upstream) return true;
        if (sequenceNumber > upstream + 1)
          throw new SequenceGapError(responseId, upstream + 1, sequenceNumber);
      }
      upstream = sequenceNumber;
      relayedBefore ??= sequenceNumber - 1;
      return false;
    };

    return {
      next(received) {
        const type = (received as { type?: unknown } | null)?.type;
        if (typeof type !== 'string' || /[\r\n]/.test(type)) return;
        const sequenceNumber = (received as { sequence_number?: unknown }).sequence_number;
        if (secret !== null) {
          try {
            if (duplicate(received, sequenceNumber)) return;
          } catch (error) {
            fail(mapError(options, error));
            return;
          }
        }
        let frame: string;
        try {
          if (type === 'error') {
            // Mapped like a thrown error: the API's text can name a key or an organization.
            const error = new ResponseStreamError(
              received as Extract<ResponseStreamEvent, { type: 'error' }>,
            );
            fail(mapError(options, error), typeof sequenceNumber === 'number' ? sequenceNumber : undefined);
            return;
          }
          if (type !== 'keepalive' && !isAnyTerminalEvent(received) && !allowed(received)) return;
          const event = safeFailure(project(received), options);
          frame = `event: ${type}\ndata: ${JSON.stringify(event)}\n\n`;
        } catch (error) {
          // A throwing allowlist predicate, or an event that cannot be serialized (a cycle, a BigInt).
          fail(mapError(options, error));
          return;
        }
        // UTF-8 takes at most 3 bytes per UTF-16 unit: only a frame over a third of the limit is counted.
        const bytes = frame.length * 3 > maxEventBytes ? encoder.encode(frame).byteLength : 0;
        if (bytes > maxEventBytes) {
          fail({
            code: 'event_too_large',
            message: `A ${type} event of ${bytes} bytes is over the relay's limit of ${maxEventBytes} bytes.`,
          });
          return;
        }
        if (typeof sequenceNumber === 'number') lastSequenceNumber = sequenceNumber;
        if (secret !== null && background && responseId !== null && typeof sequenceNumber === 'number') {
          const after = relayedBefore === sequenceNumber - 1 ? null : relayedBefore;
          relayedBefore = sequenceNumber;
          send({ frame, responseId, sequenceNumber, after });
        } else send(frame);
      },
      recover(error) {
        // A cut of a background response the browser holds a cursor of: drop the connection, it resumes.
        if (secret !== null && background && responseId !== null && isResumableFailure(error)) return error;
        fail(mapError(options, error));
        return null;
      },
    };
  });
  const framed = detached(events$).pipe(
    idleTimeout<ResponseStreamEvent>(idleTimeoutMs(options.idleTimeout)),
    frames,
  );
  return secret === null ? (framed as Observable<string>) : framed.pipe(signCursors(cursorSigner(secret)));
}

/**
 * Writes each frame's signed cursor (`id: <cursor>`, and its `: after <n>` comment) before it, in order. A
 * signature made at once (Node's HMAC) is written at once; one that comes later (WebCrypto) holds its frame,
 * and the frames after it, until it is made. The end (or an error) of the frames comes after the last frame.
 */
export function signCursors(sign: CursorSigner): OperatorFunction<string | UnsignedFrame, string> {
  const prefix = (cursor: string, after: number | null) =>
    `id: ${cursor}\n${after === null ? '' : `${AFTER_COMMENT}${after}\n`}`;
  return (source) =>
    new Observable<string>((subscriber) => {
      /** Frames in order, each with its bytes once ready (`null` while its signature is pending). */
      const queue: { chunks: string[] | null }[] = [];
      let end: { error: unknown } | 'complete' | null = null;
      const flush = () => {
        while (queue.length > 0 && queue[0]!.chunks !== null) {
          for (const chunk of queue.shift()!.chunks!) subscriber.next(chunk);
        }
        if (queue.length > 0 || end === null) return;
        if (end === 'complete') subscriber.complete();
        else subscriber.error(end.error);
      };
      subscriber.add(() => {
        queue.length = 0;
      });
      return source.subscribe({
        next(item) {
          if (typeof item === 'string') {
            if (queue.length === 0) subscriber.next(item);
            else queue.push({ chunks: [item] });
            return;
          }
          if (queue.length >= MAX_PENDING_SIGNATURES) {
            subscriber.error(new Error(`More than ${MAX_PENDING_SIGNATURES} frames waited for a signature.`));
            return;
          }
          let signed: string | Promise<string>;
          try {
            signed = sign(item.responseId, item.sequenceNumber);
          } catch (error) {
            subscriber.error(error);
            return;
          }
          if (typeof signed === 'string' && queue.length === 0) {
            subscriber.next(prefix(signed, item.after));
            subscriber.next(item.frame);
            return;
          }
          const slot: { chunks: string[] | null } = { chunks: null };
          queue.push(slot);
          Promise.resolve(signed).then(
            (cursor) => {
              slot.chunks = [prefix(cursor, item.after), item.frame];
              flush();
            },
            (error: unknown) => subscriber.error(error),
          );
        },
        error(error: unknown) {
          end = { error };
          flush();
        },
        complete() {
          end = 'complete';
          flush();
        },
      });
    });
}

/** `response.failed` with its error's text replaced by the mapped one: the API's text is not relayed. */
function safeFailure(event: ResponseStreamEvent, options: ServerSentEventsOptions): ResponseStreamEvent {
  if (event.type !== 'response.failed' || !isObject(event.response)) return event;
  const safeError = mapError(options, new ResponseFailedError(event.response));
  const error = { code: safeError.code, message: safeError.message };
  return { ...event, response: { ...event.response, error } } as ResponseStreamEvent;
}

/** The events with their `Response` cut down to the fields to relay. */
function responseProjection(
  fields: ServerSentEventsOptions['responseFields'],
): (event: ResponseStreamEvent) => ResponseStreamEvent {
  if (fields === 'all') return (event) => event;
  const keep = fields ?? DEFAULT_RESPONSE_FIELDS;
  return (event) => {
    const response = (event as { response?: unknown }).response;
    if (!isObject(response)) return event;
    const kept: Record<string, unknown> = {};
    for (const field of keep) if (Object.hasOwn(response, field)) kept[field] = response[field];
    return { ...event, response: kept } as unknown as ResponseStreamEvent;
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mapError(options: ServerSentEventsOptions, error: unknown): SafeError {
  try {
    return options.mapError?.(error) ?? toSafeError(error);
  } catch {
    return toSafeError(error);
  }
}

function allowlist(events: ServerSentEventsOptions['events']): (event: ResponseStreamEvent) => boolean {
  if (events === undefined) return () => true;
  if (typeof events === 'function') return events;
  const types = new Set<string>(events);
  return (event) => types.has(event.type);
}
