import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { fromServerSentEvents, type ResponseStreamEvent } from '../../src/index';
import { SERVER_SENT_EVENTS_HEADERS, toServerSentEvents } from '../../src/server/index';

/** Re-chunks a byte stream at the given cut points (so frames, lines and UTF-8 sequences get split). */
async function rechunk(
  stream: ReadableStream<Uint8Array>,
  cuts: number[],
): Promise<ReadableStream<Uint8Array>> {
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let at = 0;
  for (const point of [...points, bytes.length]) {
    if (point > at) chunks.push(bytes.slice(at, point));
    at = Math.max(at, point);
  }
  return new ReadableStream({
    pull(controller) {
      const chunk = chunks.shift();
      if (chunk) controller.enqueue(chunk);
      else controller.close();
    },
  });
}

// Any event type without CR/LF, any JSON payload: what the relay writes, the SDK's decoder reads back equal.
const eventArbitrary = fc
  .record({
    type: fc.string({ minLength: 1, maxLength: 30 }).filter((t) => !/[\r\n]/.test(t) && t !== 'error'),
    payload: fc.jsonValue({ maxDepth: 3 }),
    sequence_number: fc.nat(),
  })
  .filter((e) => !['response.completed', 'response.failed', 'response.incomplete'].includes(e.type));

describe('toServerSentEvents → fromServerSentEvents', () => {
  it('round-trips any events, however the bytes are chunked', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(eventArbitrary, { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        async (events, cuts) => {
          const terminal = {
            type: 'response.completed',
            sequence_number: events.length,
            response: { id: 'r' },
          };
          const all = [...events, terminal] as unknown as ResponseStreamEvent[];
          const body = await rechunk(toServerSentEvents(from(all), { heartbeatMs: 0 }), cuts);
          const response = new Response(body, { headers: SERVER_SENT_EVENTS_HEADERS });
          const got = await lastValueFrom(fromServerSentEvents(response).pipe(toArray()));
          // JSON normalizes -0 to 0, as any JSON transport does.
          expect(got).toEqual(JSON.parse(JSON.stringify(all)));
        },
      ),
      { numRuns: 60 },
    );
  });
});
