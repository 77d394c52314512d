// Internal to the relay: not exported from `rxjs-openai/server`.
import type { Observable } from 'rxjs';

/**
 * The Observables made by `resumeFromRequest`, with the id of the response each one resumes. A replay starts
 * after the browser's cursor, without the `response.created` that names the response, and the relay needs that
 * name to sign the replay's cursors. Weak: an Observable that is dropped takes its entry with it.
 */
const resumed = new WeakMap<Observable<unknown>, string>();

/** Marks `events$` as the replay of `responseId` (a background response). */
export function markResumed<T extends Observable<unknown>>(events$: T, responseId: string): T {
  resumed.set(events$, responseId);
  return events$;
}

/** The id of the response `events$` resumes, when `resumeFromRequest` made it; else `null`. */
export function resumedResponseOf(events$: Observable<unknown>): string | null {
  return resumed.get(events$) ?? null;
}
