import { createWriteStream, readFileSync } from 'node:fs';
import { type MonoTypeOperatorFunction, Observable } from 'rxjs';
import type { ResponseStreamEvent } from '../types';

/**
 * Records every event that passes to a file, one JSON event per line (JSON Lines), and passes it on unchanged:
 * turn a real stream into a fixture once, then test against it forever with {@link readRecordedEvents}. Node
 * only.
 *
 * The file is created (or truncated) at subscription and closed when the stream completes, errors or is
 * unsubscribed; a cut stream is recorded as far as it went, which makes a fixture for cuts too. The writes are
 * buffered by Node's file stream and never hold the events back; the completion (or the error) is passed on once
 * the file is flushed, so it can be read at once.
 *
 * ```
 * source:  --created--partial--completed|
 * result:  --created--partial--completed|     file: 3 lines
 * ```
 *
 * @example
 * ```ts
 * import OpenAI from 'openai';
 * import { streamResponse, withFinalImage } from 'rxjs-openai';
 * import { recordEvents } from 'rxjs-openai/testing';
 *
 * // Once, with a key: record the real stream.
 * streamResponse(new OpenAI(), params).pipe(recordEvents('test/fixtures/fox.jsonl'), withFinalImage()).subscribe();
 * ```
 *
 * @param file The path to write.
 * @return An operator that mirrors the events and writes them to `file`.
 * @see readRecordedEvents
 */
export function recordEvents(file: string): MonoTypeOperatorFunction<ResponseStreamEvent> {
  return (source) =>
    new Observable<ResponseStreamEvent>((subscriber) => {
      const out = createWriteStream(file, { encoding: 'utf8' });
      // A write failure (a full disk, a bad path) must not pass silently: it errors the stream.
      out.on('error', (error) => subscriber.error(error));
      subscriber.add(() => out.end());
      subscriber.add(
        source.subscribe({
          next: (event) => {
            out.write(`${JSON.stringify(event)}\n`);
            subscriber.next(event);
          },
          // The file is flushed before the end is passed on: read it in `complete` or `error` and it is whole.
          error: (error: unknown) => out.end(() => subscriber.error(error)),
          complete: () => out.end(() => subscriber.complete()),
        }),
      );
    });
}

/**
 * Reads a file written by {@link recordEvents} (JSON Lines, one event per line; blank lines are skipped), for
 * `fakeResponsesClient(events)` or the local server (`startMockResponsesServer({ scenario: { events } })`),
 * which then serve the recorded stream as it was. Node only.
 *
 * @example
 * ```ts
 * import { lastValueFrom, toArray } from 'rxjs';
 * import { streamResponse, withFinalImage } from 'rxjs-openai';
 * import { fakeResponsesClient, readRecordedEvents } from 'rxjs-openai/testing';
 *
 * const client = fakeResponsesClient(readRecordedEvents('test/fixtures/fox.jsonl'));
 * const images = await lastValueFrom(streamResponse(client, params).pipe(withFinalImage(), toArray()));
 * ```
 *
 * @param file The path to read.
 * @return The recorded events, in order.
 * @throws {SyntaxError} naming the line, when a line is not a JSON object with a string `type`.
 */
export function readRecordedEvents(file: string): ResponseStreamEvent[] {
  const events: ResponseStreamEvent[] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch (cause) {
      throw new SyntaxError(`${file}:${index + 1}: not JSON`, { cause });
    }
    if (event === null || typeof event !== 'object' || typeof (event as { type?: unknown }).type !== 'string')
      throw new SyntaxError(`${file}:${index + 1}: not an event (an object with a string "type")`);
    events.push(event as ResponseStreamEvent);
  }
  return events;
}
