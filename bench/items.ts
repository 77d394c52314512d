// Benchmark: the item operators (issue "the whole response, item by item"). `functionCalls()` and `itemStates()`
// per event against hand-written loops doing the same work, side by side in one process (paired ratios), and
// `itemStates()`'s heap over a long response with many items: it holds what its list shows, not more.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ResponseOutputItem } from 'openai/resources/responses/responses';
import { from, Subject } from 'rxjs';
import { functionCalls, itemStates } from '../src/index';
import {
  createEventFactory,
  functionCallScenario,
  reasoningImageScenario,
  webSearchScenario,
} from '../src/testing/index';
import type { ResponseStreamEvent } from '../src/types';
import { comparePerEvent, fmt, type PerEventRow, perEventTable, timedRun } from './stats';

export interface ItemsBenchResult {
  readonly markdown: string;
  readonly rows: readonly ({ operator: string } & PerEventRow)[];
  readonly memory: { readonly items: number; readonly textKiB: number; readonly heapMiB: readonly number[] };
}

/** A response of many kinds of items: reasoning, 12 function calls in parallel, a web search with a cited message. */
function mixedResponse(): ResponseStreamEvent[] {
  const parts = [
    reasoningImageScenario({ partials: 0 }).events,
    functionCallScenario({
      calls: Array.from({ length: 12 }, (_, i) => ({
        name: `tool_${i}`,
        arguments: JSON.stringify({ query: `question ${i} `.repeat(20), limit: i }),
      })),
      deltas: 40,
      interleave: true,
    }).events,
    webSearchScenario().events,
  ];
  const e = createEventFactory({ responseId: 'resp_bench' });
  const body: ResponseStreamEvent[] = [];
  const output: unknown[] = [];
  for (const [k, events] of parts.entries()) {
    const offset = output.length;
    const rename = <T>(value: T): T =>
      JSON.parse(JSON.stringify(value).replace(/"(id|item_id)":"([^"]+)"/g, `"$1":"p${k}_$2"`));
    for (const event of events) {
      if (event.type === 'response.completed') output.push(...event.response.output.map(rename));
      else if (event.type !== 'response.created' && event.type !== 'response.in_progress') {
        const renamed = rename(event);
        body.push(
          'output_index' in renamed
            ? ({ ...renamed, output_index: renamed.output_index + offset } as ResponseStreamEvent)
            : renamed,
        );
      }
    }
  }
  return [e.created(), e.inProgress(), ...body, e.completed({ output: output as never })].map(
    (event, i) => ({ ...event, sequence_number: i }) as ResponseStreamEvent,
  );
}

/**
 * Hand-written function-call pairing, the same rules as `functionCalls()`, written the plain way: call id and name
 * from the added item, arguments from `.done` (either order), a call only in `response.completed`'s output taken
 * from there, JSON-parsed; a failure event throws, and so does a call announced (by any of its events, a delta
 * too) that never finished (at `response.completed` and at the end).
 */
export function handFunctionCalls(
  events: readonly ResponseStreamEvent[],
  emit: (call: { callId: string; name: string; parsed: unknown; arguments: string }) => void,
): void {
  const announced = new Map<string, { callId: string; name: string } | null>();
  const args = new Map<string, string>();
  const done = new Set<string>();
  const settle = (id: string) => {
    const call = announced.get(id);
    const text = args.get(id);
    if (!call || text === undefined || done.has(id)) return;
    done.add(id);
    announced.delete(id);
    args.delete(id);
    emit({ ...call, arguments: text, parsed: JSON.parse(text) });
  };
  const finish = (item: ResponseOutputItem) => {
    if (item.type !== 'function_call' || done.has(item.id!)) return;
    announced.set(item.id!, { callId: item.call_id, name: item.name });
    args.set(item.id!, item.arguments);
    settle(item.id!);
  };
  const checkFinished = () => {
    if (announced.size > 0) throw new Error('missing function call');
  };
  for (const event of events) {
    switch (event.type) {
      case 'response.output_item.added':
        if (event.item.type === 'function_call' && !done.has(event.item.id!)) {
          announced.set(event.item.id!, { callId: event.item.call_id, name: event.item.name });
          settle(event.item.id!);
        }
        break;
      case 'response.function_call_arguments.delta':
        // A delta announces its call too: a call seen only in deltas is missing, not dropped.
        if (!announced.has(event.item_id) && !done.has(event.item_id)) announced.set(event.item_id, null);
        break;
      case 'response.function_call_arguments.done':
        if (done.has(event.item_id)) break;
        if (!announced.has(event.item_id)) announced.set(event.item_id, null);
        args.set(event.item_id, event.arguments);
        settle(event.item_id);
        break;
      case 'response.output_item.done':
        finish(event.item);
        break;
      case 'response.completed':
        for (const item of event.response.output) finish(item);
        checkFinished();
        break;
      case 'error':
      case 'response.failed':
      case 'response.incomplete':
        throw new Error(event.type);
    }
  }
  checkFinished();
}

interface HandItemState {
  readonly itemId: string;
  readonly outputIndex: number;
  readonly type: string;
  readonly status: string | null;
  readonly text: string;
  readonly summary: string;
  readonly annotations: readonly unknown[];
  readonly b64: string | null;
}

/**
 * Hand-written item states, the same work as `itemStates()` for this response's events: one immutable state per
 * item (its text by part, summary by part, arguments, status, annotations; an image's preview or final bytes), a
 * new list on every change with unchanged entries kept, and a check at `response.completed` that every item
 * announced has finished. Without RxJS, without the per-response machinery.
 */
function handItemStates(
  events: readonly ResponseStreamEvent[],
  emit: (list: readonly HandItemState[]) => void,
): void {
  const byId = new Map<string, HandItemState>();
  const parts = new Map<string, string[]>();
  const finished = new Set<string>();
  let list: HandItemState[] = [];
  const set = (next: HandItemState) => {
    const previous = byId.get(next.itemId);
    byId.set(next.itemId, next);
    if (previous) {
      list = list.slice();
      list[list.indexOf(previous)] = next;
    } else {
      let at = list.length;
      while (at > 0 && list[at - 1]!.outputIndex > next.outputIndex) at--;
      list = [...list.slice(0, at), next, ...list.slice(at)];
    }
    emit(list);
  };
  const stream = (
    itemId: string,
    index: number,
    delta: string,
    field: 'text' | 'summary',
    joiner: string,
  ) => {
    const previous = byId.get(itemId);
    if (!previous || finished.has(itemId)) return;
    let itemParts = parts.get(itemId);
    if (!itemParts) {
      itemParts = [];
      parts.set(itemId, itemParts);
    }
    itemParts[index] = (itemParts[index] ?? '') + delta;
    set({ ...previous, [field]: itemParts.length === 1 ? itemParts[0]! : itemParts.join(joiner) });
  };
  for (const event of events) {
    switch (event.type) {
      case 'response.output_item.added':
      case 'response.output_item.done': {
        const item = event.item as { id: string; type: string; status?: string; result?: string | null };
        const previous = byId.get(item.id);
        if (event.type === 'response.output_item.done') finished.add(item.id);
        set({
          itemId: item.id,
          outputIndex: event.output_index,
          type: item.type,
          status: item.status ?? null,
          text: previous?.text ?? '',
          summary: previous?.summary ?? '',
          annotations: previous?.annotations ?? [],
          b64: item.result ?? previous?.b64 ?? null,
        });
        break;
      }
      case 'response.output_text.delta':
        stream(event.item_id, event.content_index, event.delta, 'text', '');
        break;
      case 'response.function_call_arguments.delta':
        stream(event.item_id, 0, event.delta, 'text', '');
        break;
      case 'response.reasoning_summary_text.delta':
        stream(event.item_id, event.summary_index, event.delta, 'summary', '\n\n');
        break;
      case 'response.output_text.annotation.added': {
        const previous = byId.get(event.item_id);
        if (previous) set({ ...previous, annotations: [...previous.annotations, event.annotation] });
        break;
      }
      case 'response.image_generation_call.partial_image': {
        const previous = byId.get(event.item_id);
        if (previous) set({ ...previous, status: 'partial', b64: event.partial_image_b64 });
        break;
      }
      case 'response.web_search_call.searching':
      case 'response.web_search_call.completed': {
        const previous = byId.get(event.item_id);
        if (previous) set({ ...previous, status: event.type.slice('response.web_search_call.'.length) });
        break;
      }
      case 'response.completed':
        for (const id of byId.keys()) if (!finished.has(id)) throw new Error(`${id} never finished`);
        break;
    }
  }
}

/** Whether an item state carries text, whatever its type, for the checksums. */
function textOf(state: object): number {
  const s = state as { text?: string; arguments?: string; summary?: string };
  return (s.text || s.arguments || s.summary || '').length;
}

interface GroupsResult {
  rows: ItemsBenchResult['rows'][number][];
  eventsPerResponse: number;
  responses: number;
}

/** Measures the comparison groups (only group `only`, when given) in this process, alternating variants. */
async function measureGroups(options: {
  totalEvents?: number;
  rounds?: number;
  only?: number;
}): Promise<GroupsResult> {
  const events = mixedResponse();
  const responses = Math.max(1, Math.round((options.totalEvents ?? 300_000) / events.length));
  const eventsPerRun = responses * events.length;
  const groups = [
    {
      operator: 'functionCalls',
      variants: [
        {
          name: 'hand-written loop',
          run: timedRun(() => {
            let checksum = 0;
            for (let r = 0; r < responses; r++)
              handFunctionCalls(events, (call) => (checksum += call.arguments.length + call.callId.length));
            return checksum;
          }),
        },
        {
          name: 'functionCalls()',
          run: timedRun(() => {
            let checksum = 0;
            for (let r = 0; r < responses; r++)
              from(events)
                .pipe(functionCalls())
                .subscribe((call) => (checksum += call.arguments.length + call.callId.length));
            return checksum;
          }),
        },
      ],
    },
    {
      operator: 'itemStates',
      variants: [
        {
          name: 'hand-written loop',
          run: timedRun(() => {
            let checksum = 0;
            for (let r = 0; r < responses; r++) {
              let last: readonly HandItemState[] = [];
              handItemStates(events, (list) => (last = list));
              for (const state of last) checksum += textOf(state) > 0 ? 1 : 0;
            }
            return checksum;
          }),
        },
        {
          name: 'itemStates()',
          run: timedRun(() => {
            let checksum = 0;
            for (let r = 0; r < responses; r++) {
              let last: readonly object[] = [];
              from(events)
                .pipe(itemStates())
                .subscribe((list) => (last = list));
              for (const state of last) checksum += textOf(state) > 0 ? 1 : 0;
            }
            return checksum;
          }),
        },
      ],
    },
  ];
  const rows: ItemsBenchResult['rows'][number][] = [];
  for (const [index, group] of groups.entries()) {
    if (options.only !== undefined && index !== options.only) continue;
    const compared = await comparePerEvent(group.operator, group.variants, eventsPerRun, {
      rounds: options.rounds ?? 15,
      warmup: 3,
    });
    rows.push(...compared.map((row) => ({ operator: group.operator, ...row })));
  }
  return { rows, eventsPerResponse: events.length, responses };
}

/**
 * Each comparison in a fresh process of its own (its call sites see only it, as in an app that uses just that
 * operator: the setting of section 2's "alone" rows), then the memory measure in this one.
 */
export async function runItemsBench(options: { rounds?: number } = {}): Promise<ItemsBenchResult> {
  const rows: ItemsBenchResult['rows'][number][] = [];
  let eventsPerResponse = 0;
  let responses = 0;
  for (let group = 0; group < 2; group++) {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), `--group=${group}`],
      { maxBuffer: 1024 * 1024 },
    );
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as GroupsResult;
    rows.push(...result.rows);
    eventsPerResponse = result.eventsPerResponse;
    responses = result.responses;
  }
  const memory = itemStatesMemory();
  const markdown = [
    `Each comparison in a fresh process. ${eventsPerResponse} events per response (reasoning, 12 parallel function calls with 40 argument deltas each, a web search and a cited message), ${responses} responses per run, ${options.rounds ?? 15} paired rounds:`,
    '',
    perEventTable(rows),
    '',
    `**itemStates() memory**: one response of ${memory.items} messages, ${fmt(memory.textKiB, 0)} KiB of text in all, streamed in 64-character deltas; heap after a full GC at 25%, 50%, 75% and 100% of it: ${memory.heapMiB.map((m) => `${fmt(m, 1)} MiB`).join(', ')}. The list shows all the text, so the heap grows with it (about the text itself, held once); it never grows with the number of events or of lists emitted.`,
  ].join('\n');
  return { markdown, rows, memory };
}

/** Heap while `itemStates()` reads one long response of many messages (needs `--expose-gc`; 0 without). */
function itemStatesMemory(): ItemsBenchResult['memory'] {
  const items = 400;
  const deltasPerItem = 40;
  const e = createEventFactory({ responseId: 'resp_memory' });
  const gc = (globalThis as { gc?: () => void }).gc;
  const heap = () => {
    gc?.();
    return gc ? process.memoryUsage().heapUsed / (1024 * 1024) : 0;
  };
  const heapMiB: number[] = [];
  let lastList: readonly object[] = [];
  const subscription = (() => {
    const events$ = new Subject<ResponseStreamEvent>();
    const sub = events$.pipe(itemStates()).subscribe((list) => (lastList = list));
    events$.next(e.created());
    for (let i = 0; i < items; i++) {
      const id = `msg_${i}`;
      const text = 'x'.repeat(64);
      events$.next(e.outputItemAdded({ ...e.message(id, ''), status: 'in_progress', content: [] }, i));
      events$.next(e.contentPartAdded(id, i));
      for (let d = 0; d < deltasPerItem; d++) events$.next(e.textDelta(id, i, text));
      events$.next(e.textDone(id, i, text.repeat(deltasPerItem)));
      events$.next(e.outputItemDone(e.message(id, text.repeat(deltasPerItem)), i));
      if ((i + 1) % (items / 4) === 0) heapMiB.push(heap());
    }
    return sub;
  })();
  subscription.unsubscribe();
  if (lastList.length !== items) throw new Error(`itemStates showed ${lastList.length} of ${items} items`);
  return { items, textKiB: (items * deltasPerItem * 64) / 1024, heapMiB };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const group = process.argv.find((arg) => arg.startsWith('--group='));
  if (group)
    console.log(JSON.stringify(await measureGroups({ only: Number(group.slice('--group='.length)) })));
  else {
    const result = await runItemsBench();
    console.log(process.argv.includes('--json') ? JSON.stringify(result) : result.markdown);
  }
}
