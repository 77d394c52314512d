import { from, lastValueFrom, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  type OutputText,
  outputText,
  ResponseIncompleteError,
  type ResponseStreamEvent,
  RxOpenAIError,
  responseSnapshots,
} from '../../src/index';
import { createEventFactory, eventMarbles, imageGenerationScenario } from '../../src/testing/index';
import { syncFirehose } from '../support/firehose';
import { testScheduler } from '../support/marbles';

/** A response with a message, an image, then another message: the events the SDK accumulator accepts. */
function twoMessages() {
  const e = createEventFactory();
  const first = ['Here is ', 'your fox.'];
  const second = ['Enjoy', '!'];
  const message = (id: string, index: number, deltas: string[]): ResponseStreamEvent[] => {
    const text = deltas.join('');
    return [
      e.outputItemAdded({ ...e.message(id, ''), status: 'in_progress', content: [] }, index),
      e.contentPartAdded(id, index),
      ...deltas.map((d) => e.textDelta(id, index, d)),
      e.textDone(id, index, text),
      e.contentPartDone(id, index, text),
      e.outputItemDone(e.message(id, text), index),
    ];
  };
  const image = e.imageCall({ id: 'ig_1', result: 'iVBORw0KGgo=' });
  const body = [
    e.created(),
    ...message('msg_a', 0, first),
    e.outputItemAdded({ ...image, status: 'in_progress', result: null }, 1),
    e.outputItemDone(image, 1),
    ...message('msg_b', 2, second),
  ];
  return { body, completed: e.completed(), text: first.join('') + second.join('') };
}

describe('outputText', () => {
  it('emits the text so far, overall and per message, after each delta', async () => {
    const { body, completed } = twoMessages();
    const values = await lastValueFrom(from([...body, completed]).pipe(outputText(), toArray()));
    expect(values).toEqual<OutputText[]>([
      { text: 'Here is ', itemId: 'msg_a', outputIndex: 0, messageText: 'Here is ' },
      { text: 'Here is your fox.', itemId: 'msg_a', outputIndex: 0, messageText: 'Here is your fox.' },
      { text: 'Here is your fox.Enjoy', itemId: 'msg_b', outputIndex: 2, messageText: 'Enjoy' },
      { text: 'Here is your fox.Enjoy!', itemId: 'msg_b', outputIndex: 2, messageText: 'Enjoy!' },
    ]);
  });

  it("ends with the same text as the SDK accumulator's output_text", async () => {
    const { body, text } = twoMessages();
    const last = await lastValueFrom(from(body).pipe(outputText()));
    const snapshot = await lastValueFrom(from(body).pipe(responseSnapshots()));
    expect(last.text).toBe(snapshot.output_text);
    expect(last.text).toBe(text);
  });

  it('orders messages by output index, whatever order their deltas come in', async () => {
    const e = createEventFactory();
    const events = [
      e.textDelta('msg_b', 2, 'world'),
      e.textDelta('msg_a', 0, 'hello '),
      e.textDelta('msg_b', 2, '!'),
    ];
    const values = await lastValueFrom(from(events).pipe(outputText(), toArray()));
    expect(values.map((v) => v.text)).toEqual(['world', 'hello world', 'hello world!']);
  });

  it('lets output_text.done correct the text, and stays quiet when done agrees', async () => {
    const e = createEventFactory();
    const events = [
      e.textDelta('msg_a', 0, 'Helo'),
      e.textDone('msg_a', 0, 'Hello'),
      e.textDone('msg_a', 0, 'Hello'),
    ];
    const values = await lastValueFrom(from(events).pipe(outputText(), toArray()));
    expect(values.map((v) => v.text)).toEqual(['Helo', 'Hello']);
  });

  it('emits at the frames of text events only, and unknown events do not break it', () => {
    const { events } = imageGenerationScenario({ images: 1, partials: 1, text: 'A fox.' });
    const e = createEventFactory({ startSequenceNumber: 100 });
    const withUnknown = [...events.slice(0, 3), e.unknown('response.future_event'), ...events.slice(3)];
    const { marbles, values } = eventMarbles(withUnknown);
    let text = '';
    const expectedValues: Record<string, OutputText> = {};
    const expected = [...marbles]
      .map((symbol) => {
        const event = values[symbol];
        if (event?.type !== 'response.output_text.delta') return symbol === '|' ? '|' : '-';
        text += event.delta;
        expectedValues[symbol] = { text, itemId: event.item_id, outputIndex: 0, messageText: text };
        return symbol;
      })
      .join('');
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold(marbles, values).pipe(outputText())).toBe(expected, expectedValues);
    });
  });

  it('errors like the other operators on a failed response, and on an absurd content index', async () => {
    const e = createEventFactory();
    await expect(
      lastValueFrom(from([e.textDelta('m', 0, 'a'), e.incomplete('content_filter')]).pipe(outputText())),
    ).rejects.toBeInstanceOf(ResponseIncompleteError);
    const absurd = { ...e.textDelta('m', 0, 'a'), content_index: 1e9 };
    await expect(lastValueFrom(from([absurd]).pipe(outputText()))).rejects.toBeInstanceOf(RxOpenAIError);
    await expect(lastValueFrom(from([absurd]).pipe(outputText()))).rejects.toThrow(
      'Text part index 1000000000 is out of range (0 to 4095).',
    );
  });

  it('passes source errors through, completes on empty, and unsubscribes', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      expectObservable(cold<ResponseStreamEvent>('#').pipe(outputText())).toBe('#');
      expectObservable(cold<ResponseStreamEvent>('|').pipe(outputText())).toBe('|');
      const never = cold<ResponseStreamEvent>('-');
      expectObservable(never.pipe(outputText()), '^-!').toBe('-');
      expectSubscriptions(never.subscriptions).toBe('^-!');
    });
  });

  it('stops a synchronous firehose as soon as take() has what it needs', async () => {
    const e = createEventFactory();
    const firehose = syncFirehose<ResponseStreamEvent>(() => e.textDelta('m', 0, 'x'), 100_000);
    const values = await lastValueFrom(firehose.source.pipe(outputText(), take(3), toArray()));
    expect(values.map((v) => v.text)).toEqual(['x', 'xx', 'xxx']);
    expect(firehose.produced).toBe(3);
  });
});
