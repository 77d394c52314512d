// Internal: not part of the public API, not importable from the package.
import { accumulateResponse } from 'openai/lib/responses/ResponseAccumulator';
import type { Response, ResponseStreamEvent } from '../types';

/** Lifecycle events: they carry the whole `Response`, so a snapshot can start from any of them. */
const LIFECYCLE = new Set([
  'response.created',
  'response.queued',
  'response.in_progress',
  'response.completed',
  'response.failed',
  'response.incomplete',
]);

/** The prefix of the SDK accumulator's error for an event type it does not know (same in SDK 6 and 7). */
const UNKNOWN_EVENT = 'Unhandled response stream event';

/**
 * Feeds events to the SDK's own `accumulateResponse`, keeping the snapshot it returns. Differences from
 * calling it directly: an event type the SDK does not know is skipped (`push` returns `false`) instead of
 * throwing, and the snapshot may start from any lifecycle event, not only `response.created`.
 *
 * The snapshot is the SDK's working object: incremental events mutate it in place. Never hand it out; copy it
 * (see {@link copyResponse}).
 */
export class ResponseAccumulator {
  private current: Response | undefined;

  /** The accumulated response, or `undefined` before the first lifecycle event. */
  get snapshot(): Response | undefined {
    return this.current;
  }

  /** Applies one event; returns whether it was applied (`false`: an unknown type, skipped). Throws the SDK's error for an event it cannot apply. */
  push(event: ResponseStreamEvent): boolean {
    let input = event;
    if (this.current === undefined && event.type !== 'response.created' && LIFECYCLE.has(event.type)) {
      // Only `response.created` may start the SDK's snapshot; the other lifecycle events carry the same response.
      input = { ...event, type: 'response.created' } as ResponseStreamEvent;
    }
    try {
      this.current = accumulateResponse(input, this.current);
      return true;
    } catch (error) {
      if (error instanceof Error && error.message.startsWith(UNKNOWN_EVENT)) return false;
      throw error;
    }
  }

  /** Forgets the snapshot. */
  clear(): void {
    this.current = undefined;
  }
}

/**
 * A deep copy of a response's structure (objects and arrays) that shares its strings: the base64 images are
 * not copied, so a copy costs a few hundred small objects, whatever the images weigh.
 */
export function copyResponse(response: Response): Response {
  return copyTree(response) as Response;
}

function copyTree(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(copyTree);
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) copy[key] = copyTree((value as Record<string, unknown>)[key]);
  return copy;
}
