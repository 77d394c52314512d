import { from, lastValueFrom, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  type Citation,
  citations,
  ResponseFailedError,
  ResponseIncompleteError,
  ResponseStreamError,
  type ResponseStreamEvent,
} from '../../src/index';
import { createEventFactory, eventMarbles, webSearchScenario } from '../../src/testing/index';
import { syncFirehose } from '../support/firehose';
import { testScheduler } from '../support/marbles';

const run = (events: ResponseStreamEvent[]) => lastValueFrom(from(events).pipe(citations(), toArray()));

describe('citations', () => {
  it('emits each URL citation with its message, indexes and the text it cites', async () => {
    const { events, message, citations: expected } = webSearchScenario();
    const got = await run(events);
    expect(got).toEqual<Citation[]>(
      expected.map((c) => ({
        annotation: c.annotation,
        itemId: message.itemId,
        outputIndex: message.outputIndex,
        contentIndex: 0,
        annotationIndex: c.annotationIndex,
        text: c.text,
      })),
    );
    expect(got[0]!.text).toBe('([olympics.com](https://olympics.com/paris-2024))');
  });

  it('emits at the frame of each annotation.added', () => {
    const { events, message } = webSearchScenario();
    const { marbles, values } = eventMarbles(events);
    const expectedValues: Record<string, Citation> = {};
    const expected = [...marbles]
      .map((symbol) => {
        const event = values[symbol];
        if (event?.type !== 'response.output_text.annotation.added' || !event.annotation)
          return symbol === '|' ? '|' : '-';
        const a = event.annotation;
        const text = a.type === 'url_citation' ? message.text.slice(a.start_index, a.end_index) : null;
        expectedValues[symbol] = {
          annotation: a,
          itemId: event.item_id,
          outputIndex: 1,
          contentIndex: 0,
          annotationIndex: event.annotation_index,
          text,
        };
        return symbol;
      })
      .join('');
    expect(Object.keys(expectedValues)).toHaveLength(2);
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold(marbles, values).pipe(citations())).toBe(expected, expectedValues);
    });
  });

  it('takes annotations that never had an event from the finished message, once each', async () => {
    const withEvents = await run(webSearchScenario().events);
    const itemOnly = await run(webSearchScenario({ annotations: 'item-only' }).events);
    expect(itemOnly).toEqual(withEvents);
  });

  it('emits file citations (a position, no text), and no text when the range is not streamed yet', async () => {
    const e = createEventFactory();
    const file = e.fileCitation('file_1', 5, 'report.pdf');
    const ahead = e.urlCitation(0, 50, 'https://example.org');
    const got = await run([
      e.created(),
      e.textDelta('msg_1', 0, 'Sales grew.'),
      e.annotationAdded('msg_1', 0, 0, file),
      e.annotationAdded('msg_1', 0, 1, ahead),
      e.annotationAdded('msg_1', 0, 1, ahead),
      e.unknown('response.output_text.annotation.future'),
      { ...e.annotationAdded('msg_1', 0, 2, file), annotation: null },
      e.completed(),
    ]);
    expect(got.map((c) => [c.annotation.type, c.annotationIndex, c.text])).toEqual([
      ['file_citation', 0, null],
      ['url_citation', 1, null],
    ]);
  });

  it('reads indexes as code points: an emoji before the cited text does not shift it', async () => {
    const e = createEventFactory();
    const text = '🦊 Foxes are red.';
    // "Foxes" starts at code point 2 (UTF-16 index 3).
    const got = await run([
      e.textDelta('msg_1', 0, text),
      e.annotationAdded('msg_1', 0, 0, e.urlCitation(2, 7, 'https://fox.example')),
    ]);
    expect(got[0]!.text).toBe('Foxes');
  });

  it('errors with the typed errors of a failed response', async () => {
    const e = createEventFactory();
    await expect(run([e.created(), e.failed()])).rejects.toBeInstanceOf(ResponseFailedError);
    await expect(run([e.created(), e.incomplete()])).rejects.toBeInstanceOf(ResponseIncompleteError);
    await expect(run([e.created(), e.error('boom')])).rejects.toBeInstanceOf(ResponseStreamError);
  });

  it("gives each response its citations, resolved against that response's text", async () => {
    const first = webSearchScenario({ responseId: 'resp_1' });
    const second = webSearchScenario({ responseId: 'resp_2' });
    const got = await run([...first.events, ...second.events]);
    expect(got.map((c) => c.text)).toEqual([...first.citations, ...second.citations].map((c) => c.text));
  });

  it('passes source errors through, completes on empty, and unsubscribes', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      expectObservable(cold<ResponseStreamEvent>('#').pipe(citations())).toBe('#');
      expectObservable(cold<ResponseStreamEvent>('|').pipe(citations())).toBe('|');
      const never = cold<ResponseStreamEvent>('-');
      expectObservable(never.pipe(citations()), '^--!').toBe('-');
      expectSubscriptions(never.subscriptions).toBe('^--!');
    });
  });

  it('stops a synchronous firehose as soon as take() has what it needs', async () => {
    const e = createEventFactory();
    const firehose = syncFirehose<ResponseStreamEvent>((i) =>
      e.annotationAdded('msg_1', 0, i, e.fileCitation('file_1', i)),
    );
    const got = await lastValueFrom(firehose.source.pipe(citations(), take(3), toArray()));
    expect(got.map((c) => c.annotationIndex)).toEqual([0, 1, 2]);
    expect(firehose.produced).toBe(3);
  });
});
