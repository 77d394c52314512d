// resumable() through the real client and the local server: the connection is cut at 50 different points.

import { RateLimitError } from 'openai';
import { from, lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MalformedEventError,
  type ResponseStreamEvent,
  ResumeNotPossibleError,
  resumable,
  streamResponse,
  TruncatedStreamError,
  withFinalImage,
} from '../../src/index';
import {
  type MockResponsesServer,
  type MockScenario,
  startMockResponsesServer,
} from '../../src/testing/index';
import { clientFor, params, withScenario } from '../integration/support';

/** The content of every run: a message and two images with previews (small images, same seed, same bytes). */
const content: MockScenario = { images: 2, partials: 2, text: 'Two foxes in the snow', seed: 7 };

type Cut = NonNullable<MockScenario['cut']>;

interface Run {
  readonly events: ResponseStreamEvent[];
  readonly images: string[];
  readonly responseId: string;
}

/** One background response through `resumable`, its first connection cut as `cut` says (replays are not cut). */
async function run(server: MockResponsesServer, cut: Cut | undefined): Promise<Run> {
  const client = clientFor(server);
  const events = await lastValueFrom(
    streamResponse(
      client,
      { ...params, background: true },
      withScenario({ ...content, ...(cut ? { cut } : {}) }),
    ).pipe(resumable(client, { backoff: 0, retries: 3 }), toArray()),
  );
  const images = await lastValueFrom(from(events).pipe(withFinalImage(), toArray()));
  const created = events[0] as Extract<ResponseStreamEvent, { type: 'response.created' }>;
  return { events, images: images.map((i) => i.b64), responseId: created.response.id };
}

/** The events with the response's id blanked, to compare runs of different responses. */
function normalized(events: readonly ResponseStreamEvent[], responseId: string): unknown[] {
  return JSON.parse(JSON.stringify(events).replaceAll(responseId, 'resp_X'));
}

describe('resumable: a cut connection, resumed through the real client and the local server', () => {
  let server: MockResponsesServer;
  let uncut: Run;
  let total: number;
  beforeAll(async () => {
    server = await startMockResponsesServer();
    uncut = await run(server, undefined);
    total = uncut.events.length;
  });
  afterAll(() => server.close());

  it('an uncut run is the stored response, events numbered 0 to n - 1', () => {
    expect(total).toBeGreaterThanOrEqual(25);
    expect(uncut.events.map((e) => e.sequence_number)).toEqual([...Array(total).keys()]);
    expect(uncut.events).toEqual(server.responses.get(uncut.responseId)!.events);
    expect(uncut.images).toEqual(server.responses.get(uncut.responseId)!.images.map((i) => i.b64));
    expect(server.requests.filter((r) => r.method === 'GET')).toHaveLength(0);
  });

  it('delivers the same events and byte-identical images, whatever the cut point (50 cuts)', async () => {
    // 25 cuts between frames (after 1..25 whole events) and 25 in the middle of the next frame; half of them
    // reset the socket, half end the body cleanly (a stream that just stops).
    const cuts: Cut[] = [];
    for (let after = 1; after <= 25; after++) {
      cuts.push({ afterEvents: after, mode: after % 2 ? 'destroy' : 'end' });
      cuts.push({ afterEvents: after, midFrame: true, mode: after % 2 ? 'end' : 'destroy' });
    }
    expect(cuts).toHaveLength(50);
    expect(Math.max(...cuts.map((c) => c.afterEvents!))).toBeLessThan(total);

    const runs = await Promise.all(cuts.map((cut) => run(server, cut)));
    const expected = normalized(uncut.events, uncut.responseId);
    for (const [i, result] of runs.entries()) {
      const cut = cuts[i]!;
      const sequence = result.events.map((e) => e.sequence_number);
      expect(sequence, JSON.stringify(cut)).toEqual([...Array(total).keys()]);
      expect(normalized(result.events, result.responseId), JSON.stringify(cut)).toEqual(expected);
      expect(result.images, JSON.stringify(cut)).toEqual(uncut.images);
      // The first connection was cut where asked: after that many whole events (plus half a frame).
      const post = server.requests.find((r) => r.method === 'POST' && r.responseId === result.responseId);
      expect(post, JSON.stringify(cut)).toMatchObject({ end: 'cut', eventsSent: cut.afterEvents });
      // The replay asked for exactly what was missing.
      const replays = server.requests.filter((r) => r.method === 'GET' && r.responseId === result.responseId);
      expect(replays, JSON.stringify(cut)).toHaveLength(1);
      expect(replays[0]!.url).toBe(
        `/v1/responses/${result.responseId}?stream=true&starting_after=${cut.afterEvents! - 1}`,
      );
    }
  });

  it("cannot resume a stream cut before response.created: the cut's own typed error passes through, no replay is sent", async () => {
    const before = server.requests.length;
    const error = await run(server, { afterEvents: 0, midFrame: true }).catch((e: unknown) => e);
    expect(error instanceof TruncatedStreamError || error instanceof MalformedEventError).toBe(true);
    expect(server.requests.slice(before).map((r) => r.method)).toEqual(['POST']);
  });

  it('retries a replay answered with HTTP 500, and passes an HTTP 429 through without retrying', async () => {
    const statuses = [500, 429];
    for (const status of statuses) {
      // The POST is cut after 6 events; the first replay answers `status`; a second one would succeed.
      const faulty = await startMockResponsesServer({
        scenario: (request) =>
          request.index === 0
            ? { ...content, cut: { afterEvents: 6 } }
            : request.index === 1
              ? { status }
              : {},
      });
      const client = clientFor(faulty);
      const result = await lastValueFrom(
        streamResponse(client, { ...params, background: true }).pipe(
          resumable(client, { backoff: 0 }),
          toArray(),
        ),
      ).catch((error: unknown) => error);
      const methods = faulty.requests.map((r) => [r.method, r.status]);
      await faulty.close();
      if (status === 500) {
        expect(result).toHaveLength(total);
        expect(methods).toEqual([
          ['POST', 200],
          ['GET', 500],
          ['GET', 200],
        ]);
      } else {
        expect(result).toBeInstanceOf(RateLimitError);
        expect(methods).toEqual([
          ['POST', 200],
          ['GET', 429],
        ]);
      }
    }
  });

  it('refuses, at response.created, a response that was not created in the background', async () => {
    const client = clientFor(server);
    const error = await lastValueFrom(streamResponse(client, params).pipe(resumable(client))).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ResumeNotPossibleError);
    expect(error).toMatchObject({ reason: 'not-background' });
  });
});
