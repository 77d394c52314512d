// Leak check: 1,000 subscribe/unsubscribe cycles through the real client and the local server, stopped at
// random points, leave no open connection, no timer and no handle behind.
import OpenAI from 'openai';
import { merge, type Observable, share, timeout } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageStates, partialImages, resumable, streamResponse, withFinalImage } from '../../src/index';
import {
  type MockResponsesServer,
  type MockScenario,
  startMockResponsesServer,
} from '../../src/testing/index';
import { SEED, seededRandom, Tally } from './support';

const CYCLES = 1_000;
const SCENARIO: MockScenario = { images: 2, partials: 2, textDeltas: 6, interleave: true };
const params = {
  model: 'gpt-5',
  input: 'leaks',
  tools: [{ type: 'image_generation' as const, partial_images: 2 }],
};

let server: MockResponsesServer;
let client: OpenAI;
const tally = new Tally('leaks: subscribe/unsubscribe cycles through the real client and the local server');

beforeAll(async () => {
  server = await startMockResponsesServer({ scenario: SCENARIO, seed: 5 });
  client = new OpenAI({ baseURL: server.url, apiKey: 'test', maxRetries: 0, logLevel: 'off' });
});
afterAll(async () => {
  tally.report();
  await server.close();
});

/** The pipelines a cycle may run: the source alone, each operator, a shared fan-out, timers, resuming. */
const pipelines: Record<string, (scenario: MockScenario) => Observable<unknown>> = {
  source: (s) => request(s),
  withFinalImage: (s) => request(s).pipe(withFinalImage()),
  imageStates: (s) => request(s).pipe(imageStates()),
  'share+partialImages+withFinalImage': (s) => {
    const events$ = request(s).pipe(share());
    return merge(events$.pipe(partialImages()), events$.pipe(withFinalImage()));
  },
  'timeout+withFinalImage': (s) => request(s).pipe(timeout({ each: 10_000 }), withFinalImage()),
  'background+resumable': (s) =>
    request(s, true).pipe(resumable(client, { backoff: 0, retries: 1 }), withFinalImage()),
};

function request(scenario: MockScenario, background = false) {
  return streamResponse(
    client,
    { ...params, ...(background ? { background: true } : {}) },
    { headers: { 'x-mock-scenario': JSON.stringify(scenario) } },
  );
}

/** What is in `after` and not in `before`, and the other way round (as multisets). */
function diff(after: string, before: string): { added: string[]; removed: string[] } {
  const minus = (a: string[], b: string[]) => {
    const rest = [...b];
    return a.filter((x) => {
      const i = rest.indexOf(x);
      if (i === -1) return true;
      rest.splice(i, 1);
      return false;
    });
  };
  const a = after.split(',');
  const b = before.split(',');
  return { added: minus(a, b), removed: minus(b, a) };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Node's own resources, by kind, sorted: what must be the same before and after the cycles. */
const resources = () => process.getActiveResourcesInfo().sort().join(',');

describe(`leaks (seed ${SEED})`, () => {
  it(`${CYCLES.toLocaleString('en-US')} cycles stopped at random points leave no connection, timer or handle`, async () => {
    const random = seededRandom(SEED);
    const names = Object.keys(pipelines);
    await server.whenIdle();
    // Start from a quiet process: a timer of the environment (the worker's own) ends within a second or so.
    for (let i = 0; i < 50 && resources().includes('Timeout'); i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const before = resources();
    const firstRequest = server.requests.length;

    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const name = names[Math.floor(random() * names.length)]!;
      const stop = ['at-once', 'after-turns', 'after-events', 'run-to-end', 'cut-by-server'][
        Math.floor(random() * 5)
      ]!;
      const scenario: MockScenario =
        stop === 'cut-by-server'
          ? { cut: { afterEvents: 1 + Math.floor(random() * 12), midFrame: random() < 0.5 } }
          : {};
      tally.cases++;
      tally.fault(`pipeline:${name}`);
      tally.fault(`stop:${stop}`);
      const outcome = await new Promise<string>((resolve) => {
        let seen = 0;
        const stopAfter = 1 + Math.floor(random() * 8);
        const subscription = pipelines[name]!(scenario).subscribe({
          next: () => {
            if (stop === 'after-events' && ++seen === stopAfter) {
              subscription.unsubscribe();
              resolve('unsubscribed-in-next');
            }
          },
          error: () => resolve('errored'),
          complete: () => resolve('completed'),
        });
        if (stop === 'at-once') {
          subscription.unsubscribe();
          resolve('unsubscribed-at-once');
        } else if (stop === 'after-turns') {
          const turns = Math.floor(random() * 6);
          void (async () => {
            for (let t = 0; t < turns; t++) await nextTurn();
            if (!subscription.closed) {
              subscription.unsubscribe();
              resolve('unsubscribed-after-turns');
            }
          })();
        }
      });
      tally.outcome(outcome);
    }

    // Every request the server saw has ended, and none is still being answered.
    const records = server.requests.slice(firstRequest);
    await Promise.all(records.map((record) => record.ended));
    expect(records.every((record) => record.end !== 'pending')).toBe(true);
    // After an aborted request, Node's fetch keeps one spare connection to the origin until its keep-alive
    // timeout (4 s): wait for it, so that "no open connection" means none at all.
    await server.whenIdle();
    expect(server.openConnections).toBe(0);
    // The client's sockets close a turn or two after the server's: wait for them, boundedly. Nothing may be
    // added to what was active before (a timer of the environment that was active then may have ended).
    for (let turn = 0; turn < 200 && diff(resources(), before).added.length > 0; turn++) await nextTurn();
    expect(diff(resources(), before).added).toEqual([]);
    tally.outcome(`server-requests=${records.length}`);
  }, 90_000);
});
