import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { finalResponse, type ResponseStreamEvent } from '../../src/index';
import {
  codeInterpreterScenario,
  customToolCallScenario,
  functionCallScenario,
  mcpCallScenario,
  reasoningImageScenario,
  type ToolCallEventOrder,
  webSearchScenario,
} from '../../src/testing/index';

const ORDERS: ToolCallEventOrder[] = [
  'arguments-first',
  'item-first',
  'no-arguments-done',
  'item-in-response-completed-only',
];

/** The SDK's own accumulator (behind `finalResponse()`) accepts the events: they are a valid stream. */
async function accumulated(events: ResponseStreamEvent[]) {
  return lastValueFrom(from(events).pipe(finalResponse()));
}

function sequenceNumbers(events: ResponseStreamEvent[]) {
  return events.map((e) => e.sequence_number);
}

describe('item scenarios', () => {
  it.each(ORDERS)(
    'functionCallScenario (%s, interleaved or not) is a valid stream ending with every call',
    async (order) => {
      for (const interleave of [false, true]) {
        const { events, calls } = functionCallScenario({ calls: 3, order, interleave });
        expect(sequenceNumbers(events)).toEqual(events.map((_, i) => i));
        const response = await accumulated(events);
        expect(
          response.output.map(
            (item) => item.type === 'function_call' && [item.call_id, item.name, item.arguments],
          ),
        ).toEqual(calls.map((c) => [c.callId, c.name, c.arguments]));
        const types = events.map((e) => e.type);
        expect(types.filter((t) => t === 'response.function_call_arguments.delta').length).toBeGreaterThan(3);
        if (order === 'item-in-response-completed-only')
          expect(types).not.toContain('response.output_item.done');
      }
    },
  );

  it('functionCallScenario interleaves parallel calls', () => {
    const { events } = functionCallScenario({ calls: 2, interleave: true });
    const ids = events.flatMap((e) => ('item_id' in e ? [e.item_id] : []));
    expect(ids.slice(0, 4)).toEqual(['fc_0001', 'fc_0002', 'fc_0001', 'fc_0002']);
  });

  it.each(ORDERS)('customToolCallScenario (%s) is a valid stream', async (order) => {
    const { events, calls } = customToolCallScenario({ calls: 2, order, interleave: true });
    const response = await accumulated(events);
    expect(response.output.map((item) => item.type === 'custom_tool_call' && item.input)).toEqual(
      calls.map((c) => c.input),
    );
  });

  it('mcpCallScenario is a valid stream, with a failed call when asked', async () => {
    const { events, calls, text } = mcpCallScenario({ calls: 2, failIndex: 1 });
    const response = await accumulated(events);
    expect(response.output_text).toBe(text);
    expect(calls.map((c) => c.failed)).toEqual([false, true]);
    expect(events.map((e) => e.type)).toContain('response.mcp_call.failed');
    const failed = response.output[1];
    expect(failed?.type === 'mcp_call' && failed.status).toBe('failed');
  });

  it('reasoningImageScenario is a valid stream: summary, raw text, then the image', async () => {
    const { events, reasoning, image } = reasoningImageScenario({ reasoningText: 'Think about foxes.' });
    const response = await accumulated(events);
    const item = response.output[0];
    expect(item?.type === 'reasoning' && item.summary.map((s) => s.text)).toEqual(reasoning.summary);
    expect(item?.type === 'reasoning' && item.content?.[0]?.text).toBe('Think about foxes.');
    const last = response.output[1];
    expect(last?.type === 'image_generation_call' && last.result).toBe(image.b64);
    const firstImageEvent = events.findIndex((e) => e.type.startsWith('response.image_generation_call'));
    const lastSummaryEvent = events.findLastIndex((e) => e.type.startsWith('response.reasoning_summary'));
    expect(lastSummaryEvent).toBeLessThan(firstImageEvent);
  });

  it.each(['events', 'item-only'] as const)(
    'webSearchScenario (%s) is a valid stream whose citations cite their text',
    async (annotations) => {
      const { events, message, citations } = webSearchScenario({ annotations });
      const response = await accumulated(events);
      const item = response.output[1];
      expect(response.output_text).toBe(message.text);
      const part = item?.type === 'message' ? item.content[0] : undefined;
      expect(part?.type === 'output_text' && part.annotations).toEqual(citations.map((c) => c.annotation));
      for (const c of citations)
        expect(message.text.slice(c.annotation.start_index, c.annotation.end_index)).toBe(c.text);
      expect(events.some((e) => e.type === 'response.output_text.annotation.added')).toBe(
        annotations === 'events',
      );
    },
  );

  it('codeInterpreterScenario is a valid stream with an image output', async () => {
    const { events, call, text } = codeInterpreterScenario();
    const response = await accumulated(events);
    const item = response.output[0];
    expect(item?.type === 'code_interpreter_call' && item.code).toBe(call.code);
    expect(item?.type === 'code_interpreter_call' && item.outputs).toContainEqual({
      type: 'image',
      url: call.imageUrl,
    });
    expect(response.output_text).toBe(text);
    expect(
      events.filter((e) => e.type === 'response.code_interpreter_call_code.delta').length,
    ).toBeGreaterThan(1);
  });

  it('numbers events from startSequenceNumber, under the given response id', async () => {
    const { events } = functionCallScenario({ startSequenceNumber: 10, responseId: 'resp_x' });
    expect(events[0]?.sequence_number).toBe(10);
    const all = await lastValueFrom(from(events).pipe(toArray()));
    expect(all.at(-1)?.type === 'response.completed' && all.at(-1)).toMatchObject({
      response: { id: 'resp_x' },
    });
  });
});
