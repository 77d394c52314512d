// Writes events to a node:http response in the API's server-sent events framing, with the scenario's faults.
import type { ServerResponse } from 'node:http';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { clampCount, type MockScenario } from './scenario';

/** How a stream ended, from the server's side. */
export type StreamEnd = 'finished' | 'client-closed' | 'cut' | 'server-closed';

/** One SSE frame, as the API frames it: `event: <type>`, `data: <json>`, a blank line. */
export function sseFrame(type: string, data: unknown): Buffer {
  return Buffer.from(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
}

/** A frame whose `data` line is cut in the middle of its JSON (never valid JSON: the object is not closed). */
function malformedFrame(event: ResponseStreamEvent): Buffer {
  const json = JSON.stringify(event);
  return Buffer.from(
    `event: ${event.type}\ndata: ${json.slice(0, Math.max(1, Math.floor(json.length / 2)))}\n\n`,
  );
}

/**
 * Sends `events` as server-sent events on `res`, honouring the delivery faults of `scenario`; resolves with how
 * the stream ended. `onEvent` runs after each whole frame is handed to the socket. Never rejects.
 *
 * @param res The response, headers not yet sent.
 * @param events The events to send, in order.
 * @param scenario Delivery: `delayMs`, `errorEvent`, `cut`, `malformed`, `stallAfterEvents`.
 * @param signal Aborted when the client goes away or the server closes: the stream stops at once.
 * @param hooks `onEvent` runs with the number of whole events sent so far; `onCut` just before a cut.
 */
export async function writeEventStream(
  res: ServerResponse,
  events: readonly ResponseStreamEvent[],
  scenario: MockScenario,
  signal: AbortSignal,
  hooks: { onEvent(sent: number): void; onCut(): void },
): Promise<StreamEnd> {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  res.flushHeaders();

  const cut = scenario.cut;
  const errorAt = scenario.errorEvent
    ? clampCount(scenario.errorEvent.afterEvents, events.length - 1, Math.floor(events.length / 2))
    : -1;
  let bytes = 0;
  const write = async (chunk: Buffer) => {
    bytes += chunk.length;
    if (!res.write(chunk)) await waitFor(res, 'drain', signal);
  };
  const cutNow = async (partial: Buffer | null): Promise<StreamEnd> => {
    if (partial && partial.length > 0) await write(partial);
    hooks.onCut();
    if (cut?.mode === 'end') {
      res.end();
      return 'cut';
    }
    // Reset mid-body: the chunked body never gets its last chunk, so the client sees the connection fail.
    // First let what was written reach the kernel (Node corks a response's writes until the next tick, and
    // destroy() drops what is still buffered), so the client gets exactly the bytes the cut promises.
    await flushed(res);
    res.socket?.destroy();
    return 'cut';
  };

  try {
    for (let i = 0; i < events.length; i++) {
      if (signal.aborted) return 'client-closed';
      if (scenario.stallAfterEvents !== undefined && i >= scenario.stallAfterEvents) {
        await waitFor(res, 'never', signal);
        return 'client-closed';
      }
      if (scenario.delayMs) await sleep(scenario.delayMs, signal);
      const event = events[i]!;
      if (scenario.errorEvent && i === errorAt) {
        await write(
          sseFrame('error', {
            type: 'error',
            sequence_number: event.sequence_number,
            code: scenario.errorEvent.code ?? 'server_error',
            message: scenario.errorEvent.message ?? 'The server had an error while processing your request.',
            param: null,
          }),
        );
        res.end();
        return 'finished';
      }
      const frame = i === scenario.malformed?.atEvent ? malformedFrame(event) : sseFrame(event.type, event);
      if (cut?.afterEvents !== undefined && i === cut.afterEvents) {
        return await cutNow(
          cut.midFrame ? frame.subarray(0, Math.max(1, Math.floor(frame.length / 2))) : null,
        );
      }
      if (cut?.afterBytes !== undefined && bytes + frame.length > cut.afterBytes) {
        return await cutNow(frame.subarray(0, Math.max(0, cut.afterBytes - bytes)));
      }
      await write(frame);
      hooks.onEvent(i + 1);
    }
    if (cut?.afterEvents !== undefined && cut.afterEvents >= events.length) return await cutNow(null);
    res.end();
    return 'finished';
  } catch {
    // The client went away (or the server is closing) while we waited.
    return 'client-closed';
  }
}

/** Resolves once the response's socket has handed every written byte to the kernel (bounded wait). */
async function flushed(res: ServerResponse): Promise<void> {
  for (let i = 0; i < 10_000; i++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    const socket = res.socket;
    if (!socket || socket.destroyed || (socket.writableLength === 0 && !socket.writableCorked)) return;
  }
}

/** Waits for `event` on `res` (`'never'`: only for the abort); rejects when `signal` aborts. */
function waitFor(res: ServerResponse, event: string, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const done = () => {
      res.off(event, done);
      signal.removeEventListener('abort', abort);
      resolve();
    };
    const abort = () => {
      res.off(event, done);
      reject(signal.reason);
    };
    if (event !== 'never') res.on(event, done);
    signal.addEventListener('abort', abort, { once: true });
  });
}

/** A delay that ends early (rejecting) when `signal` aborts, and leaves no timer behind. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const abort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', abort);
      resolve();
    }, ms);
    signal.addEventListener('abort', abort, { once: true });
  });
}
