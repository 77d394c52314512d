// Benchmark 6: the relay. 200 concurrent image streams through one relay process, side by side:
// - rxjs-openai: `pipeServerSentEvents(streamResponse(client, params), res)`, its defaults (the `Response` of the
//   response.* events cut to the page's fields, a heartbeat, an idle timeout);
// - rxjs-openai + cursor: the same with `cursor` (a signed SSE id on every event, WebCrypto HMAC-SHA256);
// - hand-written: the SDK's `for await` over `client.responses.create({ stream: true })`, `res.write` of each event
//   in the API's framing, waiting for `drain`;
// - raw byte proxy: `node:http` piping the upstream's bytes (the floor: no decoding at all).
// The upstream (its own process) paces its events and stamps each one with the time it wrote it
// (`bench_sent_at`), so the client measures each event's latency through the relay. Measured in the relay's process:
// CPU per relayed MB, and the heap per idle stream (200 streams held open). And, apart: the bytes a resumed cut
// sends again, through the real client, the local server and fromServerSentEvents with `resume`.
//
//   npm run bench -- --only=relay            (or: tsx bench/relay.ts)
import { type ChildProcess, spawn } from 'node:child_process';
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { lastValueFrom, tap, toArray } from 'rxjs';
import { fromServerSentEvents, streamResponse } from '../src/index';
import { pipeServerSentEvents } from '../src/server/index';
import { renderMockImage } from '../src/testing/server/images';
import { startMockResponsesServer } from '../src/testing/server/index';
import { buildResponse, type MockScenario } from '../src/testing/server/scenario';
import type { ResponseStreamEvent } from '../src/types';
import { startRelay } from '../test/support/relays';
import { fmt, fmtBytes, fmtRatio, median, table } from './stats';

/** Concurrent streams per batch (`RELAY_BENCH_STREAMS` overrides it, for a quick look). */
export const RELAY_STREAMS = Number(process.env.RELAY_BENCH_STREAMS ?? 200);
/** The image of each stream: 512x512 with some noise, about a quarter of a real 1024x1024 image. */
const IMAGE = { width: 512, height: 512, noise: 4 };
/** What each stream carries: some text, then one image with two previews. */
const SCENARIO: MockScenario = { images: 1, partials: 2, imageSize: IMAGE, textDeltas: 20, seed: 3 };
/** The upstream's pace: one event every this many milliseconds per stream. */
const EVENT_DELAY_MS = 150;
/** The streams of a batch start spread over this long: 200 streams, one every 20 ms. */
const STAGGER_MS = 4000;
const ROUNDS = Number(process.env.RELAY_BENCH_ROUNDS ?? 5);
const VARIANTS = [
  'raw byte proxy',
  'hand-written (SDK for await + res.write)',
  'rxjs-openai',
  'rxjs-openai + cursor',
] as const;
type VariantName = (typeof VARIANTS)[number];
const SECRET = 'the relay benchmark secret, 32 bytes or more';
const self = fileURLToPath(import.meta.url);

export interface RelayBenchRow {
  variant: VariantName;
  /** Relay process CPU (user + system) per MB the upstream sent, median of the rounds. */
  cpuMsPerMB: number;
  /** Round-by-round ratio of `cpuMsPerMB` to the hand-written relay's (median). */
  cpuVsHandWritten: number;
  /** The same, to the raw byte proxy's. */
  cpuVsRaw: number;
  /** Upstream write to client read, per event, all rounds: p50 and p99 (ms). */
  latencyP50: number;
  latencyP99: number;
  /** The same for the frames under 16 KiB (every event but the images' previews and final bytes). */
  smallLatencyP50: number;
  smallLatencyP99: number;
  /** The relay's event-loop delay during a batch, p99 (median of the rounds), ms: how busy it was. */
  loopDelayP99: number;
  /** From the SDK handing an event over to the `res.write` of its frame, p50 / p99 (ms); `null` for the raw proxy. */
  inRelayP50: number | null;
  inRelayP99: number | null;
  /** Heap used per open idle stream (after a full GC), bytes. */
  heapPerIdleStream: number;
}

export interface RelayBenchResult {
  rows: RelayBenchRow[];
  streams: number;
  eventsPerStream: number;
  bytesPerStream: number;
  resume: {
    cuts: number;
    browserResentMean: number;
    browserResentMax: number;
    apiResentMean: number;
    streamBytes: number;
    framesMax: number;
  };
  markdown: string;
}

// ---------------------------------------------------------------------------------------------------------
// The upstream: a Responses-like SSE server that paces its events and stamps them.

async function runUpstream(): Promise<void> {
  const cache = new Map<string, string>();
  const draw = (seed: number, index: number, size: typeof IMAGE, block: number) => {
    const key = `${seed}:${index}:${block}`;
    let b64 = cache.get(key);
    if (!b64) {
      b64 = renderMockImage(seed, index, size, block);
      cache.set(key, b64);
    }
    return b64;
  };
  const stored = buildResponse('resp_bench', { model: 'gpt-5', background: true }, SCENARIO, draw);
  // Each event's frame without its stamp: `{"bench_sent_at":<t>,` goes in front of the rest of its JSON.
  const frames = stored.events.map((event) => ({
    head: `event: ${event.type}\ndata: {"bench_sent_at":`,
    tail: `,${JSON.stringify(event).slice(1)}\n\n`,
  }));
  const server = createServer((req, res) => {
    req.resume();
    const stall = Number(req.headers['x-bench-stall'] ?? Number.POSITIVE_INFINITY);
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    res.flushHeaders();
    let i = 0;
    let timer: NodeJS.Timeout | undefined;
    const send = () => {
      if (res.destroyed) return;
      if (i >= stall) return; // held open, silent, until the client leaves
      const frame = frames[i++]!;
      res.write(`${frame.head}${(performance.timeOrigin + performance.now()).toFixed(3)}${frame.tail}`);
      if (i < frames.length) timer = setTimeout(send, EVENT_DELAY_MS);
      else res.end();
    };
    res.on('close', () => clearTimeout(timer));
    timer = setTimeout(send, EVENT_DELAY_MS);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const bytes = frames.reduce((sum, f) => sum + Buffer.byteLength(`${f.head}1764000000000.000${f.tail}`), 0);
  console.log(
    JSON.stringify({
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      events: frames.length,
      bytes,
    }),
  );
  stopWithStdin(() => server.close());
}

// ---------------------------------------------------------------------------------------------------------
// A relay process of one variant; `GET /__stats` (`?gc`) reports its CPU time and heap.

async function runRelayProcess(variant: VariantName, upstream: string): Promise<void> {
  const client = new OpenAI({ baseURL: `${upstream}/v1`, apiKey: 'bench', maxRetries: 0 });
  const params = {
    model: 'gpt-5',
    input: 'bench',
    tools: [{ type: 'image_generation' as const, partial_images: 2 }],
    background: true,
  };
  const target = new URL(upstream);
  const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  // What the relay's own code adds to an event: from the SDK handing it over to `res.write` of its frame.
  const inRelay = new InRelayLatency();
  const loop = monitorEventLoopDelay({ resolution: 2 });
  loop.enable();
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/__stats')) {
      if (req.url.includes('gc')) for (let i = 0; i < 3; i++) globalThis.gc?.();
      const delay = { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 };
      const latencies = inRelay.take();
      if (req.url.includes('reset')) loop.reset();
      res.end(
        JSON.stringify({
          cpu: process.cpuUsage(),
          heapUsed: process.memoryUsage().heapUsed,
          delay,
          latencies,
        }),
      );
      return;
    }
    const stall = req.headers['x-bench-stall'];
    const headers: Record<string, string> = typeof stall === 'string' ? { 'x-bench-stall': stall } : {};
    if (variant === 'raw byte proxy') return rawProxy(req, res, target, agent);
    req.resume();
    inRelay.watch(res);
    if (variant === 'hand-written (SDK for await + res.write)') {
      void handWritten(client, params, headers, res, inRelay);
      return;
    }
    const events$ = streamResponse(client, params, { headers }).pipe(tap((event) => inRelay.arrived(event)));
    void pipeServerSentEvents(
      events$,
      res,
      variant === 'rxjs-openai + cursor' ? { cursor: { secret: SECRET } } : {},
    );
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  console.log(JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
  stopWithStdin(() => server.close());
}

/** The relay written by hand with the SDK: what a developer writes without this library. */
async function handWritten(
  client: OpenAI,
  params: Parameters<OpenAI['responses']['create']>[0],
  headers: Record<string, string>,
  res: ServerResponse,
  inRelay: InRelayLatency,
): Promise<void> {
  const controller = new AbortController();
  res.on('close', () => controller.abort());
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
  });
  res.flushHeaders();
  try {
    const stream = await client.responses.create(
      { ...params, stream: true },
      { headers, signal: controller.signal },
    );
    for await (const event of stream) {
      inRelay.arrived(event);
      if (!res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`)) {
        await new Promise<void>((resolve) => {
          res.once('drain', resolve);
          res.once('close', resolve);
        });
      }
    }
    res.end();
  } catch {
    res.destroy();
  }
}

/**
 * Measures, per event, the time from its arrival in the relay (the SDK handing it over) to the `res.write` of its
 * frame: what the relay's own code adds. Events are matched by their upstream stamp; the pending ones are bounded.
 */
class InRelayLatency {
  private readonly pending = new Map<number, number>();
  private latencies: number[] = [];

  arrived(event: unknown): void {
    const sent = (event as { bench_sent_at?: unknown }).bench_sent_at;
    if (typeof sent !== 'number' || this.pending.size >= 100_000) return;
    this.pending.set(sent, performance.now());
  }

  /** Wraps `res.write`: the stamp is near the start of each event's frame. */
  watch(res: ServerResponse): void {
    const write = res.write.bind(res) as (chunk: string | Uint8Array) => boolean;
    (res as unknown as { write: typeof write }).write = (chunk) => {
      const head =
        typeof chunk === 'string'
          ? chunk.slice(0, 400)
          : Buffer.from(chunk.buffer, chunk.byteOffset, Math.min(400, chunk.byteLength)).toString('latin1');
      const stamp = /"bench_sent_at":([0-9.]+)/.exec(head);
      const at = stamp ? this.pending.get(Number(stamp[1])) : undefined;
      if (at !== undefined) {
        this.pending.delete(Number(stamp![1]));
        this.latencies.push(performance.now() - at);
      }
      return write(chunk);
    };
  }

  /** The latencies measured since the last call. */
  take(): number[] {
    const taken = this.latencies;
    this.latencies = [];
    return taken;
  }
}

/** The floor: the upstream's bytes piped through, nothing decoded. */
function rawProxy(req: IncomingMessage, res: ServerResponse, target: URL, agent: Agent): void {
  const upstream = httpRequest(
    {
      hostname: target.hostname,
      port: target.port,
      path: '/v1/responses',
      method: 'POST',
      headers: req.headers,
      agent,
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      res.flushHeaders();
      answer.pipe(res);
    },
  );
  upstream.on('error', () => res.destroy());
  res.on('close', () => upstream.destroy());
  req.pipe(upstream);
}

function stopWithStdin(stop: () => void): void {
  process.stdin.resume();
  const end = () => {
    stop();
    process.exit(0);
  };
  process.stdin.on('end', end);
  process.stdin.on('close', end);
}

// ---------------------------------------------------------------------------------------------------------
// The orchestrator: the client side (this process), the upstream and one relay process per variant.

async function child<T>(args: string[]): Promise<{ process: ChildProcess; info: T }> {
  const proc = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', self, ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: proc.stdout! }).once('line', resolve);
    proc.once('exit', (code) => reject(new Error(`${args.join(' ')} exited (${code})`)));
  });
  return { process: proc, info: JSON.parse(line) as T };
}

const clientAgent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });

function getJson<T>(url: string): Promise<T> {
  return new Promise((resolve, reject) => {
    // A connection of its own: a kept-alive one may have been closed by the relay meanwhile.
    httpRequest(url, { agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve(JSON.parse(text) as T));
    })
      .on('error', reject)
      .end();
  });
}

interface StreamRead {
  latencies: number[];
  /** The latencies of the frames under 16 KiB (all but the images' previews and bytes). */
  smallLatencies: number[];
  frames: number;
  completed: boolean;
}

/**
 * Opens one stream through the relay and reads it as a page would: frame by frame, each event's latency from
 * its stamp to the moment its frame is whole. `until` frames: resolves then, leaving it open (`close` ends it).
 */
function openStream(url: string, options: { stall?: number; until?: number } = {}) {
  let close = () => {};
  const done = new Promise<StreamRead>((resolve, reject) => {
    const read: StreamRead = { latencies: [], smallLatencies: [], frames: 0, completed: false };
    const request = httpRequest(
      `${url}/api/images`,
      {
        method: 'POST',
        agent: clientAgent,
        headers: {
          'content-type': 'application/json',
          ...(options.stall !== undefined ? { 'x-bench-stall': String(options.stall) } : {}),
        },
      },
      (res) => {
        res.setEncoding('latin1');
        let head = '';
        let size = 0;
        let newline = false;
        const complete = () => {
          const at = performance.timeOrigin + performance.now();
          const stamp = /"bench_sent_at":([0-9.]+)/.exec(head);
          if (stamp) {
            read.frames++;
            read.latencies.push(at - Number(stamp[1]));
            if (size < 16 * 1024) read.smallLatencies.push(at - Number(stamp[1]));
            if (head.includes('event: response.completed')) read.completed = true;
            if (read.frames === options.until) resolve(read);
          }
          head = '';
          size = 0;
        };
        res.on('data', (text: string) => {
          let from = 0;
          if (newline && text.startsWith('\n')) {
            complete();
            from = 1;
          }
          for (;;) {
            const end = text.indexOf('\n\n', from);
            const part = end === -1 ? text.slice(from) : text.slice(from, end);
            size += part.length;
            if (head.length < 400) head += part.slice(0, 400 - head.length);
            if (end === -1) break;
            complete();
            from = end + 2;
          }
          newline = text.endsWith('\n');
        });
        res.on('end', () => resolve(read));
        res.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end('{"prompt":"bench"}');
    close = () => request.destroy();
  });
  return { done, close: () => close() };
}

/** A progress line on stderr (stdout carries the result). */
function progress(message: string): void {
  process.stderr.write(`[relay bench] ${message}\n`);
}

function inRelayPercentiles(values: readonly number[]): {
  inRelayP50: number | null;
  inRelayP99: number | null;
} {
  if (values.length === 0) return { inRelayP50: null, inRelayP99: null };
  const sorted = [...values].sort((a, b) => a - b);
  return { inRelayP50: percentile(sorted, 50), inRelayP99: percentile(sorted, 99) };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface Cpu {
  cpu: NodeJS.CpuUsage;
  heapUsed: number;
  delay: { p99: number; max: number };
  /** In-relay latencies (ms) since the last report. */
  latencies: number[];
}

async function runRelayBench(): Promise<RelayBenchResult> {
  const upstream = await child<{ url: string; events: number; bytes: number }>(['--upstream']);
  const relays = new Map<VariantName, { process: ChildProcess; url: string }>();
  for (const variant of VARIANTS) {
    const started = await child<{ url: string }>([
      `--relay=${variant}`,
      `--upstream-url=${upstream.info.url}`,
    ]);
    relays.set(variant, { process: started.process, url: started.info.url });
  }
  const mb = (upstream.info.bytes * RELAY_STREAMS) / 1024 / 1024;
  const cpuPerMB = new Map<VariantName, number[]>(VARIANTS.map((v) => [v, []]));
  const latencies = new Map<VariantName, number[]>(VARIANTS.map((v) => [v, []]));
  const smallLatencies = new Map<VariantName, number[]>(VARIANTS.map((v) => [v, []]));
  const loopDelays = new Map<VariantName, number[]>(VARIANTS.map((v) => [v, []]));
  const inRelay = new Map<VariantName, number[]>(VARIANTS.map((v) => [v, []]));
  try {
    // One warm-up round, then ROUNDS timed rounds, the variants in a rotating order.
    for (let round = 0; round <= ROUNDS; round++) {
      for (let k = 0; k < VARIANTS.length; k++) {
        const variant = VARIANTS[(round + k) % VARIANTS.length]!;
        const { url } = relays.get(variant)!;
        progress(`round ${round}: ${variant}`);
        await getJson(`${url}/__stats?gc`);
        const before = await getJson<Cpu>(`${url}/__stats?reset`);
        // The streams start spread over STAGGER_MS (the same spread every batch), as a page's users do, so that
        // their images do not all arrive in the same instant.
        const reads = await Promise.all(
          Array.from(
            { length: RELAY_STREAMS },
            (_, i) =>
              new Promise<StreamRead>((resolve, reject) =>
                setTimeout(
                  () => openStream(url).done.then(resolve, reject),
                  (i * STAGGER_MS) / RELAY_STREAMS,
                ),
              ),
          ),
        );
        const after = await getJson<Cpu>(`${url}/__stats`);
        if (round > 0) {
          loopDelays.get(variant)!.push(after.delay.p99);
          inRelay.get(variant)!.push(...after.latencies);
        }
        const broken = reads.filter((r) => !r.completed || r.frames !== upstream.info.events).length;
        if (broken > 0) throw new Error(`${variant}: ${broken} stream(s) incomplete`);
        if (round === 0) continue;
        const cpuMs = (after.cpu.user - before.cpu.user + after.cpu.system - before.cpu.system) / 1000;
        cpuPerMB.get(variant)!.push(cpuMs / mb);
        for (const read of reads) {
          latencies.get(variant)!.push(...read.latencies);
          smallLatencies.get(variant)!.push(...read.smallLatencies);
        }
      }
    }
    // Heap per idle stream: 200 streams open, each after its first 3 events, the upstream silent.
    const heap = new Map<VariantName, number>();
    for (const variant of VARIANTS) {
      const { url } = relays.get(variant)!;
      progress(`idle heap: ${variant}`);
      const baseline = (await getJson<Cpu>(`${url}/__stats?gc`)).heapUsed;
      const open = Array.from({ length: RELAY_STREAMS }, () => openStream(url, { stall: 3, until: 3 }));
      await Promise.all(open.map((stream) => stream.done));
      const held = (await getJson<Cpu>(`${url}/__stats?gc`)).heapUsed;
      for (const stream of open) stream.close();
      heap.set(variant, (held - baseline) / RELAY_STREAMS);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }

    const base = (variant: VariantName) => cpuPerMB.get(variant)!;
    const rows = VARIANTS.map((variant): RelayBenchRow => {
      const sorted = [...latencies.get(variant)!].sort((a, b) => a - b);
      const small = [...smallLatencies.get(variant)!].sort((a, b) => a - b);
      const values = base(variant);
      return {
        variant,
        cpuMsPerMB: median(values),
        cpuVsHandWritten: median(
          values.map((v, i) => v / base('hand-written (SDK for await + res.write)')[i]!),
        ),
        cpuVsRaw: median(values.map((v, i) => v / base('raw byte proxy')[i]!)),
        latencyP50: percentile(sorted, 50),
        latencyP99: percentile(sorted, 99),
        smallLatencyP50: percentile(small, 50),
        smallLatencyP99: percentile(small, 99),
        loopDelayP99: median(loopDelays.get(variant)!),
        ...inRelayPercentiles(inRelay.get(variant)!),
        heapPerIdleStream: heap.get(variant)!,
      };
    });
    progress('resume cost');
    const resume = await runResumeCost();
    return {
      rows,
      streams: RELAY_STREAMS,
      eventsPerStream: upstream.info.events,
      bytesPerStream: upstream.info.bytes,
      resume,
      markdown: markdownOf(rows, upstream.info, resume),
    };
  } finally {
    for (const { process: proc } of relays.values()) proc.stdin?.end();
    upstream.process.stdin?.end();
  }
}

/**
 * The bytes a resumed cut sends again: a stream through the README's relay (the real client, the local server,
 * `cursor`), read by `fromServerSentEvents` with `resume`, its first connection cut after a random number of
 * bytes (the page's side: a phone changing networks). Sent again: on the browser hop, what the page received in
 * all minus one whole stream; on the API hop, the events the first upstream request delivered after the cursor.
 */
async function runResumeCost(cuts = 24): Promise<RelayBenchResult['resume']> {
  // Paced as the upstream above is, so that the relay reads the API only a little ahead of the page, as with a real
  // generation.
  const mock = await startMockResponsesServer({ scenario: { ...SCENARIO, delayMs: 20 } });
  const client = new OpenAI({ baseURL: mock.url, apiKey: 'bench', maxRetries: 0, logLevel: 'off' });
  const relay = await startRelay({ client, cursor: { secret: SECRET } });
  try {
    const through = (cutAfter: number | null) => {
      const received: number[] = [];
      const input = async (signal: AbortSignal, cursor: string | null) => {
        const answer = await fetch(`${relay.url}/api/images`, {
          method: 'POST',
          headers: cursor ? { 'last-event-id': cursor } : {},
          body: '{"prompt":"bench"}',
          signal,
        });
        const index = received.push(0) - 1;
        const limit = index === 0 && cutAfter !== null ? cutAfter : Number.POSITIVE_INFINITY;
        // Counts what reaches the page; the first connection dies after `limit` bytes.
        const counted = answer.body!.pipeThrough(
          new TransformStream<Uint8Array, Uint8Array>({
            transform(chunk, controller) {
              const room = limit - received[index]!;
              if (room <= 0) return;
              const part = chunk.subarray(0, room);
              received[index]! += part.byteLength;
              controller.enqueue(part);
              if (part.byteLength < chunk.byteLength || received[index] === limit) {
                controller.error(new TypeError('network error (the benchmark cut the connection)'));
              }
            },
          }),
        );
        return new Response(counted, { headers: answer.headers });
      };
      return { received, events$: fromServerSentEvents(input, { resume: { backoff: 0 } }) };
    };
    const clean = through(null);
    const cleanEvents: ResponseStreamEvent[] = await lastValueFrom(clean.events$.pipe(toArray()));
    const streamBytes = clean.received[0]!;
    const frameBytes = (event: ResponseStreamEvent) =>
      Buffer.byteLength(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
    const framesMax = Math.max(...cleanEvents.map(frameBytes));
    const browser: number[] = [];
    const api: number[] = [];
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < cuts; i++) {
      const at = 1 + Math.floor(random() * (streamBytes - 2));
      const before = mock.requests.length;
      const cut = through(at);
      const events = await lastValueFrom(cut.events$.pipe(toArray()));
      if (events.length !== cleanEvents.length)
        throw new Error(`resume: ${events.length} events, not ${cleanEvents.length}`);
      browser.push(cut.received.reduce((a, b) => a + b, 0) - streamBytes);
      const [first, replay] = mock.requests.slice(before);
      const stored = mock.responses.get(first!.responseId!)!;
      const from = Number(new URL(replay!.url, 'http://x').searchParams.get('starting_after'));
      api.push(
        stored.events
          .filter((event) => event.sequence_number > from && event.sequence_number < first!.eventsSent)
          .reduce((sum, event) => sum + frameBytes(event), 0),
      );
    }
    return {
      cuts,
      browserResentMean: browser.reduce((a, b) => a + b, 0) / cuts,
      browserResentMax: Math.max(...browser),
      apiResentMean: api.reduce((a, b) => a + b, 0) / cuts,
      streamBytes,
      framesMax,
    };
  } finally {
    await relay.close();
    await mock.close();
  }
}

function markdownOf(
  rows: readonly RelayBenchRow[],
  upstream: { events: number; bytes: number },
  resume: RelayBenchResult['resume'],
): string {
  const ours = rows.find((r) => r.variant === 'rxjs-openai')!;
  const cursor = rows.find((r) => r.variant === 'rxjs-openai + cursor')!;
  const raw = rows.find((r) => r.variant === 'raw byte proxy')!;
  const hand = rows.find((r) => r.variant === 'hand-written (SDK for await + res.write)')!;
  const ms = (value: number | null) => (value === null ? '-' : `${fmt(value, 2)} ms`);
  const verdict = (ok: boolean) => (ok ? '**met**' : '**not met**');
  const body = table(
    [
      'relay',
      'CPU per MB',
      'vs hand-written',
      'vs raw proxy',
      'in the relay p50 / p99',
      'end to end p50 / p99',
      'small events, end to end',
      'event-loop delay p99',
      'heap per idle stream',
    ],
    rows.map((row) => [
      row.variant,
      `${fmt(row.cpuMsPerMB, 2)} ms`,
      fmtRatio(row.cpuVsHandWritten),
      fmtRatio(row.cpuVsRaw),
      row.inRelayP50 === null ? '-' : `${ms(row.inRelayP50)} / ${ms(row.inRelayP99)}`,
      `${ms(row.latencyP50)} / ${ms(row.latencyP99)}`,
      `${ms(row.smallLatencyP50)} / ${ms(row.smallLatencyP99)}`,
      `${fmt(row.loopDelayP99, 1)} ms`,
      fmtBytes(Math.round(row.heapPerIdleStream)),
    ]),
  );
  return `${RELAY_STREAMS} concurrent streams per batch, each ${upstream.events} events (20 text deltas, one 512x512 image with 2 previews),
${fmtBytes(upstream.bytes)} per stream, one event every ${EVENT_DELAY_MS} ms, the streams starting spread over ${fmt(STAGGER_MS / 1000, 0)} s; ${ROUNDS} rounds after a
warm-up, the variants alternating; the upstream, the relay and the client in three processes.

- **CPU**: the relay process's (user + system) per MB the upstream sent, the median of the rounds; ratios are medians of
  the round-by-round ratios.
- **In the relay**: what the relay's own code adds to an event, measured in its process: from the SDK handing the event
  over (\`for await\`; for ours, \`streamResponse\` emitting it) to the \`res.write\` of its frame, every event of every round.
- **End to end**: from the upstream writing an event to the client holding its whole frame (small events: frames under
  16 KiB, every event but the images' previews and bytes). It includes the SDK's reading and parsing, and the machine's
  load: its tail follows the event-loop delay of the relay (and of the other processes), not the relay's code.
- **Heap**: the relay's heap after a full GC with ${RELAY_STREAMS} streams open and idle (3 events in), minus before, per stream.

${body}

- CPU within 1.1x of the hand-written relay: ${verdict(ours.cpuVsHandWritten <= 1.1)} (${fmtRatio(ours.cpuVsHandWritten)}; with \`cursor\`, ${fmtRatio(cursor.cpuVsHandWritten)}).
- Heap per idle stream under 64 KiB: ${verdict(ours.heapPerIdleStream < 64 * 1024)} (${fmtBytes(Math.round(ours.heapPerIdleStream))}; with \`cursor\`, ${fmtBytes(Math.round(cursor.heapPerIdleStream))}).
- p99 added latency under 5 ms, in the relay: ${verdict((ours.inRelayP99 ?? 0) < 5 && (cursor.inRelayP99 ?? 0) < 5)} (${ms(ours.inRelayP99)}; with \`cursor\`, ${ms(cursor.inRelayP99)};
  the hand-written relay ${ms(hand.inRelayP99)}). End to end, the p99 over the raw proxy's is ${ms(ours.latencyP99 - raw.latencyP99)} (with
  \`cursor\`, ${ms(cursor.latencyP99 - raw.latencyP99)}; hand-written ${ms(hand.latencyP99 - raw.latencyP99)}), the median ${ms(ours.latencyP50 - raw.latencyP50)} (hand-written
  ${ms(hand.latencyP50 - raw.latencyP50)}): a relay that decodes holds each frame until it is whole and parses it, and on this shared machine
  the tail moves from run to run with its load.

**Resume cost** (${resume.cuts} cuts of the page's connection at random byte offsets of a ${fmtBytes(resume.streamBytes)} stream, resumed by
\`fromServerSentEvents\` through the relay from the last cursor; the largest frame is ${fmtBytes(resume.framesMax)}): sent again on the browser hop,
${fmtBytes(Math.round(resume.browserResentMean))} per cut on average (at most ${fmtBytes(resume.browserResentMax)}: the frame the cut tore, never a whole
stream); on the API hop, ${fmtBytes(Math.round(resume.apiResentMean))} per cut on average (the events the relay had read after the page's cursor when
the page's connection closed).`;
}

// ---------------------------------------------------------------------------------------------------------

const argument = (name: string) =>
  process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);

if (process.argv.includes('--upstream')) {
  await runUpstream();
} else if (argument('relay')) {
  await runRelayProcess(argument('relay') as VariantName, argument('upstream-url')!);
} else {
  const result = await runRelayBench();
  if (process.argv.includes('--json')) console.log(JSON.stringify(result));
  else console.log(result.markdown);
  process.exit(0);
}
