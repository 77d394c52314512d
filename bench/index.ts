// `npm run bench`: runs every benchmark side by side with its baselines and writes BENCHMARKS.md.
// Options: `--only=size,operators,e2e,images,items,memory,relay,instructions,reliability` to run some; `--out=<file>` (default BENCHMARKS.md).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { E2E_SCENARIO, type E2EBenchResult } from './e2e';
import type { ImagesApiBenchResult } from './imagesApi';
import { type InstructionBenchResult, OPERATOR_EVENTS, runInstructionBench } from './instructions';
import type { ItemsBenchResult } from './items';
import { MEMORY_IMAGES, type MemoryBenchResult, runMemoryBench } from './memory';
import type { OperatorBenchResult, OperatorRow } from './operators';
import type { PipelineCostResult } from './pipelineCost';
import type { RelayBenchResult } from './relay';
import { runSizeBench, type SizeBenchResult } from './size';
import { fmt, fmtRatio, table } from './stats';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = new Map(
  process.argv.slice(2).map((arg) => {
    const [key, value] = arg.replace(/^--/, '').split('=');
    return [key!, value ?? 'true'] as const;
  }),
);
const only = new Set(
  (args.get('only') ?? 'size,operators,e2e,images,items,memory,relay,instructions,reliability').split(','),
);
const out = join(root, args.get('out') ?? 'BENCHMARKS.md');

function versionOf(name: string): string {
  const file = name === 'rxjs-openai' ? 'package.json' : `node_modules/${name}/package.json`;
  return (JSON.parse(readFileSync(join(root, file), 'utf8')) as { version: string }).version;
}

interface ReliabilityLine {
  suite: string;
  seed: number;
  cases: number;
  faults: Record<string, number>;
  outcomes: Record<string, number>;
}

/** Runs the reliability suite (as `npm test` does) and collects the counts its tests report. */
async function runReliability(): Promise<{ lines: ReliabilityLine[]; ms: number; passed: boolean }> {
  const dir = mkdtempSync(join(tmpdir(), 'rxjs-openai-bench-'));
  const file = join(dir, 'reliability.jsonl');
  const start = performance.now();
  let passed = true;
  try {
    await promisify(execFile)(join(root, 'node_modules/.bin/vitest'), ['run', 'test/reliability'], {
      cwd: root,
      env: { ...process.env, RELIABILITY_REPORT: file },
      maxBuffer: 64 * 1024 * 1024,
    }).catch((error: { stderr?: string }) => {
      passed = false;
      console.error(error.stderr ?? error);
    });
    const lines = readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as ReliabilityLine);
    return { lines, ms: performance.now() - start, passed };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs `bench/<name>.ts --json` in a fresh process (with `--expose-gc`), so that no benchmark runs on a JIT
 * and a heap another one left behind; returns the JSON it prints last.
 */
async function inChild<T>(name: string, extraArgs: readonly string[] = []): Promise<T> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', join(root, `bench/${name}.ts`), '--json', ...extraArgs],
    { cwd: root, maxBuffer: 64 * 1024 * 1024 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as T;
}

function log(message: string): void {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

const started = new Date();
const loadBefore = loadavg();
const t0 = performance.now();
let size: SizeBenchResult | undefined;
let operators: OperatorBenchResult | undefined;
let e2e: E2EBenchResult | undefined;
let e2eMemory: E2EBenchResult | undefined;
let pipelineCost: PipelineCostResult | undefined;
let imagesApi: ImagesApiBenchResult | undefined;
let items: ItemsBenchResult | undefined;
let instructions: InstructionBenchResult | undefined;
let memory: MemoryBenchResult | undefined;
let relay: RelayBenchResult | undefined;
let reliability: { lines: ReliabilityLine[]; ms: number; passed: boolean } | undefined;

if (only.has('size')) {
  log('size: bundling with esbuild');
  size = await runSizeBench();
  console.log(size.markdown);
  if (!size.treeShaken) process.exitCode = 1;
}
if (only.has('operators')) {
  log('operators: 1,000,000 events per run, alternating variants');
  operators = await inChild<OperatorBenchResult>('operators');
  console.log(operators.markdown);
}
if (only.has('e2e')) {
  log('e2e: real client over loopback, server in its own process');
  e2e = await inChild<E2EBenchResult>('e2e');
  console.log(e2e.markdown);
  log('e2e: the same client code, the response from memory');
  e2eMemory = await inChild<E2EBenchResult>('e2e', ['--memory']);
  console.log(e2eMemory.markdown);
  log("e2e: the pipeline's own cost per event, from parsed events");
  pipelineCost = await inChild<PipelineCostResult>('pipelineCost');
  console.log(pipelineCost.markdown);
}
if (only.has('images')) {
  log('images: the Images API, real client over loopback, server in its own process');
  imagesApi = await inChild<ImagesApiBenchResult>('imagesApi');
  console.log(imagesApi.markdown);
}
if (only.has('items')) {
  log('items: functionCalls() and itemStates() against hand-written loops, and itemStates() memory');
  items = await inChild<ItemsBenchResult>('items');
  console.log(items.markdown);
}
if (only.has('memory')) {
  log(`memory: ${MEMORY_IMAGES} images of 2 MB, each variant in its own process`);
  memory = await runMemoryBench({ rounds: 1 });
  console.log(memory.markdown);
}
if (only.has('relay')) {
  log(
    'relay: 200 concurrent image streams through one relay process, against a hand-written relay and a raw proxy',
  );
  relay = await inChild<RelayBenchResult>('relay');
  console.log(relay.markdown);
}
if (only.has('instructions')) {
  log('instructions: valgrind callgrind, about 5 minutes');
  instructions = await runInstructionBench();
  console.log(instructions.markdown);
}
if (only.has('reliability')) {
  log('reliability: vitest run test/reliability');
  reliability = await runReliability();
  if (!reliability.passed) process.exitCode = 1;
}
const totalSeconds = (performance.now() - t0) / 1000;
const loadAfter = loadavg();

// ---------------------------------------------------------------------------------------------------------
const cpu = cpus();
const sections: string[] = [];
sections.push(`# Benchmarks

Generated by \`npm run bench\` (\`bench/index.ts\`) on ${started.toISOString().replace('T', ' ').slice(0, 16)} UTC; do not edit by hand.
Each benchmark runs in a fresh process of its own; within it, every comparison runs its variants side by side,
alternating their order round by round, and reports medians. Ratios are *variant / baseline*, the median of the round-by-round ratios (the variants of a
round run back to back, under the same load): below 1 is faster, above 1 slower.

| machine | |
| --- | --- |
| CPU | ${cpu[0]?.model ?? 'unknown'}, ${cpu.length} cores |
| memory | ${fmt(totalmem() / 1024 ** 3, 1)} GiB |
| OS | ${platform()} ${release()} |
| Node.js | ${process.version} |
| packages | rxjs-openai ${versionOf('rxjs-openai')}, openai ${versionOf('openai')}, rxjs ${versionOf('rxjs')}, esbuild ${versionOf('esbuild')}, fast-check ${versionOf('fast-check')} |
| load average (1 min) | ${fmt(loadBefore[0]!, 2)} at the start, ${fmt(loadAfter[0]!, 2)} at the end (the machine is shared: expect noise) |
| duration | ${fmt(totalSeconds, 0)} s |`);

/** The counted row of `comparison` (by prefix) that is not a baseline nor the naive variant, if counted. */
function instructionRow(comparison: string) {
  return instructions?.rows.find(
    (r) =>
      r.comparison.startsWith(comparison) &&
      r.ratio !== null &&
      !r.variant.startsWith('naive') &&
      !r.variant.startsWith('hand-written'),
  );
}

/** `; 1.25x in instructions` for the counted row of `comparison`, if any. */
function instructionRatio(comparison: string): string {
  const row = instructionRow(comparison);
  return row ? `; ${fmtRatio(row.ratio!)} in instructions` : '';
}

/** `, 73 instructions` per event more than the baseline, for the counted row of `comparison`, if any. */
function instructionExtra(comparison: string): string {
  const row = instructionRow(comparison);
  return row ? `, ${fmt(row.extraPerEvent!, 0)} instructions` : '';
}

/** What the instruction counts say, from the rows counted. */
function instructionNotes(): string {
  const e2eRow = instructions?.rows.find((r) => r.comparison.startsWith('end to end') && r.ratio !== null);
  if (!e2eRow || !pipelineCost) return '';
  return `The end-to-end count (${fmtRatio(e2eRow.ratio!)}, ${fmt(e2eRow.extraPerEvent!, 0)} instructions per event more than the loop, round ratios
${e2eRow.ratioRange![0].toFixed(3)}–${e2eRow.ratioRange![1].toFixed(3)}) is far above what the pipeline's own work per event measures when timed (section 1:
${fmt(pipelineCost.rows[2]!.extraNsPerEvent!, 0)} ns per event, a few hundred instructions), and it varies from round to round where the synchronous
operator counts do not. It counts, besides the pipeline's work, the JIT compilations and collections that the
process does on its one thread, which callgrind cannot attribute to JIT-compiled functions by name; we read it
as an upper bound on this small-image response (the harshest case: the less decoding per event, the more the
pipeline weighs), not as the cost at realistic sizes.`;
}

/** A step's share of the time, in words: `ratio` over `before` (both vs the loop), within 1% is nothing measurable. */
function stepCost(ratio: number, before: number): string {
  const step = ratio - before;
  if (Math.abs(step) < 0.01) return 'nothing measurable';
  return step > 0 ? `about ${fmt(step * 100, 1)}%` : `${fmt(-step * 100, 1)}% less (within this run's noise)`;
}

/** Where the end-to-end pipeline's time goes, from the decomposition rows of the in-memory run. */
function decompositionNotes(): string {
  const row = (prefix: string) => e2eMemory?.rows.find((r) => r.variant.startsWith(prefix));
  const source = row('decomposition: streamResponse, ');
  const shared = row('decomposition: streamResponse + share()');
  const full = e2eMemory?.rows[1];
  if (!source || !shared || !full || !pipelineCost) return '';
  return `**Where the difference goes** (the decomposition rows, from memory): the loop's own work run in \`subscribe\`
behind our source alone is ${fmtRatio(source.wallRatio)} the loop's wall time; behind our source and \`share()\`, ${fmtRatio(shared.wallRatio)}; the
whole pipeline, ${fmtRatio(full.wallRatio)}. So our source adds ${stepCost(source.wallRatio, 1)} to the loop's time, RxJS's \`share()\` (which the
pipeline needs to feed one request to two operators) ${stepCost(shared.wallRatio, source.wallRatio)}, and the two operators with \`merge\` ${stepCost(full.wallRatio, shared.wallRatio)}.
The intervals of the rows above tell how much of this is the machine's noise.
Timed in a tight loop (below), the same hand-offs cost nanoseconds; between the SDK's reads of a real stream
they cost more. Why, we have not established: the likely reason is that V8's caches (of property lookups
and of the CPU), shared with the SDK's decoding in between, are cold at every hand-off. A user who needs only
final images, or only previews, needs no \`share()\`; one who needs both can use \`partialAndFinalImages()\`, one
operator for both (its rows above).
`;
}

/** A ratio against the 5% target, with its interval: met only where the whole interval is. */
function verdictLine(what: string, value: number, interval: readonly [number, number] | null): string {
  if (!interval) return `- ${what}: ${value.toFixed(3)}x (too few rounds for an interval)`;
  const [low, high] = interval;
  const verdict =
    high <= 1.05
      ? 'met'
      : low > 1.05
        ? 'not met'
        : value <= 1.05
          ? 'met at the median; the interval reaches above 1.05'
          : 'not met at the median';
  return `- ${what}: ${value.toFixed(3)}x (${low.toFixed(3)}–${high.toFixed(3)}): **${verdict}**`;
}

if (e2e) {
  const ours = e2e.rows[1]!;
  const helper = e2e.rows[2]!;
  const onePass = e2e.rows[3]!;
  sections.push(`## 1. End to end: the real \`openai\` client over loopback

The local server (\`startMockResponsesServer\`, in its own process so that this process does only the client's
work) streams the same response to every variant: ${E2E_SCENARIO.images} images x ${E2E_SCENARIO.partials} partial
previews, realistic size (1024x1024 PNGs, ~1.5 MB of base64 each), interleaved, after ${E2E_SCENARIO.textDeltas?.toLocaleString('en-US')} text deltas:
${e2e.eventsPerResponse.toLocaleString('en-US')} events, ${fmt(e2e.bytesPerResponse / 1024 / 1024, 1)} MB per response. Every run checks that it received exactly the
served images (byte-identical) and every preview.

- **hand-written loop**: \`for await\` over the SDK's \`Stream\` from \`client.responses.create({ stream: true })\`,
  pairing completion events with \`output_item.done\` bytes by item id (the same rules as \`withFinalImage\`: an
  image announced by any of its events whose bytes never come is an error) and dropping late previews.
- **rxjs-openai**: \`streamResponse(client, params).pipe(share())\`, then \`withFinalImage()\` and
  \`partialImages()\` on the shared stream.
- **SDK helper**: \`client.responses.stream(params)\` with a \`partial_image\` listener, images from \`finalResponse()\`.
- **rxjs-openai, one pass**: \`streamResponse(client, params).pipe(partialAndFinalImages())\`: previews and final
  images from one operator, for the user who wants both without \`share()\`.

**Over loopback** (the server in its own process):

${e2e.markdown}

**From memory** (the same client, its \`fetch\` answering with the same recorded bytes in 64 KiB chunks: the SDK's
decoding and everything above it, without the socket and the server's process competing for the CPU):

${e2eMemory!.markdown}

A full GC runs before each timed run, so that no variant pays for the garbage of the one before it. Wall time
is what a user waits; client CPU is the time this process spent. Ratios are medians of the round-by-round
ratios, with their 95% confidence interval in brackets (order statistics of the round ratios: it assumes only
that rounds are independent). **Target: rxjs-openai within 5% of the hand-written loop:**
${verdictLine('over loopback, wall time', ours.wallRatio, ours.wallRatioInterval)}
${verdictLine('over loopback, CPU', ours.cpuRatio, ours.cpuRatioInterval)}
${verdictLine('from memory, wall time', e2eMemory!.rows[1]!.wallRatio, e2eMemory!.rows[1]!.wallRatioInterval)}
${verdictLine('from memory, CPU', e2eMemory!.rows[1]!.cpuRatio, e2eMemory!.rows[1]!.cpuRatioInterval)}

and with \`partialAndFinalImages()\` (one operator for both, no \`share()\`, the same images and previews):

${verdictLine('over loopback, wall time', onePass.wallRatio, onePass.wallRatioInterval)}
${verdictLine('over loopback, CPU', onePass.cpuRatio, onePass.cpuRatioInterval)}
${verdictLine('from memory, wall time', e2eMemory!.rows[3]!.wallRatio, e2eMemory!.rows[3]!.wallRatioInterval)}
${verdictLine('from memory, CPU', e2eMemory!.rows[3]!.cpuRatio, e2eMemory!.rows[3]!.cpuRatioInterval)}

**The pipeline's own cost** (the same ${fmt(pipelineCost!.eventsPerResponse, 0)} events, already parsed, from an async generator as the SDK's
\`Stream\` is: no socket, no decoding, only what each side adds per event):

${pipelineCost!.markdown}

Our pipeline adds ${fmt(pipelineCost!.rows[2]!.extraNsPerEvent!, 0)} ns per event to the loop's work, ${fmt((pipelineCost!.rows[2]!.extraNsPerEvent! * pipelineCost!.eventsPerResponse) / 1e6, 2)} ms per response:
**${fmt((100 * pipelineCost!.rows[2]!.extraNsPerEvent! * pipelineCost!.eventsPerResponse) / 1e6 / e2eMemory!.rows[0]!.wallMs, 2)}% of the hand-written loop's ${fmt(e2eMemory!.rows[0]!.wallMs, 0)} ms per response from memory**
(most of it is \`share()\` handing every event to two operator chains; \`fromResponseStream\` alone adds ${fmt(pipelineCost!.rows[1]!.extraNsPerEvent!, 0)} ns).
In a real stream the same hand-offs cost more than in this tight loop: see where the difference goes, next.
${decompositionNotes()}
The SDK helper takes ${fmtRatio(helper.wallRatio)} the hand-written loop's time: it accumulates and copies the whole
response (images included) to build \`finalResponse()\`.`);
}

if (imagesApi) {
  const ours = imagesApi.rows[1]!;
  sections.push(`## 1b. The Images API end to end: the real \`openai\` client over loopback

The local server, in its own process, streams an image generation of the Images API
(\`POST /v1/images/generations\`, \`stream: true\`): ${imagesApi.eventsPerStream} events (3 previews, then the final image, realistic size: 1024x1024,
${fmt(imagesApi.bytesPerStream / 1024 / 1024, 2)} MB per stream). Each timed run reads ${imagesApi.streamsPerRun} streams one after the other and checks it
received exactly the served image and every preview, each time.

- **hand-written loop**: \`for await\` over the SDK's \`Stream\` from \`client.images.generate({ stream: true })\`,
  each preview once (never an older one after a newer one, none after the final image), the final image from
  the completion event, a stream without it taken for a cut.
- **rxjs-openai**: \`streamImageGeneration(client, params).pipe(partialAndFinalImages())\`.

${imagesApi.markdown}

**Target: within 5% of the hand-written loop:**
${verdictLine('wall time', ours.wallRatio, ours.wallRatioInterval)}
${verdictLine('CPU', ours.cpuRatio, ours.cpuRatioInterval)}`);
}

if (operators) {
  const find = (rows: readonly OperatorRow[], operator: string, variant: string) =>
    rows.find((r) => r.operator.startsWith(operator) && r.variant.startsWith(variant))!;
  const alone = (op: string, v: string) => find(operators!.alone, op, v);
  const shared = (op: string, v: string) => find(operators!.shared, op, v);
  const wfiAlone = alone('withFinalImage', 'withFinalImage()');
  const wfiShared = shared('withFinalImage', 'withFinalImage()');
  const withoutCheck = alone('withFinalImage', 'hand-written loop without');
  const naive = shared('withFinalImage', 'naive');
  const handShared = shared('withFinalImage', 'hand-written');
  const rxFloor = shared('(reference)', 'from(array)');
  const loopFloor = shared('(reference)', 'for loop');
  sections.push(`## 2. Operator overhead in memory

${operators.eventsPerRun.toLocaleString('en-US')} synthetic events per run (${operators.responseShape}), from an array through
\`from(array).pipe(operator)\`, against a hand-written loop doing the same work on the same array, in two settings:
each operator alone in a fresh process (its call sites see only it), and all of them in one process after every
variant has run once (RxJS's call sites, and the ones this library shares, have seen every operator, as in an app
that uses several).

${operators.markdown}

**Target: \`withFinalImage\` within 1.5x of the hand-written loop: ${wfiAlone.ratio! <= 1.5 ? 'met' : 'not met'} alone (${fmtRatio(wfiAlone.ratio!)}${instructionRatio('withFinalImage, alone')}), ${wfiShared.ratio! <= 1.5 ? 'met' : 'not met'} with every
operator warm (${fmtRatio(wfiShared.ratio!)}${instructionRatio('withFinalImage, every')}); the naive composition (\`scan\` + \`filter\` + \`map\`) is ${fmtRatio(naive.ratio!)}.** Timed ratios of
nanoseconds move a lot from round to round here (the spread column); the instruction counts (section 5) do not.
In the second setting the difference over the loop (${fmt(wfiShared.nsPerEvent - handShared.nsPerEvent, 1)} ns/event${instructionExtra('withFinalImage, every')}) is what RxJS itself
costs to hand an event from \`from()\` to a subscriber once its call sites are megamorphic (the reference rows:
${fmt(rxFloor.nsPerEvent - loopFloor.nsPerEvent, 1)} ns/event over a plain loop${instructionExtra('(reference)')}): the operator adds nothing of its own to RxJS's delivery, and
its matching (\`FinalImageMatcher\`) costs what the loop's does. \`ofType\` costs what RxJS's own \`filter\` costs:
it is \`filter\` with a type guard. These are nanoseconds per event, against the tens of microseconds the SDK
spends reading and parsing each event of section 1's stream.

The hand-written loops follow the operators' rules (\`bench/handwritten.ts\`; \`test/bench/baselines.test.ts\`
checks that they agree with the operators on generated streams): an image announced by any of its events
(\`output_item.added\`, progress, a preview, its completion event) whose bytes never come is an error, and a
preview counts once. The row _without the announced-image check_ is the loop before those rules: the check costs a
hand-written loop ${fmtRatio(1 / withoutCheck.ratio!)} its time here, and \`withFinalImage()\` is ${fmtRatio(wfiAlone.nsPerEvent / withoutCheck.nsPerEvent)} that lighter loop.

What the numbers led to (profiled with \`--cpu-prof\`): \`withFinalImage\` went through the generic observer of
\`operate\`, whose per-event call to each operator's handler becomes megamorphic once several operators run, and
V8 stops inlining it (about 1.7x the loop then). It now has its own observer class (\`OperatorObserver\` in
\`src/internal/operate.ts\`), whose \`next\` calls the matcher directly; so does \`imageStates\`. Then, with
state per response, each part of an operator (the response boundary, the matcher, the preview gate) compared the
event's \`type\` with its own chain of strings: a text delta went through about twenty comparisons in
\`withFinalImage\` and forty in \`imageStates\` (2.23x the loop in instructions). The event's kind is now read
once per event (\`eventKind\` in \`src/internal/eventKind.ts\`, the frequent deltas first: one or two
comparisons), and the parts compare small integers; one map per matcher holds every image, pending or settled.
\`imageStates\` replaces a changed entry with \`slice\` and one store instead of \`map\` with a closure.`);
}

if (items) {
  const ratioOf = (operator: string) =>
    items!.rows.find((r) => r.operator === operator && r.ratio !== null)!.ratio!;
  const verdict = (operator: string) =>
    `${ratioOf(operator) <= 1.5 ? 'met' : 'not met'} (${fmtRatio(ratioOf(operator))})`;
  sections.push(`## 2b. The item operators: \`functionCalls()\` and \`itemStates()\`

From an array through \`from(array).pipe(operator)\`, one subscription per response, against hand-written loops
doing the same work on the same events (\`bench/items.ts\`), alternating, in one process. The function-call loop
follows \`functionCalls()\`'s rules: calls paired in either order, arguments JSON-parsed, a call only in
\`response.completed\`'s output taken from there, a failure event an error, and so is a call announced by any of
its events (a delta too) that never finished. \`functionCalls()\` reads each delta of a call it knows at its
output index with one string comparison (\`KeysByIndex\`), not a map lookup.

${items.markdown}

**Target: within 1.5x of the hand-written loop: \`functionCalls()\` ${verdict('functionCalls')}, \`itemStates()\` ${verdict('itemStates')}.**`);
}

if (memory) {
  const row = (name: string) => memory!.rows.find((r) => r.variant.startsWith(name))!;
  const wfi = row('withFinalImage');
  const states = row('imageStates() (3');
  const perResponse = row('imageStates(), one response');
  const sdk = row('SDK responses.stream');
  sections.push(`## 3. Memory: ${MEMORY_IMAGES} images of 2 MB, each dropped by the consumer

Heap used after a full GC (\`--expose-gc\`), each variant in its own process, the events read by the SDK's own
\`Stream\` from a stream generated as it is read (so every image's bytes are a fresh string, as off the wire).
\`imageStates\` gets 3 partial previews of 1 MB per image.

${memory.markdown}

- \`withFinalImage\` stays flat: ${fmt(wfi.perImageMB, 2)} MB per image, the same as the SDK's bare \`Stream\` loop: it keeps
  no bytes once an image is emitted.
- \`imageStates\` grows by ${fmt(states.perImageMB, 2)} MB per image: exactly one final image each, never the previews (3 MB
  per image): the list it emits holds every image's final bytes, which is its job (a UI shows them all).
  Previews are dropped as soon as the next one or the final image replaces them.
- \`imageStates\` over one response per image (what a UI does: one subscription per generation) grows by
  ${fmt(perResponse.perImageMB, 2)} MB per image: nothing of a finished response stays in the operator.
- The SDK helper grows by ${fmt(sdk.perImageMB, 2)} MB per image (two copies of each image) until \`finalResponse()\`.`);
}

if (relay) {
  sections.push(`## 3b. The relay: ${relay.streams} concurrent image streams through one relay process

The browser hop (\`bench/relay.ts\`): the same upstream (its own process, paced, each event stamped with the time it
was written) through four relays in their own processes: a raw byte proxy (the floor), the relay written by hand
with the SDK (\`for await\` and \`res.write\`), \`pipeServerSentEvents(streamResponse(...))\` with its defaults, and the
same with \`cursor\` (a signed SSE id per event). Every run checks that every stream got every event and its end.

${relay.markdown}`);
}

if (size) {
  sections.push(`## 4. Size

esbuild, minified, ESM, \`rxjs\` and \`openai\` external, from \`src/index.ts\` (what \`dist/index.js\` is built from),
gzip level 9.

${size.markdown}

**Tree-shaking: ${size.treeShaken ? 'verified' : 'FAILED'}.**`);
}

if (instructions) {
  sections.push(`## 5. Instructions executed (valgrind callgrind)

The comparisons of sections 1 and 2 again, counted in instructions rather than timed: a count barely moves with
the load of the machine. Each comparison runs in one process under \`valgrind --tool=callgrind\`, its variants
alternating round by round (2 warm-up rounds, 3 counted); \`bench/callgrind.ts\` cuts the process's count into one
segment per run (a dump at a marker call before and after each run). Node runs with \`--single-threaded\` and
\`--predictable-gc-schedule\`, so that the JIT and the GC do their work in the process's own thread, on a
schedule that does not depend on time. The counts include everything the run causes: JIT compilations and
garbage collections as well as the code itself. The operator comparisons use ${OPERATOR_EVENTS.toLocaleString('en-US')} events per run; the end-to-end
one reads the response from memory with small images (the same events as section 1, a smaller share of
decoding work, so the pipeline's part weighs more than at realistic sizes).

${instructions.markdown}

${instructionNotes()}`);
}

if (reliability) {
  const rows: string[][] = [];
  for (const line of reliability.lines) {
    const faults = Object.values(line.faults).reduce((a, b) => a + b, 0);
    rows.push([
      line.suite,
      line.cases.toLocaleString('en-US'),
      Object.entries(line.faults)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ') || '-',
      Object.entries(line.outcomes)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', '),
      faults.toLocaleString('en-US'),
    ]);
  }
  sections.push(`## Reliability suite (part of \`npm test\`)

\`test/reliability/*.test.ts\`, seed ${reliability.lines[0]?.seed ?? '?'} (fixed; \`RELIABILITY_SEED=<n>\` explores others),
${fmt(reliability.ms / 1000, 0)} s here, **${reliability.passed ? 'all passed' : 'SOME FAILED'}**. Every run must end with exactly the served images or a typed error: this library's
\`RxOpenAIError\` subclasses (a torn frame is a \`MalformedEventError\`, a cut stream a \`TruncatedStreamError\`), the
SDK's errors, RxJS's \`TimeoutError\`, or fetch's \`TypeError: terminated\`, which the SDK lets through unwrapped;
never wrong bytes, a duplicate, a silent drop or an uncaught exception.

${table(['suite', 'cases', 'faults injected (or kinds of cycle)', 'outcomes', 'faults total'], rows)}`);
}

writeFileSync(out, `${sections.join('\n\n')}\n`);
// The repository's formatter also formats Markdown (tables aligned): leave the file as it would.
await promisify(execFile)(join(root, 'node_modules/.bin/biome'), ['format', '--write', out], { cwd: root });
log(`wrote ${out} (${fmt(totalSeconds, 0)} s)`);
