import { from, lastValueFrom, take, throwError, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ResponseFailedError, type ResponseStreamEvent, textDeltas } from '../../src/index';
import { createEventFactory, eventMarbles, imageGenerationScenario } from '../../src/testing/index';
import { syncFirehose } from '../support/firehose';
import { testScheduler } from '../support/marbles';

describe('textDeltas', () => {
  it('emits the delta of each output_text.delta at its frame, and ignores the rest', () => {
    const { events } = imageGenerationScenario({ images: 1, partials: 1, text: 'A red fox.' });
    const { marbles, values } = eventMarbles(events);
    const expectedValues: Record<string, string> = {};
    const expected = [...marbles]
      .map((symbol) => {
        const event = values[symbol];
        if (event?.type !== 'response.output_text.delta') return symbol === '|' ? '|' : '-';
        expectedValues[symbol] = event.delta;
        return symbol;
      })
      .join('');
    expect(Object.keys(expectedValues)).toHaveLength(3);
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold(marbles, values).pipe(textDeltas())).toBe(expected, expectedValues);
    });
  });

  it('joins to the whole text, and unknown events do not break it', async () => {
    const e = createEventFactory();
    const events = [
      e.created(),
      e.textDelta('msg_1', 0, 'Hello'),
      e.unknown('response.future_event'),
      e.textDelta('msg_1', 0, ', world'),
      e.completed(),
    ];
    const deltas = await lastValueFrom(from(events).pipe(textDeltas(), toArray()));
    expect(deltas.join('')).toBe('Hello, world');
  });

  it('errors with the typed error of a failed response, after the text that came before', () => {
    const e = createEventFactory();
    const failed = e.failed();
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold<ResponseStreamEvent>('ab-c', {
        a: e.created(),
        b: e.textDelta('m', 0, 'Hi'),
        c: failed,
      });
      expectObservable(source.pipe(textDeltas())).toBe(
        '-b-#',
        { b: 'Hi' },
        new ResponseFailedError(failed.response),
      );
    });
  });

  it('passes source errors, empty and never sources through, and unsubscribes', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      expectObservable(cold<ResponseStreamEvent>('#').pipe(textDeltas())).toBe('#');
      expectObservable(cold<ResponseStreamEvent>('|').pipe(textDeltas())).toBe('|');
      const never = cold<ResponseStreamEvent>('-');
      expectObservable(never.pipe(textDeltas()), '^--!').toBe('-');
      expectSubscriptions(never.subscriptions).toBe('^--!');
    });
  });

  it('stops a synchronous firehose as soon as take() has what it needs', async () => {
    const e = createEventFactory();
    const firehose = syncFirehose<ResponseStreamEvent>((i) => e.textDelta('m', 0, `${i}`), 100_000);
    await expect(lastValueFrom(firehose.source.pipe(textDeltas(), take(2), toArray()))).resolves.toEqual([
      '0',
      '1',
    ]);
    expect(firehose.produced).toBe(2);
    await expect(lastValueFrom(throwError(() => new Error('x')).pipe(textDeltas()))).rejects.toThrow('x');
  });
});
