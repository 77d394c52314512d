import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamResponse } from '../../src/index';
import { type MockResponsesServer, startMockResponsesServer } from '../../src/testing/index';
import { clientFor, params, withScenario } from './support';

let server: MockResponsesServer;
beforeAll(async () => {
  server = await startMockResponsesServer({ scenario: { images: 2, partials: 3 } });
});
afterAll(() => server.close());

describe('unsubscribing over real HTTP', () => {
  it('closes the connection while the server is still dripping events', async () => {
    const client = clientFor(server);
    const before = server.requests.length;
    const seen: string[] = [];
    let ended = false;
    const subscription = streamResponse(client, params, withScenario({ delayMs: 5 })).subscribe({
      next: (event) => {
        seen.push(event.type);
        if (event.type === 'response.image_generation_call.partial_image') subscription.unsubscribe();
      },
      error: () => (ended = true),
      complete: () => (ended = true),
    });
    const record = await (await server.request(before)).ended;
    expect(record.end).toBe('client-closed');
    expect(record.clientClosed).toBe(true);
    expect(record.eventsSent).toBeLessThan(record.eventsPlanned);
    expect(seen.at(-1)).toBe('response.image_generation_call.partial_image');
    expect(ended).toBe(false);
  });

  it('closes it at once, not at the next event: the server sends nothing more and still sees the close', async () => {
    const client = clientFor(server);
    const before = server.requests.length;
    let received = 0;
    const subscription = streamResponse(client, params, withScenario({ stallAfterEvents: 3 })).subscribe(
      (event) => {
        received++;
        // The stream stalls after this event: if unsubscribing waited for another event, it would never close.
        if (event.sequence_number === 2) queueMicrotask(() => subscription.unsubscribe());
      },
    );
    const record = await (await server.request(before)).ended;
    expect(record.end).toBe('client-closed');
    expect([received, record.eventsSent]).toEqual([3, 3]);
  });

  it('200 subscribe/unsubscribe cycles leave no open connection and no active handle', async () => {
    const client = clientFor(server);
    const handles = () => process.getActiveResourcesInfo().sort().join(',');
    await server.whenIdle();
    const before = handles();
    const firstRequest = server.requests.length;
    for (let cycle = 0; cycle < 200; cycle++) {
      // Cut at different points: before the response arrives (0), then after 1 to 4 events.
      const stopAfter = cycle % 5;
      await new Promise<void>((resolve) => {
        if (stopAfter === 0) {
          streamResponse(client, params, withScenario({ stallAfterEvents: 4 }))
            .subscribe()
            .unsubscribe();
          resolve();
          return;
        }
        let count = 0;
        const subscription = streamResponse(client, params, withScenario({ stallAfterEvents: 4 })).subscribe(
          () => {
            if (++count === stopAfter) {
              queueMicrotask(() => subscription.unsubscribe());
              resolve();
            }
          },
        );
      });
    }
    const records = server.requests.slice(firstRequest);
    await Promise.all(records.map((r) => r.ended));
    // After an aborted request, Node's fetch (undici) opens one spare connection for the origin and closes it
    // after its keep-alive timeout (4 s) if unused: wait for it, so that "no open connection" means none at all.
    await server.whenIdle();
    expect(server.openConnections).toBe(0);
    // Every request the server saw ended with the client leaving: none ran to its end.
    expect(records.every((r) => r.end === 'client-closed')).toBe(true);
    expect(records.length).toBeGreaterThanOrEqual(160);
    // The client side's sockets close a turn or two after the server's: wait for them, boundedly.
    for (let turn = 0; turn < 100 && handles() !== before; turn++) await nextTurn();
    expect(handles()).toBe(before);
  });
});
