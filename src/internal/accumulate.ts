// Internal: not part of the public API, not importable from the package.
import { accumulateResponse } from 'openai/lib/responses/ResponseAccumulator';
import type { Response, ResponseStreamEvent } from '../types';
import { carriesResponse, type EventKind, eventKind } from './eventKind';
import { MAX_ITEMS_PER_RESPONSE } from './limits';

/** The prefix of the SDK accumulator's error for an event type it does not know (same in SDK 6 and 7). */
const UNKNOWN_EVENT = 'Unhandled response stream event';

/**
 * Feeds events to the SDK's own `accumulateResponse`, keeping the snapshot it returns. Differences from
 * calling it directly, each one a tolerance of the SDK's `client.responses.stream()` helper:
 * - an event type the SDK does not know is skipped (`push` returns `false`) instead of throwing;
 * - the snapshot may start from any lifecycle event, not only `response.created`;
 * - `output_index` values that skip a number (seen in real streams: 0, 2, 3) are mapped to the item's
 *   position in `output`, as the helper maps them, instead of failing with "missing output at index 2".
 *
 * The snapshot is the SDK's working object: incremental events mutate it in place. Never hand it out; copy it
 * (see {@link copyResponse}).
 */
export class ResponseAccumulator {
  private current: Response | undefined;
  /** Wire `output_index` to position in `output`, for the items whose two differ. */
  private readonly positions = new Map<number, number>();

  /** The accumulated response, or `undefined` before the first lifecycle event. */
  get snapshot(): Response | undefined {
    return this.current;
  }

  /**
   * Applies one event; returns whether it was applied (`false`: an unknown type, skipped). Throws the SDK's
   * error for an event it cannot apply. `kind` is the event's kind, when the caller has read it already.
   */
  push(event: ResponseStreamEvent, kind: EventKind = eventKind(event.type)): boolean {
    let input = event;
    // A lifecycle event carries the whole `Response`, so a snapshot can start from any of them.
    if (carriesResponse(kind)) {
      // A lifecycle event carries the whole response, its output by position.
      this.positions.clear();
      if (this.current === undefined && event.type !== 'response.created') {
        // Only `response.created` may start the SDK's snapshot; the other lifecycle events carry the same response.
        input = { ...event, type: 'response.created' } as ResponseStreamEvent;
      }
    } else if ('output_index' in event && this.current !== undefined) {
      input = this.atPosition(event, this.current);
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
    this.positions.clear();
  }

  /** `event` with its `output_index` as a position in `output` (the same event when the two agree). */
  private atPosition(
    event: ResponseStreamEvent & { output_index: number },
    snapshot: Response,
  ): ResponseStreamEvent {
    const wire = event.output_index;
    let position = this.positions.get(wire);
    if (position === undefined && event.type === 'response.output_item.added') {
      position = snapshot.output.length;
      if (position !== wire && this.positions.size < MAX_ITEMS_PER_RESPONSE)
        this.positions.set(wire, position);
    }
    return position === undefined || position === wire
      ? event
      : ({ ...event, output_index: position } as ResponseStreamEvent);
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
