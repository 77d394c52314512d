import { from, lastValueFrom, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  type CustomToolCall,
  customToolCalls,
  MissingOutputItemError,
  ResponseFailedError,
  ResponseIncompleteError,
  ResponseStreamError,
  type ResponseStreamEvent,
} from '../../src/index';
import {
  createEventFactory,
  customToolCallScenario,
  eventMarbles,
  functionCallScenario,
  type ToolCallEventOrder,
} from '../../src/testing/index';
import { syncFirehose } from '../support/firehose';
import { testScheduler } from '../support/marbles';

const run = (events: ResponseStreamEvent[]) => lastValueFrom(from(events).pipe(customToolCalls(), toArray()));

describe('customToolCalls', () => {
  const orders: ToolCallEventOrder[] = [
    'arguments-first',
    'item-first',
    'no-arguments-done',
    'item-in-response-completed-only',
  ];

  it.each(orders)(
    'emits every call once with its call id, name and input, whatever the order (%s)',
    async (order) => {
      for (const interleave of [false, true]) {
        const { events, calls } = customToolCallScenario({ calls: 3, order, interleave });
        const got = await run(events);
        expect(
          got
            .map(({ callId, name, input, itemId, outputIndex }) => ({
              callId,
              name,
              input,
              itemId,
              outputIndex,
            }))
            .sort((a, b) => a.outputIndex - b.outputIndex),
        ).toEqual(calls);
        for (const call of got)
          expect(call.item).toMatchObject({
            type: 'custom_tool_call',
            input: call.input,
            call_id: call.callId,
          });
      }
    },
  );

  it('emits at custom_tool_call_input.done, pairing it with the name announced before', () => {
    const { events, calls } = customToolCallScenario({ calls: [{ name: 'run_sql', input: 'SELECT 1;' }] });
    const { marbles, values } = eventMarbles(events);
    // created, in_progress, added, 3 deltas, input.done, item.done, completed
    expect(marbles).toBe('abcdefghi|');
    const c = calls[0]!;
    const expected: CustomToolCall = {
      callId: c.callId,
      name: c.name,
      input: c.input,
      itemId: c.itemId,
      outputIndex: 0,
      item: { type: 'custom_tool_call', id: c.itemId, call_id: c.callId, name: c.name, input: c.input },
    };
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold(marbles, values).pipe(customToolCalls())).toBe('------g--|', { g: expected });
    });
  });

  it('ignores function calls and unknown events; never parses the input', async () => {
    const e = createEventFactory({ startSequenceNumber: 100 });
    const functions = functionCallScenario({ calls: 1 }).events;
    const { events } = customToolCallScenario({ calls: [{ name: 'shell', input: 'not { json' }] });
    const got = await run([
      ...events.slice(0, 3),
      e.unknown('response.future_event'),
      ...functions.slice(2, -1),
      ...events.slice(3),
    ]);
    expect(got.map((c) => c.input)).toEqual(['not { json']);
  });

  it('never drops a call: one announced that never finishes errors with MissingOutputItemError', async () => {
    const { events } = customToolCallScenario({ order: 'item-in-response-completed-only' });
    const error = await run(events.slice(0, -1)).catch((x: unknown) => x);
    expect(error).toBeInstanceOf(MissingOutputItemError);
    expect(error).toMatchObject({ itemId: 'ctc_0001', itemType: 'custom_tool_call' });
  });

  it('errors with the typed errors of a failed response', async () => {
    const e = createEventFactory();
    await expect(run([e.created(), e.failed()])).rejects.toBeInstanceOf(ResponseFailedError);
    await expect(run([e.created(), e.incomplete()])).rejects.toBeInstanceOf(ResponseIncompleteError);
    await expect(run([e.created(), e.error('boom')])).rejects.toBeInstanceOf(ResponseStreamError);
  });

  it('gives each response its calls, and drops what an abandoned response left unfinished', async () => {
    const first = customToolCallScenario({ calls: 2, responseId: 'resp_1' });
    const second = customToolCallScenario({ calls: 1, responseId: 'resp_2' });
    expect((await run([...first.events, ...second.events])).map((c) => c.itemId)).toEqual([
      'ctc_0001',
      'ctc_0002',
      'ctc_0001',
    ]);
    const abandoned = customToolCallScenario({
      calls: 2,
      order: 'item-in-response-completed-only',
    }).events.slice(0, -1);
    expect((await run([...abandoned, ...second.events])).map((c) => c.itemId)).toEqual(['ctc_0001']);
  });

  it('passes source errors through, completes on empty, and unsubscribes', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      expectObservable(cold<ResponseStreamEvent>('#').pipe(customToolCalls())).toBe('#');
      expectObservable(cold<ResponseStreamEvent>('|').pipe(customToolCalls())).toBe('|');
      const never = cold<ResponseStreamEvent>('-');
      expectObservable(never.pipe(customToolCalls()), '^--!').toBe('-');
      expectSubscriptions(never.subscriptions).toBe('^--!');
    });
  });

  it('stops a synchronous firehose as soon as take() has what it needs', async () => {
    const e = createEventFactory();
    const firehose = syncFirehose<ResponseStreamEvent>((i) =>
      e.outputItemDone(e.customToolCall({ id: `ctc_${i}`, name: 'shell', input: `echo ${i}` }), i),
    );
    const got = await lastValueFrom(firehose.source.pipe(customToolCalls(), take(3), toArray()));
    expect(got.map((c) => c.input)).toEqual(['echo 0', 'echo 1', 'echo 2']);
    expect(firehose.produced).toBe(3);
  });
});
