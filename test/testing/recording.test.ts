// Record a live stream (through the real client and the local server) to a file, then replay the file with the
// fake client and with the local server: the same events, the same images.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { lastValueFrom, throwError, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamResponse, TruncatedStreamError, withFinalImage } from '../../src/index';
import {
  fakeResponsesClient,
  type MockResponsesServer,
  readRecordedEvents,
  recordEvents,
  startMockResponsesServer,
} from '../../src/testing/index';

const params = {
  model: 'gpt-5',
  input: 'A fox',
  tools: [{ type: 'image_generation' as const, partial_images: 2 }],
};
const dir = mkdtempSync(join(tmpdir(), 'rxjs-openai-recording-'));

let server: MockResponsesServer;
let client: OpenAI;
beforeAll(async () => {
  server = await startMockResponsesServer({ scenario: { images: 2, partials: 2, text: 'Two foxes.' } });
  client = new OpenAI({ baseURL: server.url, apiKey: 'test', maxRetries: 0, logLevel: 'off' });
});
afterAll(() => server.close());

describe('recordEvents and readRecordedEvents', () => {
  it('records a live stream as JSON lines while passing it on, and replays it with the fake client and the local server', async () => {
    const file = join(dir, 'live.jsonl');
    const live = await lastValueFrom(streamResponse(client, params).pipe(recordEvents(file), toArray()));
    const served = server.responses.get(server.requests.at(-1)!.responseId!)!;
    expect(readFileSync(file, 'utf8').trimEnd().split('\n')).toHaveLength(live.length);

    const recorded = readRecordedEvents(file);
    expect(recorded).toEqual(live);

    const fromFake = await lastValueFrom(
      streamResponse(fakeResponsesClient(recorded), params).pipe(withFinalImage(), toArray()),
    );
    expect(fromFake.map((i) => i.b64)).toEqual(served.images.map((i) => i.b64));

    const replayServer = await startMockResponsesServer({ scenario: { events: recorded } });
    try {
      const replayClient = new OpenAI({
        baseURL: replayServer.url,
        apiKey: 'test',
        maxRetries: 0,
        logLevel: 'off',
      });
      const replayed = await lastValueFrom(streamResponse(replayClient, params).pipe(toArray()));
      expect(replayed).toEqual(live);
    } finally {
      await replayServer.close();
    }
  });

  it('records a cut stream as far as it went: a fixture that replays the cut', async () => {
    const file = join(dir, 'cut.jsonl');
    const error = await lastValueFrom(
      streamResponse(client, params, {
        headers: { 'x-mock-scenario': JSON.stringify({ cut: { afterEvents: 5 } }) },
      }).pipe(recordEvents(file), toArray()),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TruncatedStreamError);
    const recorded = readRecordedEvents(file);
    expect(recorded).toHaveLength(5);
    const replay = await lastValueFrom(streamResponse(fakeResponsesClient(recorded), params)).catch(
      (e: unknown) => e,
    );
    expect(replay).toBeInstanceOf(TruncatedStreamError);
  });

  it('passes the source error on, and a bad line is a SyntaxError naming the file and line', async () => {
    const boom = new Error('boom');
    const file = join(dir, 'error.jsonl');
    await expect(lastValueFrom(throwError(() => boom).pipe(recordEvents(file)))).rejects.toBe(boom);
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"type":"response.created"}\n\nnot json\n');
    expect(() => readRecordedEvents(bad)).toThrow(/bad\.jsonl:3: not JSON/);
    writeFileSync(bad, '{"type":"response.created"}\n[1,2]\n');
    expect(() => readRecordedEvents(bad)).toThrow(/bad\.jsonl:2: not an event/);
  });

  it('a write that fails errors the stream instead of losing the recording silently', async () => {
    const error = await lastValueFrom(
      streamResponse(client, params).pipe(recordEvents(join(dir, 'missing-dir', 'x.jsonl')), toArray()),
    ).catch((e: unknown) => e);
    expect((error as NodeJS.ErrnoException).code).toBe('ENOENT');
  });
});
