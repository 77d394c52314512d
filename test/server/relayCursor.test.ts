// The relay with `cursor`: a signed SSE id on every event of a background response, the upstream's order checked,
// `: after` where events were not relayed, a resumable cut relayed as a cut, and never a cancel of its own.
import { concat, NEVER, of, throwError } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { type ResponseStreamEvent, streamResponse, TruncatedStreamError } from '../../src/index';
import { resumeFromRequest, signCursor, toServerSentEvents, verifyCursor } from '../../src/server/index';
import { fakeResponsesClient, imageGenerationEvents } from '../../src/testing/index';
import { errorFrames, relayed } from './support';

const cursor = { secret: 'the relay secret, at least thirty-two bytes long' };
const background = (responseId = 'resp_bg') =>
  imageGenerationEvents({ images: 1, partials: 2, responseId, background: true });

/** The frames of an SSE text: each one's `id`, `: after` comment, event type and data. */
function framesOf(text: string) {
  return text
    .split('\n\n')
    .filter((block) => block.includes('data: '))
    .map((block) => {
      const line = (prefix: string) =>
        block
          .split('\n')
          .find((l) => l.startsWith(prefix))
          ?.slice(prefix.length);
      const after = line(': after ');
      return {
        id: line('id: ') ?? null,
        after: after === undefined ? null : Number(after),
        type: line('event: '),
        data: JSON.parse(line('data: ')!) as ResponseStreamEvent,
      };
    });
}

const read = (stream: ReadableStream<Uint8Array>) => new Response(stream).text();

describe('toServerSentEvents with cursor', () => {
  it('gives every event of a background response a signed cursor of its response id and sequence number', async () => {
    const events = background();
    const frames = framesOf(await read(toServerSentEvents(of(...events), { cursor })));
    expect(frames.map((f) => f.data)).toEqual(events.map((e) => relayed(e)));
    for (const [i, frame] of frames.entries()) {
      expect(await verifyCursor(frame.id!, cursor)).toEqual({
        responseId: 'resp_bg',
        sequenceNumber: events[i]!.sequence_number,
      });
      expect(frame.after).toBeNull();
    }
    // Deterministic: the cursor is exactly signCursor's.
    expect(frames[3]!.id).toBe(await signCursor({ responseId: 'resp_bg', sequenceNumber: 3 }, cursor));
  });

  it('writes no cursor for a response that is not a background one (it cannot be replayed)', async () => {
    const events = imageGenerationEvents({ images: 1, partials: 1 });
    const text = await read(toServerSentEvents(of(...events), { cursor }));
    expect(text).not.toMatch(/^id:/m);
    expect(framesOf(text)).toHaveLength(events.length);
  });

  it('says what an event follows when the events before it were not relayed (`events`)', async () => {
    const events = background();
    const kept = ['response.created', 'response.image_generation_call.partial_image'];
    const frames = framesOf(await read(toServerSentEvents(of(...events), { cursor, events: kept })));
    const sent = events.filter((e) => kept.includes(e.type) || e.type === 'response.completed');
    expect(frames.map((f) => f.data.sequence_number)).toEqual(sent.map((e) => e.sequence_number));
    // Each frame follows the one relayed before it; `: after` is written only where that is not n - 1.
    frames.forEach((frame, i) => {
      const previous = i === 0 ? -1 : frames[i - 1]!.data.sequence_number;
      expect(frame.after).toBe(previous === frame.data.sequence_number - 1 ? null : previous);
    });
    expect(frames.some((f) => f.after !== null)).toBe(true);
  });

  it("drops the upstream's duplicates and turns a gap into one sequence_gap error event", async () => {
    const events = background();
    const withDuplicate = [...events.slice(0, 4), events[2]!, events[3]!, ...events.slice(4)];
    expect(
      framesOf(await read(toServerSentEvents(of(...withDuplicate), { cursor }))).map((f) => f.data),
    ).toEqual(events.map((e) => relayed(e)));
    const withGap = [...events.slice(0, 4), ...events.slice(6)];
    const text = await read(toServerSentEvents(of(...withGap), { cursor }));
    expect(framesOf(text).filter((f) => f.type !== 'error')).toHaveLength(4);
    expect(errorFrames(text)).toEqual([
      expect.objectContaining({
        code: 'sequence_gap',
        message: 'Response resp_bg: expected event 4 next, received 6: 2 event(s) missing.',
      }),
    ]);
  });

  it('relays an upstream cut of a background response as a cut (the browser resumes), not as an error event', async () => {
    const events = background();
    const cut = (source: ResponseStreamEvent[]) =>
      concat(
        of(...source),
        throwError(() => new TruncatedStreamError(source.length, 3)),
      );
    const reader = toServerSentEvents(cut(events.slice(0, 4)), { cursor }).getReader();
    let text = '';
    const failure = await (async () => {
      while (true) {
        const { value, done } = await reader.read();
        if (done) return null;
        text += new TextDecoder().decode(value);
      }
    })().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TruncatedStreamError);
    // Whole frames, each with its cursor (an erroring stream may drop what the reader had not taken yet).
    const frames = framesOf(text);
    expect(frames.map((f) => f.data)).toEqual(events.slice(0, frames.length).map((e) => relayed(e)));
    expect(frames.every((f) => f.id !== null)).toBe(true);
    expect(errorFrames(text)).toEqual([]);
    // Without a cursor (or for a response that is not a background one) the cut is one error event, as before.
    expect(errorFrames(await read(toServerSentEvents(cut(events.slice(0, 4)))))).toEqual([
      expect.objectContaining({ code: 'stream_truncated' }),
    ]);
    const plain = imageGenerationEvents({ images: 1, partials: 1 }).slice(0, 3);
    expect(errorFrames(await read(toServerSentEvents(cut(plain), { cursor })))).toEqual([
      expect.objectContaining({ code: 'stream_truncated' }),
    ]);
    // An API error is not a cut: it is relayed as an error event, with a cursor or not.
    const refused = throwError(() => Object.assign(new Error('nope'), { status: 400 }));
    expect(errorFrames(await read(toServerSentEvents(refused, { cursor })))).toHaveLength(1);
  });

  it("signs a resumed stream's events with the response id of the request's cursor", async () => {
    const events = background('resp_resumed');
    const client = fakeResponsesClient(events);
    const last = await signCursor({ responseId: 'resp_resumed', sequenceNumber: 5 }, cursor);
    const request = new Request('http://relay/api', { headers: { 'last-event-id': last } });
    const resumed = (await resumeFromRequest(client, request, { cursor }))!;
    const frames = framesOf(await read(toServerSentEvents(resumed, { cursor })));
    expect(frames.map((f) => f.data.sequence_number)).toEqual(events.slice(6).map((e) => e.sequence_number));
    for (const frame of frames) {
      expect(await verifyCursor(frame.id!, cursor)).toEqual({
        responseId: 'resp_resumed',
        sequenceNumber: frame.data.sequence_number,
      });
    }
  });

  it('never cancels: the browser going away leaves the background response running (it may resume)', async () => {
    const events = background();
    const cancelled: string[] = [];
    const client = fakeResponsesClient(() => concat(of(...events.slice(0, 3)), NEVER));
    Object.assign(client.responses, { cancel: async (id: string) => cancelled.push(id) });
    const params = { model: 'gpt-5', input: 'a fox', background: true } as const;

    const reader = toServerSentEvents(streamResponse(client, params), { cursor }).getReader();
    await reader.read();
    await reader.cancel();
    expect(client.calls[0]!.aborted).toBe(true);
    expect(cancelled).toEqual([]);
    // The same source, unsubscribed by its own subscriber, cancels (the control).
    streamResponse(client, params).subscribe().unsubscribe();
    expect(cancelled).toEqual(['resp_bg']);
  });

  it('refuses a weak secret when the relay is made', () => {
    expect(() => toServerSentEvents(of(), { cursor: { secret: 'short' } })).toThrow(TypeError);
  });
});
