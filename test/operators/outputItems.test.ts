import { from, lastValueFrom, type Observable, type OperatorFunction, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  MissingOutputItemError,
  type OutputItem,
  outputItems,
  ResponseFailedError,
  ResponseIncompleteError,
  ResponseStreamError,
  type ResponseStreamEvent,
  RxOpenAIError,
} from '../../src/index';
import {
  codeInterpreterScenario,
  createEventFactory,
  eventMarbles,
  functionCallScenario,
  imageGenerationScenario,
  reasoningImageScenario,
} from '../../src/testing/index';
import { syncFirehose } from '../support/firehose';
import { testScheduler } from '../support/marbles';

const run = (
  events: ResponseStreamEvent[] | Observable<ResponseStreamEvent>,
  op: OperatorFunction<ResponseStreamEvent, OutputItem> = outputItems(),
) => lastValueFrom((Array.isArray(events) ? from(events) : events).pipe(op, toArray()));

type Done = Extract<ResponseStreamEvent, { type: 'response.output_item.done' }>;
const doneEvents = (events: ResponseStreamEvent[]) =>
  events.filter((e): e is Done => e.type === 'response.output_item.done');

describe('outputItems', () => {
  it('emits every item of the whole response once it is done, with its output index, in the order items finish', async () => {
    const { events } = reasoningImageScenario();
    const got = await run(events);
    expect(got).toEqual(doneEvents(events).map((e) => ({ item: e.item, outputIndex: e.output_index })));
    expect(got.map((o) => o.item.type)).toEqual(['reasoning', 'image_generation_call']);
  });

  it('emits at the frame of each output_item.done', () => {
    const { events } = functionCallScenario({ calls: 2, interleave: true });
    const { marbles, values } = eventMarbles(events);
    const expectedValues: Record<string, OutputItem> = {};
    const expected = [...marbles]
      .map((symbol) => {
        const event = values[symbol];
        if (event?.type !== 'response.output_item.done') return symbol === '|' ? '|' : '-';
        expectedValues[symbol] = { item: event.item, outputIndex: event.output_index };
        return symbol;
      })
      .join('');
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold(marbles, values).pipe(outputItems())).toBe(expected, expectedValues);
    });
  });

  it("takes items that never had a done event from response.completed's output, in output order", async () => {
    const { events } = functionCallScenario({ calls: 3, order: 'item-in-response-completed-only' });
    const completed = events.at(-1);
    if (completed?.type !== 'response.completed') throw new Error('no completed');
    const got = await run(events);
    expect(got).toEqual(completed.response.output.map((item, outputIndex) => ({ item, outputIndex })));
  });

  it('keeps only the types asked for', async () => {
    const { events } = codeInterpreterScenario();
    const got = await run(events, outputItems('message'));
    expect(got.map((o) => o.item.type)).toEqual(['message']);
    const both = await run(events, outputItems('code_interpreter_call', 'message'));
    expect(both.map((o) => o.item.type)).toEqual(['code_interpreter_call', 'message']);
  });

  it('emits each item once: repeated done events and the same item in response.completed are ignored', async () => {
    const { events } = imageGenerationScenario({ images: 2, text: 'Two foxes.' });
    const done = doneEvents(events);
    const withDuplicates = [...events.slice(0, -1), ...done, events.at(-1)!];
    const got = await run(withDuplicates);
    expect(got.map((o) => o.outputIndex)).toEqual([0, 1, 2]);
  });

  it('passes item types newer than the SDK through, and ignores unknown event types', async () => {
    const e = createEventFactory();
    const future = { type: 'hologram_call', id: 'hg_1', status: 'completed' } as unknown as Done['item'];
    const events = [e.created(), e.unknown('keepalive'), e.outputItemDone(future, 0), e.completed()];
    expect(await run(events)).toEqual([{ item: future, outputIndex: 0 }]);
    expect(await run(events, outputItems('message'))).toEqual([]);
  });

  it('never drops an item: one announced that never finishes errors with MissingOutputItemError', async () => {
    const e = createEventFactory();
    const message = e.message('msg_1', 'Hello');
    const added = e.outputItemAdded({ ...message, status: 'in_progress', content: [] }, 0);
    // At response.completed (whose output lacks it).
    const error = await run([e.created(), added, e.textDelta('msg_1', 0, 'Hel'), e.completed()]).catch(
      (x) => x,
    );
    expect(error).toBeInstanceOf(MissingOutputItemError);
    expect(error).toMatchObject({ itemId: 'msg_1', outputIndex: 0, itemType: 'message' });
    // At the end of a stream without a terminal event.
    await expect(run([e.created(), added])).rejects.toBeInstanceOf(MissingOutputItemError);
    // Only the types asked for are checked.
    expect(await run([e.created(), added, e.completed()], outputItems('function_call'))).toEqual([]);
  });

  it('errors with the typed errors of a failed response', async () => {
    const e = createEventFactory();
    await expect(run([e.created(), e.failed()])).rejects.toBeInstanceOf(ResponseFailedError);
    await expect(run([e.created(), e.incomplete()])).rejects.toBeInstanceOf(ResponseIncompleteError);
    await expect(run([e.created(), e.error('boom')])).rejects.toBeInstanceOf(ResponseStreamError);
  });

  it('gives each response of a stream its items, even when their ids repeat', async () => {
    const first = functionCallScenario({ calls: 2, responseId: 'resp_1' });
    const second = functionCallScenario({ calls: 2, responseId: 'resp_2' });
    const got = await run([...first.events, ...second.events]);
    expect(got.map((o) => o.outputIndex)).toEqual([0, 1, 0, 1]);
  });

  it('drops what an abandoned response left unfinished (a new response before its terminal event)', async () => {
    const abandoned = functionCallScenario({ calls: 3, order: 'item-in-response-completed-only' }).events;
    const retried = functionCallScenario({ calls: 1, responseId: 'resp_retry' });
    const got = await run([...abandoned.slice(0, -1), ...retried.events]);
    expect(got.map((o) => o.item.type === 'function_call' && o.item.call_id)).toEqual(['call_0001']);
  });

  it('bounds its state: more than 4096 items in one response is refused', async () => {
    const e = createEventFactory();
    const events: ResponseStreamEvent[] = [e.created()];
    for (let i = 0; i <= 4096; i++) events.push(e.outputItemAdded(e.message(`msg_${i}`, ''), i));
    await expect(run(events)).rejects.toBeInstanceOf(RxOpenAIError);
  });

  it('passes source errors through, completes on empty, and unsubscribes', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      expectObservable(cold<ResponseStreamEvent>('#').pipe(outputItems())).toBe('#');
      expectObservable(cold<ResponseStreamEvent>('|').pipe(outputItems())).toBe('|');
      const never = cold<ResponseStreamEvent>('-');
      expectObservable(never.pipe(outputItems('message')), '^--!').toBe('-');
      expectSubscriptions(never.subscriptions).toBe('^--!');
    });
  });

  it('stops a synchronous firehose as soon as take() has what it needs', async () => {
    const e = createEventFactory();
    const firehose = syncFirehose<ResponseStreamEvent>((i) =>
      e.outputItemDone(e.message(`msg_${i}`, 'x'), i),
    );
    const got = await lastValueFrom(firehose.source.pipe(outputItems(), take(3), toArray()));
    expect(got.map((o) => o.outputIndex)).toEqual([0, 1, 2]);
    expect(firehose.produced).toBe(3);
  });
});
