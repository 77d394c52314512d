import type { ResponseStreamEvent } from 'openai/resources/responses/responses';

const SYMBOLS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/**
 * Turns a list of events into a marble diagram and its values, one frame per event, for `cold()` /
 * `hot()` in `TestScheduler.run`.
 *
 * @example
 * ```ts
 * const { marbles, values } = eventMarbles(imageGenerationEvents());
 * const events$ = cold(marbles, values); // 'abcdefghij|'
 * ```
 *
 * @param events Up to 62 events (of the Responses API, or the Images API's).
 * @param options `end`: `'|'` (default) to complete after the last event, `'#'` to error, `''` to stay open.
 * @return `marbles`, with one letter per event, and `values`, mapping each letter to its event.
 */
export function eventMarbles<E extends { type: string } = ResponseStreamEvent>(
  events: readonly E[],
  options: { end?: '|' | '#' | '' } = {},
): { marbles: string; values: Record<string, E> } {
  if (events.length > SYMBOLS.length) {
    throw new RangeError(`eventMarbles takes up to ${SYMBOLS.length} events; got ${events.length}.`);
  }
  const values: Record<string, E> = {};
  let marbles = '';
  events.forEach((event, i) => {
    const symbol = SYMBOLS[i] as string;
    values[symbol] = event;
    marbles += symbol;
  });
  return { marbles: marbles + (options.end ?? '|'), values };
}
