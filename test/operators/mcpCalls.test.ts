import { from, lastValueFrom, type OperatorFunction, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  type McpCall,
  McpCallError,
  MissingOutputItemError,
  mcpCalls,
  ResponseFailedError,
  ResponseIncompleteError,
  ResponseStreamError,
  type ResponseStreamEvent,
} from '../../src/index';
import { createEventFactory, eventMarbles, mcpCallScenario } from '../../src/testing/index';
import { syncFirehose } from '../support/firehose';
import { testScheduler } from '../support/marbles';

const run = (
  events: ResponseStreamEvent[],
  op: OperatorFunction<ResponseStreamEvent, McpCall> = mcpCalls(),
) => lastValueFrom(from(events).pipe(op, toArray()));

describe('mcpCalls', () => {
  it('emits each finished MCP call with its name, server, arguments and output', async () => {
    for (const order of ['status-first', 'item-first'] as const) {
      const { events, calls } = mcpCallScenario({ calls: 2, order });
      const got = await run(events);
      expect(
        got.map(({ name, serverLabel, arguments: args, output, itemId, outputIndex, error }) => ({
          name,
          serverLabel,
          arguments: args,
          output,
          itemId,
          outputIndex,
          error,
        })),
      ).toEqual(
        calls.map(({ name, serverLabel, arguments: args, output, itemId, outputIndex }) => ({
          name,
          serverLabel,
          arguments: args,
          output,
          itemId,
          outputIndex,
          error: null,
        })),
      );
      for (const call of got)
        expect(call.item).toMatchObject({ type: 'mcp_call', id: call.itemId, status: 'completed' });
    }
  });

  it('emits at the output_item.done that carries the output', () => {
    const { events } = mcpCallScenario({ calls: 1, text: null });
    const { marbles, values } = eventMarbles(events);
    // created, in_progress, added, mcp in_progress, 2 deltas, args done, mcp completed, item done, completed
    expect(marbles).toBe('abcdefghij|');
    const done = values.i;
    if (done?.type !== 'response.output_item.done' || done.item.type !== 'mcp_call')
      throw new Error('no item');
    const expected: McpCall = {
      name: 'roll',
      serverLabel: 'dice',
      arguments: done.item.arguments,
      output: '7',
      itemId: 'mcp_0001',
      outputIndex: 0,
      item: done.item,
      error: null,
    };
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold(marbles, values).pipe(mcpCalls())).toBe('--------i-|', { i: expected });
    });
  });

  it("errors with McpCallError on a failed call, with the item's error as detail", async () => {
    for (const order of ['status-first', 'item-first'] as const) {
      const { events } = mcpCallScenario({ calls: 2, failIndex: 1, order });
      const values: McpCall[] = [];
      const error = await lastValueFrom(from(events).pipe(mcpCalls())).catch((x: unknown) => x);
      from(events)
        .pipe(mcpCalls())
        .subscribe({ next: (v) => values.push(v), error: () => {} });
      expect(error).toBeInstanceOf(McpCallError);
      expect(error).toMatchObject({
        itemId: 'mcp_0002',
        outputIndex: 1,
        toolName: 'roll',
        serverLabel: 'dice',
      });
      expect((error as McpCallError).detail).toMatchObject({ type: 'mcp_tool_execution_error' });
      expect(values.map((v) => v.itemId)).toEqual(['mcp_0001']);
    }
  });

  it("emits a failed call with its error and goes on, with { failed: 'emit' }", async () => {
    const { events, text } = mcpCallScenario({ calls: 2, failIndex: 0 });
    const got = await run(events, mcpCalls({ failed: 'emit' }));
    expect(got.map((c) => c.error?.name ?? null)).toEqual(['McpCallError', null]);
    expect(got[0]!.output).toBeNull();
    expect(text).toContain('no result');
  });

  it('errors with McpCallError for a call that failed without a done item, MissingOutputItemError for one that vanished', async () => {
    const e = createEventFactory();
    const item = e.mcpCall({ id: 'mcp_1', name: 'search', server_label: 'docs', status: 'in_progress' });
    const failed = await run([
      e.created(),
      e.outputItemAdded(item, 0),
      e.mcpCallFailed('mcp_1', 0),
      e.completed(),
    ]).catch((x: unknown) => x);
    expect(failed).toBeInstanceOf(McpCallError);
    expect(failed).toMatchObject({ toolName: 'search', serverLabel: 'docs', detail: null });
    const vanished = await run([e.created(), e.mcpCallArgumentsDelta('mcp_2', 0, '{')]).catch(
      (x: unknown) => x,
    );
    expect(vanished).toBeInstanceOf(MissingOutputItemError);
    expect(vanished).toMatchObject({ itemId: 'mcp_2', itemType: 'mcp_call' });
  });

  it("takes a call that never had a done item from response.completed's output", async () => {
    const { events, calls } = mcpCallScenario({ calls: 1 });
    const withoutDone = events.filter(
      (ev) => !(ev.type === 'response.output_item.done' && ev.item.type === 'mcp_call'),
    );
    const got = await run(withoutDone);
    expect(got.map((c) => c.output)).toEqual([calls[0]!.output]);
  });

  it('errors with the typed errors of a failed response, and ignores unknown events', async () => {
    const e = createEventFactory();
    await expect(run([e.created(), e.failed()])).rejects.toBeInstanceOf(ResponseFailedError);
    await expect(run([e.created(), e.incomplete()])).rejects.toBeInstanceOf(ResponseIncompleteError);
    await expect(run([e.created(), e.error('boom')])).rejects.toBeInstanceOf(ResponseStreamError);
    expect(
      await run([e.created(), e.unknown('response.mcp_call.future', { item_id: 'x' }), e.completed()]),
    ).toEqual([]);
  });

  it('gives each response its calls, and drops what an abandoned response left unfinished', async () => {
    const first = mcpCallScenario({ calls: 2, responseId: 'resp_1' });
    const second = mcpCallScenario({ calls: 1, responseId: 'resp_2' });
    expect((await run([...first.events, ...second.events])).map((c) => c.itemId)).toEqual([
      'mcp_0001',
      'mcp_0002',
      'mcp_0001',
    ]);
    // The abandoned response's second call failed and never finished: neither reported.
    const abandoned = mcpCallScenario({ calls: 2, failIndex: 1, order: 'status-first' }).events;
    const cut = abandoned.findIndex((ev) => ev.type === 'response.mcp_call.failed') + 1;
    expect((await run([...abandoned.slice(0, cut), ...second.events])).map((c) => c.itemId)).toEqual([
      'mcp_0001',
      'mcp_0001',
    ]);
  });

  it('passes source errors through, completes on empty, and unsubscribes', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      expectObservable(cold<ResponseStreamEvent>('#').pipe(mcpCalls())).toBe('#');
      expectObservable(cold<ResponseStreamEvent>('|').pipe(mcpCalls())).toBe('|');
      const never = cold<ResponseStreamEvent>('-');
      expectObservable(never.pipe(mcpCalls()), '^--!').toBe('-');
      expectSubscriptions(never.subscriptions).toBe('^--!');
    });
  });

  it('stops a synchronous firehose as soon as take() has what it needs', async () => {
    const e = createEventFactory();
    const firehose = syncFirehose<ResponseStreamEvent>((i) =>
      e.outputItemDone(e.mcpCall({ id: `mcp_${i}`, name: 'roll', output: String(i) }), i),
    );
    const got = await lastValueFrom(firehose.source.pipe(mcpCalls(), take(3), toArray()));
    expect(got.map((c) => c.output)).toEqual(['0', '1', '2']);
    expect(firehose.produced).toBe(3);
  });
});
