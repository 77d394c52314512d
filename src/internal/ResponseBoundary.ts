// Internal: not part of the public API, not importable from the package.
import { isTerminalEvent } from './events';

/**
 * Tells where one response ends and the next begins in a stream that carries several (a batch through
 * `concatMap`, `repeat()`, `retry()` placed before an operator, concatenated scenarios), so that a stateful
 * operator keeps state for one response at a time. The rule, fed one event at a time:
 *
 * - An event that carries a response (`response.created`, `.queued`, `.in_progress`, the terminal events)
 *   with another id than the current response's starts a new response. Each request makes a new response
 *   with a new id, so a retry that re-sent the request is a new response; what the previous one left
 *   unfinished was abandoned, and is dropped, never reported as missing.
 * - `response.created` with the current id starts it again only after the response's terminal event (a
 *   stored response replayed from the start by `repeat()`). Before it, the API never sends a second one: it
 *   is a duplicate, or out of order, and changes nothing.
 * - Nothing else does: an event that arrives after its response's terminal event (a duplicate, a late
 *   preview) still belongs to that response, and is judged with its state.
 *
 * It holds an id and a flag: nothing grows.
 */
export class ResponseBoundary {
  private id: string | null = null;
  private ended = false;

  /** Records `event`; returns whether it begins a new response (the caller drops its state first). */
  starts(event: { type: string }): boolean {
    if (!('response' in event)) return false;
    const id = responseIdOf(event);
    const fresh =
      this.id !== null &&
      ((id !== null && id !== this.id) || (event.type === 'response.created' && this.ended));
    if (fresh) this.ended = false;
    if (id !== null) this.id = id;
    if (isTerminalEvent(event)) this.ended = true;
    return fresh;
  }

  /** The current response's id, once an event carried it; `null` before. */
  get responseId(): string | null {
    return this.id;
  }
}

function responseIdOf(event: object): string | null {
  const response = (event as { response?: { id?: unknown } | null }).response;
  return response && typeof response.id === 'string' ? response.id : null;
}
