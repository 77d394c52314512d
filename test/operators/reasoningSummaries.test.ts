import { from, lastValueFrom, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  type ReasoningSummary,
  ResponseFailedError,
  ResponseIncompleteError,
  ResponseStreamError,
  type ResponseStreamEvent,
  RxOpenAIError,
  reasoningSummaries,
} from '../../src/index';
import { createEventFactory, eventMarbles, reasoningImageScenario } from '../../src/testing/index';
import { syncFirehose } from '../support/firehose';
import { testScheduler } from '../support/marbles';

const run = (events: ResponseStreamEvent[]) =>
  lastValueFrom(from(events).pipe(reasoningSummaries(), toArray()));

describe('reasoningSummaries', () => {
  it('emits the summary so far after each delta, parts separated by a blank line, before the image starts', async () => {
    const { events, reasoning } = reasoningImageScenario({ summary: ['Plan the fox.', 'Pick colours.'] });
    const got = await run(events);
    expect(got.map((r) => r.text)).toEqual([
      'Plan ',
      'Plan the ',
      'Plan the fox.',
      'Plan the fox.\n\nPick ',
      'Plan the fox.\n\nPick colours.',
    ]);
    expect(got.at(-1)).toEqual<ReasoningSummary>({
      kind: 'summary',
      text: reasoning.summary.join('\n\n'),
      itemId: reasoning.itemId,
      outputIndex: 0,
      partIndex: 1,
      partText: 'Pick colours.',
    });
  });

  it('emits at the frames of the summary deltas only (done events that agree stay quiet)', () => {
    const { events } = reasoningImageScenario({ summary: ['Thinking hard.'], partials: 0 });
    const { marbles, values } = eventMarbles(events);
    let text = '';
    const expectedValues: Record<string, ReasoningSummary> = {};
    const expected = [...marbles]
      .map((symbol) => {
        const event = values[symbol];
        if (event?.type !== 'response.reasoning_summary_text.delta') return symbol === '|' ? '|' : '-';
        text += event.delta;
        expectedValues[symbol] = {
          kind: 'summary',
          text,
          itemId: 'rs_0001',
          outputIndex: 0,
          partIndex: 0,
          partText: text,
        };
        return symbol;
      })
      .join('');
    expect(Object.keys(expectedValues)).toHaveLength(2);
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold(marbles, values).pipe(reasoningSummaries())).toBe(expected, expectedValues);
    });
  });

  it('streams the raw reasoning text apart, as kind reasoning_text', async () => {
    const { events } = reasoningImageScenario({ summary: ['Short.'], reasoningText: 'Foxes are red.' });
    const got = await run(events);
    expect(got.filter((r) => r.kind === 'summary').at(-1)?.text).toBe('Short.');
    expect(got.filter((r) => r.kind === 'reasoning_text').map((r) => r.text)).toEqual([
      'Foxes ',
      'Foxes are ',
      'Foxes are red.',
    ]);
  });

  it('lets the done text win, and recovers a summary whose deltas were lost from the finished item', async () => {
    const e = createEventFactory();
    const item = e.reasoning('rs_1', ['Full summary.']);
    const corrected = await run([
      e.created(),
      e.reasoningSummaryPartAdded('rs_1', 0, 0),
      e.reasoningSummaryTextDelta('rs_1', 0, 0, 'Ful'),
      e.reasoningSummaryTextDone('rs_1', 0, 0, 'Full summary.'),
      e.reasoningSummaryPartDone('rs_1', 0, 0, 'Full summary.'),
      e.completed(),
    ]);
    expect(corrected.map((r) => r.text)).toEqual(['Ful', 'Full summary.']);
    const recovered = await run([e.created(), e.outputItemDone(item, 0), e.completed({ output: [item] })]);
    expect(recovered.map((r) => r.text)).toEqual(['Full summary.']);
  });

  it('orders several reasoning items by output index', async () => {
    const e = createEventFactory();
    const got = await run([
      e.reasoningSummaryTextDelta('rs_b', 2, 0, 'second'),
      e.reasoningSummaryTextDelta('rs_a', 0, 0, 'first'),
      e.reasoningSummaryTextDelta('rs_b', 2, 0, '!'),
    ]);
    expect(got.map((r) => r.text)).toEqual(['second', 'first\n\nsecond', 'first\n\nsecond!']);
  });

  it('errors with the typed errors of a failed response, on an absurd part index, and ignores unknown events', async () => {
    const e = createEventFactory();
    await expect(run([e.created(), e.failed()])).rejects.toBeInstanceOf(ResponseFailedError);
    await expect(run([e.created(), e.incomplete()])).rejects.toBeInstanceOf(ResponseIncompleteError);
    await expect(run([e.created(), e.error('boom')])).rejects.toBeInstanceOf(ResponseStreamError);
    await expect(run([e.reasoningSummaryTextDelta('rs_1', 0, 1e9, 'x')])).rejects.toBeInstanceOf(
      RxOpenAIError,
    );
    await expect(run([e.reasoningSummaryTextDelta('rs_1', 0, 1e9, 'x')])).rejects.toThrow(
      'Reasoning part index 1000000000 is out of range (0 to 4095).',
    );
    expect(await run([e.created(), e.unknown('response.reasoning_future'), e.completed()])).toEqual([]);
  });

  it('starts each response from an empty text', async () => {
    const first = reasoningImageScenario({ summary: ['One.'], responseId: 'resp_1' });
    const second = reasoningImageScenario({ summary: ['Two.'], responseId: 'resp_2' });
    const got = await run([...first.events, ...second.events]);
    expect(got.map((r) => r.text)).toEqual(['One.', 'Two.']);
  });

  it('passes source errors through, completes on empty, and unsubscribes', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      expectObservable(cold<ResponseStreamEvent>('#').pipe(reasoningSummaries())).toBe('#');
      expectObservable(cold<ResponseStreamEvent>('|').pipe(reasoningSummaries())).toBe('|');
      const never = cold<ResponseStreamEvent>('-');
      expectObservable(never.pipe(reasoningSummaries()), '^--!').toBe('-');
      expectSubscriptions(never.subscriptions).toBe('^--!');
    });
  });

  it('stops a synchronous firehose as soon as take() has what it needs', async () => {
    const e = createEventFactory();
    const firehose = syncFirehose<ResponseStreamEvent>(() => e.reasoningSummaryTextDelta('rs_1', 0, 0, 'x'));
    const got = await lastValueFrom(firehose.source.pipe(reasoningSummaries(), take(3), toArray()));
    expect(got.map((r) => r.text)).toEqual(['x', 'xx', 'xxx']);
    expect(firehose.produced).toBe(3);
  });
});
