// Internal to the relay: not exported from `rxjs-openai/server`.
import { asyncScheduler, type Observable, type SchedulerAction } from 'rxjs';
import { ResponseFailedError, ResponseStreamError } from '../errors';
import { isTerminalEvent } from '../internal/events';
import { idleTimeout, idleTimeoutMs } from '../internal/idleTimeout';
import { operate } from '../internal/operate';
import type { ResponseStreamEvent } from '../types';
import { type SafeError, toSafeError } from './safeError';
import {
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_MAX_EVENT_BYTES,
  DEFAULT_RESPONSE_FIELDS,
  type ServerSentEventsOptions,
} from './serverSentEventsOptions';

/** The SSE comment sent when the stream has been quiet for `heartbeatMs`. */
export const KEEPALIVE_FRAME = ': keepalive\n\n';

/**
 * The relay's frames, as encoded bytes: what `toServerSentEvents` writes, before its buffer. Never
 * errors: a source error, an `error` event, an event too large or a silent source becomes one `error` frame,
 * and then the frames complete (which unsubscribes from the source). Its timers (the heartbeat, the idle
 * timeout) run on `asyncScheduler`, so marble tests run them in virtual time.
 */
export function sseFrames(
  events$: Observable<ResponseStreamEvent>,
  options: ServerSentEventsOptions,
): Observable<Uint8Array> {
  const allowed = allowlist(options.events);
  const project = responseProjection(options.responseFields);
  const maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const encoder = new TextEncoder();
  const keepalive = encoder.encode(KEEPALIVE_FRAME);

  const frames = operate<ResponseStreamEvent, Uint8Array>((subscriber) => {
    let lastSequenceNumber = -1;
    let lastSentAt = asyncScheduler.now();

    const send = (frame: Uint8Array) => {
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
      send(encoder.encode(`event: error\ndata: ${JSON.stringify(event)}\n\n`));
      subscriber.complete();
    };

    if (heartbeatMs > 0) {
      // One timer: when it fires early (frames went out meanwhile), it sleeps for the time left.
      subscriber.add(
        asyncScheduler.schedule(function (this: SchedulerAction<unknown>) {
          const silent = asyncScheduler.now() - lastSentAt;
          if (silent >= heartbeatMs) {
            send(keepalive);
            this.schedule(undefined, heartbeatMs);
          } else this.schedule(undefined, heartbeatMs - silent);
        }, heartbeatMs),
      );
    }

    return {
      next(received) {
        const type = (received as { type?: unknown } | null)?.type;
        if (typeof type !== 'string' || /[\r\n]/.test(type)) return;
        const sequenceNumber = (received as { sequence_number?: unknown }).sequence_number;
        let frame: Uint8Array;
        try {
          if (type === 'error') {
            // Mapped like a thrown error: the API's text can name a key or an organization.
            const error = new ResponseStreamError(
              received as Extract<ResponseStreamEvent, { type: 'error' }>,
            );
            fail(mapError(options, error), typeof sequenceNumber === 'number' ? sequenceNumber : undefined);
            return;
          }
          if (type !== 'keepalive' && !isTerminalEvent(received) && !allowed(received)) return;
          const event = safeFailure(project(received), options);
          frame = encoder.encode(`event: ${type}\ndata: ${JSON.stringify(event)}\n\n`);
        } catch (error) {
          // A throwing allowlist predicate, or an event that cannot be serialized (a cycle, a BigInt).
          fail(mapError(options, error));
          return;
        }
        if (frame.byteLength > maxEventBytes) {
          fail({
            code: 'event_too_large',
            message: `A ${type} event of ${frame.byteLength} bytes is over the relay's limit of ${maxEventBytes} bytes.`,
          });
          return;
        }
        if (typeof sequenceNumber === 'number') lastSequenceNumber = sequenceNumber;
        send(frame);
      },
      recover(error) {
        fail(mapError(options, error));
        return null;
      },
    };
  });
  return events$.pipe(idleTimeout<ResponseStreamEvent>(idleTimeoutMs(options.idleTimeout)), frames);
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
