// Internal: not part of the public API, not importable from the package.
import { isTerminalEvent } from './events';

/**
 * Tells where one response ends and the next begins in a stream that carries several (a batch through
 * `concatMap`, `repeat()`, `retry()` placed before an operator, concatenated scenarios), so that a stateful
 * operator keeps state for one response at a time. The rule, fed one event at a time:
 *
 * - `response.created` always starts a new response: the API sends it once, first, so a second one means a
 *   new request (or a replay from the start). What the previous response left unfinished was abandoned (a
 *   retry re-sent the request): it is dropped, never reported as missing.
 * - Any other event that carries a response (`response.queued`, `.in_progress`, the terminal events) starts a
 *   new response when its id differs from the current one (streams that start past `response.created`).
 * - After a terminal event, any event that is not itself terminal starts a new response (a stream whose
 *   lifecycle events were stripped); a repeated terminal event still belongs to the response it ends.
 *
 * It holds an id and two flags: nothing grows.
 */
export class ResponseBoundary {
  private id: string | null = null;
  private started = false;
  private ended = false;

  /** Records `event`; returns whether it begins a new response (the caller drops its state first). */
  starts(event: { type: string }): boolean {
    const terminal = isTerminalEvent(event);
    const id = 'response' in event ? responseIdOf(event) : null;
    let fresh: boolean;
    if (event.type === 'response.created') fresh = this.started;
    else if (id !== null && this.id !== null && id !== this.id) fresh = true;
    else fresh = this.ended && !terminal;
    this.started = true;
    if (fresh) this.ended = false;
    if (id !== null) this.id = id;
    else if (fresh) this.id = null;
    if (terminal) this.ended = true;
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
