import type {
  ResponseCodeInterpreterToolCall,
  ResponseCustomToolCall,
  ResponseFunctionToolCall,
  ResponseOutputItem,
  ResponseOutputMessage,
  ResponseOutputText,
  ResponseStreamEvent,
} from 'openai/resources/responses/responses';
import type { McpCallItem } from '../operators/mcpCalls';
import { createEventFactory, type EventFactory } from './events';
import { SAMPLE_PNGS } from './samplePngs';
import { pushMessageEvents, runSteps, type ScenarioImage } from './scenarios';

/**
 * How the final events of a function call (or custom tool call) are ordered, including the orders seen from
 * proxies. "Arguments" is the custom tool call's `input`.
 */
export type ToolCallEventOrder =
  /** What the API sends: `...arguments.done` (`custom_tool_call_input.done`), then `output_item.done`. */
  | 'arguments-first'
  /** `output_item.done` first, then `...arguments.done`. */
  | 'item-first'
  /** No `...arguments.done` at all: the arguments come with `output_item.done`. */
  | 'no-arguments-done'
  /** Neither `...arguments.done` nor `output_item.done`: the item is only in `response.completed`'s output. */
  | 'item-in-response-completed-only';

/** The response id and first sequence number of a scenario. */
export interface ItemScenarioBaseOptions {
  /** The response id (default `resp_test`). */
  responseId?: string;
  /** The first `sequence_number` (default 0). */
  startSequenceNumber?: number;
}

/** Options of {@link functionCallScenario}. */
export interface FunctionCallScenarioOptions extends ItemScenarioBaseOptions {
  /** How many calls (default 2: `get_weather` and `get_time`), or each call's name and arguments (JSON text). */
  calls?: number | readonly { readonly name: string; readonly arguments: string }[];
  /** How many `...arguments.delta` events carry each call's arguments (default 3; fewer for short arguments). */
  deltas?: number;
  /** The order of each call's final events (default `arguments-first`, the API's). */
  order?: ToolCallEventOrder;
  /** Send the calls' events round-robin (parallel calls) rather than one call after the other (default false). */
  interleave?: boolean;
}

/** One function call of a scenario, as the events carry it. */
export interface ScenarioFunctionCall {
  readonly itemId: string;
  readonly outputIndex: number;
  readonly callId: string;
  readonly name: string;
  /** The arguments, JSON text. */
  readonly arguments: string;
}

/** The events of {@link functionCallScenario} and the calls they carry. */
export interface FunctionCallScenario {
  readonly events: ResponseStreamEvent[];
  readonly calls: readonly ScenarioFunctionCall[];
}

const DEFAULT_CALLS = [
  { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
  { name: 'get_time', arguments: '{"timezone":"Europe/Paris"}' },
  { name: 'get_news', arguments: '{"topic":"Seine","limit":3}' },
];

/**
 * The events of a response in which the model calls functions: per call `output_item.added` (call id and name),
 * the arguments in several `response.function_call_arguments.delta`s, `...arguments.done`, `output_item.done`,
 * then `response.completed` with every call. Several calls run one after the other or interleaved (parallel
 * calls), and `order` varies the final events as proxies do.
 *
 * @example
 * ```ts
 * import { from, toArray } from 'rxjs';
 * import { functionCalls } from 'rxjs-openai';
 * import { functionCallScenario } from 'rxjs-openai/testing';
 *
 * const { events, calls } = functionCallScenario({ calls: 3, interleave: true, order: 'item-first' });
 * from(events).pipe(functionCalls(), toArray()).subscribe((got) => console.log(got.length === calls.length));
 * ```
 *
 * @param options The calls, deltas per call, order of the final events, interleaving.
 * @return The events, in order, and the calls (item id, output index, call id, name, arguments).
 */
export function functionCallScenario(options: FunctionCallScenarioOptions = {}): FunctionCallScenario {
  const e = factoryFor(options);
  const specs = callSpecs(options.calls);
  const calls: ScenarioFunctionCall[] = specs.map((spec, i) => ({
    itemId: `fc_${id(i)}`,
    outputIndex: i,
    callId: `call_${id(i)}`,
    name: spec.name,
    arguments: spec.arguments,
  }));
  const steps = calls.map((call) => {
    const done: ResponseFunctionToolCall = e.functionCall({
      id: call.itemId,
      call_id: call.callId,
      name: call.name,
      arguments: call.arguments,
    });
    return {
      final: done,
      steps: callSteps(
        options.order,
        () => e.outputItemAdded({ ...done, arguments: '', status: 'in_progress' }, call.outputIndex),
        chunks(call.arguments, options.deltas ?? 3).map(
          (delta) => () => e.functionCallArgumentsDelta(call.itemId, call.outputIndex, delta),
        ),
        () => e.functionCallArgumentsDone(call.itemId, call.outputIndex, call.arguments),
        () => e.outputItemDone(done, call.outputIndex),
      ),
    };
  });
  return { events: callsResponse(e, steps, options.interleave), calls };
}

/** Options of {@link customToolCallScenario}. */
export interface CustomToolCallScenarioOptions extends ItemScenarioBaseOptions {
  /** How many calls (default 1), or each call's tool name and input (free text). */
  calls?: number | readonly { readonly name: string; readonly input: string }[];
  /** How many `custom_tool_call_input.delta` events carry each input (default 3). */
  deltas?: number;
  /** The order of each call's final events (default `arguments-first`, the API's). */
  order?: ToolCallEventOrder;
  /** Send the calls' events round-robin rather than one after the other (default false). */
  interleave?: boolean;
}

/** One custom tool call of a scenario. */
export interface ScenarioCustomToolCall {
  readonly itemId: string;
  readonly outputIndex: number;
  readonly callId: string;
  readonly name: string;
  readonly input: string;
}

/** The events of {@link customToolCallScenario} and the calls they carry. */
export interface CustomToolCallScenario {
  readonly events: ResponseStreamEvent[];
  readonly calls: readonly ScenarioCustomToolCall[];
}

/**
 * The events of a response in which the model calls custom tools (`type: 'custom'`, free-form input): per call
 * `output_item.added`, the input in several `response.custom_tool_call_input.delta`s, `...input.done`,
 * `output_item.done`, then `response.completed`.
 *
 * @example
 * ```ts
 * import { customToolCalls } from 'rxjs-openai';
 * import { customToolCallScenario } from 'rxjs-openai/testing';
 *
 * const { events, calls } = customToolCallScenario({ calls: [{ name: 'sql', input: 'SELECT 1' }] });
 * ```
 *
 * @param options The calls, deltas per call, order of the final events, interleaving.
 * @return The events and the calls (item id, output index, call id, name, input).
 */
export function customToolCallScenario(options: CustomToolCallScenarioOptions = {}): CustomToolCallScenario {
  const e = factoryFor(options);
  const specs =
    typeof options.calls === 'object'
      ? options.calls
      : Array.from({ length: options.calls ?? 1 }, (_, i) => ({
          name: i % 2 === 0 ? 'run_sql' : 'apply_patch',
          input:
            i % 2 === 0 ? `SELECT name FROM cities WHERE id = ${i + 1};` : `*** Update File: notes-${i}.md`,
        }));
  const calls: ScenarioCustomToolCall[] = specs.map((spec, i) => ({
    itemId: `ctc_${id(i)}`,
    outputIndex: i,
    callId: `call_${id(i)}`,
    name: spec.name,
    input: spec.input,
  }));
  const steps = calls.map((call) => {
    const done: ResponseCustomToolCall = e.customToolCall({
      id: call.itemId,
      call_id: call.callId,
      name: call.name,
      input: call.input,
    });
    return {
      final: done,
      steps: callSteps(
        options.order,
        () => e.outputItemAdded({ ...done, input: '' }, call.outputIndex),
        chunks(call.input, options.deltas ?? 3).map(
          (delta) => () => e.customToolCallInputDelta(call.itemId, call.outputIndex, delta),
        ),
        () => e.customToolCallInputDone(call.itemId, call.outputIndex, call.input),
        () => e.outputItemDone(done, call.outputIndex),
      ),
    };
  });
  return { events: callsResponse(e, steps, options.interleave), calls };
}

/** Options of {@link mcpCallScenario}. */
export interface McpCallScenarioOptions extends ItemScenarioBaseOptions {
  /** How many MCP calls (default 1). */
  calls?: number;
  /** The index of the call that fails (`response.mcp_call.failed`, item status `failed`); none by default. */
  failIndex?: number;
  /** The order of a call's last events: `status-first` (default, the API's: `mcp_call.completed/.failed`, then `output_item.done`) or `item-first`. */
  order?: 'status-first' | 'item-first';
  /** The answer the model writes after the calls (default a short sentence); `null` for none. */
  text?: string | null;
}

/** One MCP call of a scenario. */
export interface ScenarioMcpCall {
  readonly itemId: string;
  readonly outputIndex: number;
  readonly name: string;
  readonly serverLabel: string;
  readonly arguments: string;
  /** What the tool returned, `null` for the failed call. */
  readonly output: string | null;
  readonly failed: boolean;
}

/** The events of {@link mcpCallScenario}, the calls, and the answer that follows them. */
export interface McpCallScenario {
  readonly events: ResponseStreamEvent[];
  readonly calls: readonly ScenarioMcpCall[];
  readonly text: string | null;
}

/**
 * The events of a response in which the API runs tools on a remote MCP server: per call `output_item.added`
 * (name, server label), `response.mcp_call.in_progress`, the arguments in `response.mcp_call_arguments.delta`s,
 * `...arguments.done`, `response.mcp_call.completed` (or `.failed`, for `failIndex`), `output_item.done` (with
 * the output, or status `failed` and an `mcp_tool_execution_error`), then the model's answer, then
 * `response.completed`.
 *
 * @example
 * ```ts
 * import { mcpCalls } from 'rxjs-openai';
 * import { mcpCallScenario } from 'rxjs-openai/testing';
 *
 * const { events } = mcpCallScenario({ calls: 2, failIndex: 1 }); // mcpCalls() errors with McpCallError
 * ```
 *
 * @param options Number of calls, which one fails, the order of the last events, the answer.
 * @return The events, the calls (item id, output index, name, server, arguments, output) and the answer.
 */
export function mcpCallScenario(options: McpCallScenarioOptions = {}): McpCallScenario {
  const e = factoryFor(options);
  const count = options.calls ?? 1;
  const calls: ScenarioMcpCall[] = Array.from({ length: count }, (_, i) => {
    const failed = options.failIndex === i;
    return {
      itemId: `mcp_${id(i)}`,
      outputIndex: i,
      name: 'roll',
      serverLabel: 'dice',
      arguments: `{"dice":"${i + 2}d6"}`,
      output: failed ? null : String(7 + i),
      failed,
    };
  });
  const events: ResponseStreamEvent[] = [e.created(), e.inProgress()];
  const output: ResponseOutputItem[] = [];
  for (const call of calls) {
    const { itemId, outputIndex } = call;
    const done: McpCallItem = e.mcpCall({
      id: itemId,
      name: call.name,
      server_label: call.serverLabel,
      arguments: call.arguments,
      output: call.output,
      status: call.failed ? 'failed' : 'completed',
      error: call.failed
        ? {
            type: 'mcp_tool_execution_error',
            content: [{ type: 'text', text: 'The dice fell off the table.' }],
          }
        : null,
    });
    output.push(done);
    events.push(
      e.outputItemAdded(
        { ...done, arguments: '', output: null, error: null, status: 'in_progress' },
        outputIndex,
      ),
      e.mcpCallInProgress(itemId, outputIndex),
      ...chunks(call.arguments, 2).map((delta) => e.mcpCallArgumentsDelta(itemId, outputIndex, delta)),
      e.mcpCallArgumentsDone(itemId, outputIndex, call.arguments),
    );
    const status = () =>
      call.failed ? e.mcpCallFailed(itemId, outputIndex) : e.mcpCallCompleted(itemId, outputIndex);
    if (options.order === 'item-first') events.push(e.outputItemDone(done, outputIndex), status());
    else events.push(status(), e.outputItemDone(done, outputIndex));
  }
  const text =
    options.text === undefined
      ? `I rolled the dice: ${calls.map((c) => c.output ?? 'no result').join(', ')}.`
      : options.text;
  if (text !== null) output.push(pushMessageEvents(e, events, `msg_${id(0)}`, calls.length, text, words));
  events.push(e.completed({ output, output_text: text ?? '' }));
  return { events, calls, text };
}

/** Options of {@link reasoningImageScenario}. */
export interface ReasoningImageScenarioOptions extends ItemScenarioBaseOptions {
  /** The reasoning summary's parts (paragraphs); default two short ones. `[]` for no summary. */
  summary?: readonly string[];
  /** Raw reasoning text (`response.reasoning_text.*`, streamed by some models only); none by default. */
  reasoningText?: string;
  /** Partial previews of the image, 0 to 3 (default 1). */
  partials?: 0 | 1 | 2 | 3;
}

/** The events of {@link reasoningImageScenario}: the reasoning, then the image. */
export interface ReasoningImageScenario {
  readonly events: ResponseStreamEvent[];
  readonly reasoning: {
    readonly itemId: string;
    readonly outputIndex: number;
    readonly summary: readonly string[];
    readonly reasoningText: string | null;
  };
  readonly image: ScenarioImage;
}

/**
 * The events of a response in which the model reasons before drawing: a `reasoning` item whose summary parts
 * stream (`response.reasoning_summary_part.added`, `...summary_text.delta`s, `...text.done`, `...part.done`),
 * optionally raw reasoning text (`response.reasoning_text.*`), then an image generation call with previews and
 * its final image, then `response.completed`.
 *
 * @example
 * ```ts
 * import { reasoningSummaries } from 'rxjs-openai';
 * import { reasoningImageScenario } from 'rxjs-openai/testing';
 *
 * const { events, reasoning } = reasoningImageScenario({ summary: ['**Planning**\n\nA fox in snow.'] });
 * ```
 *
 * @param options The summary's parts, raw reasoning text, previews.
 * @return The events, the reasoning (item id, summary parts, raw text) and the image.
 */
export function reasoningImageScenario(options: ReasoningImageScenarioOptions = {}): ReasoningImageScenario {
  const e = factoryFor(options);
  const summary = options.summary ?? [
    '**Planning the picture**\n\nA red fox sitting in fresh snow, low morning light.',
    '**Choosing the style**\n\nSoft watercolour, a pale blue sky.',
  ];
  const reasoningText = options.reasoningText ?? null;
  const itemId = `rs_${id(0)}`;
  const sample = SAMPLE_PNGS[0]!;
  const image: ScenarioImage = {
    itemId: `ig_${id(0)}`,
    outputIndex: 1,
    b64: sample.b64,
    partials: Array.from({ length: options.partials ?? 1 }, () => sample.previewB64),
  };

  const events: ResponseStreamEvent[] = [e.created(), e.inProgress()];
  const reasoning = e.reasoning(itemId, summary, {
    ...(reasoningText === null ? {} : { content: [{ type: 'reasoning_text', text: reasoningText }] }),
  });
  events.push(e.outputItemAdded({ id: itemId, type: 'reasoning', summary: [], status: 'in_progress' }, 0));
  summary.forEach((part, index) => {
    events.push(e.reasoningSummaryPartAdded(itemId, 0, index));
    for (const delta of words(part)) events.push(e.reasoningSummaryTextDelta(itemId, 0, index, delta));
    events.push(e.reasoningSummaryTextDone(itemId, 0, index, part));
    events.push(e.reasoningSummaryPartDone(itemId, 0, index, part));
  });
  if (reasoningText !== null) {
    events.push(e.reasoningTextPartAdded(itemId, 0, 0));
    for (const delta of words(reasoningText)) events.push(e.reasoningTextDelta(itemId, 0, 0, delta));
    events.push(e.reasoningTextDone(itemId, 0, 0, reasoningText));
  }
  events.push(e.outputItemDone(reasoning, 0));

  const done = e.imageCall({ id: image.itemId, result: image.b64, status: 'completed' });
  events.push(
    e.outputItemAdded(e.imageCall({ id: image.itemId, status: 'in_progress' }), image.outputIndex),
    e.imageInProgress(image.itemId, image.outputIndex),
    e.imageGenerating(image.itemId, image.outputIndex),
    ...image.partials.map((b64, p) => e.imagePartial(image.itemId, image.outputIndex, p, b64)),
    e.imageCompleted(image.itemId, image.outputIndex),
    e.outputItemDone(done, image.outputIndex),
  );
  events.push(e.completed({ output: [reasoning, done] }));
  return { events, reasoning: { itemId, outputIndex: 0, summary, reasoningText }, image };
}

/** Options of {@link webSearchScenario}. */
export interface WebSearchScenarioOptions extends ItemScenarioBaseOptions {
  /** The search query (default about Paris). */
  query?: string;
  /**
   * How the citations arrive: `events` (default, the API's): a `response.output_text.annotation.added` right after
   * the delta that completes the cited text; `item-only`: only on the message's `output_item.done` (and in
   * `response.completed`), as some proxies relay them.
   */
  annotations?: 'events' | 'item-only';
}

/** One URL citation of {@link webSearchScenario}, with the text it cites. */
export interface ScenarioCitation {
  readonly annotation: ResponseOutputText.URLCitation;
  readonly annotationIndex: number;
  /** `text.slice(start_index, end_index)`. */
  readonly text: string;
}

/** The events of {@link webSearchScenario}: a web search, then a message citing its sources. */
export interface WebSearchScenario {
  readonly events: ResponseStreamEvent[];
  readonly search: { readonly itemId: string; readonly outputIndex: number; readonly query: string };
  readonly message: { readonly itemId: string; readonly outputIndex: number; readonly text: string };
  readonly citations: readonly ScenarioCitation[];
}

/**
 * The events of a response with a web search: a `web_search_call` (`response.web_search_call.in_progress`,
 * `.searching`, `.completed`), then a message whose text streams with URL citations
 * (`response.output_text.annotation.added`, each after the delta that completes the text it cites), then
 * `response.completed`.
 *
 * @example
 * ```ts
 * import { citations } from 'rxjs-openai';
 * import { webSearchScenario } from 'rxjs-openai/testing';
 *
 * const { events, citations: expected } = webSearchScenario();
 * // from(events).pipe(citations()) emits expected.length citations, each with its cited text.
 * ```
 *
 * @param options The query, and how the citations arrive.
 * @return The events, the search, the message and its citations with the text they cite.
 */
export function webSearchScenario(options: WebSearchScenarioOptions = {}): WebSearchScenario {
  const e = factoryFor(options);
  const query = options.query ?? 'Paris Olympics Seine swimming';
  const searchId = `ws_${id(0)}`;
  const messageId = `msg_${id(0)}`;
  const sources = [
    {
      claim: 'Paris hosted the 2024 Summer Olympics',
      url: 'https://olympics.com/paris-2024',
      title: 'Paris 2024',
    },
    {
      claim: 'The Seine reopened for swimming in 2025',
      url: 'https://example.org/seine',
      title: 'Swimming in the Seine',
    },
  ];
  let text = '';
  const cited: ScenarioCitation[] = [];
  /** Each delta, and the citation it completes. */
  const pieces: { delta: string; citation?: ScenarioCitation }[] = [];
  sources.forEach((source, index) => {
    for (const delta of words(`${index === 0 ? '' : ' '}${source.claim}. `)) {
      pieces.push({ delta });
      text += delta;
    }
    const link = `([${new URL(source.url).hostname}](${source.url}))`;
    const start = text.length;
    text += link;
    const annotation = e.urlCitation(start, text.length, source.url, source.title);
    const citation = { annotation, annotationIndex: index, text: link };
    cited.push(citation);
    pieces.push({ delta: link, citation });
  });

  const search = e.webSearchCall(searchId, query);
  const events: ResponseStreamEvent[] = [
    e.created(),
    e.inProgress(),
    e.outputItemAdded({ ...search, status: 'in_progress' }, 0),
    e.webSearchInProgress(searchId, 0),
    e.webSearchSearching(searchId, 0),
    e.webSearchCompleted(searchId, 0),
    e.outputItemDone(search, 0),
  ];
  const annotations = cited.map((c) => c.annotation);
  const message: ResponseOutputMessage = {
    ...e.message(messageId, text),
    content: [{ type: 'output_text', text, annotations }],
  };
  events.push(
    e.outputItemAdded({ ...message, status: 'in_progress', content: [] }, 1),
    e.contentPartAdded(messageId, 1),
  );
  for (const piece of pieces) {
    events.push(e.textDelta(messageId, 1, piece.delta));
    if (piece.citation && options.annotations !== 'item-only')
      events.push(e.annotationAdded(messageId, 1, piece.citation.annotationIndex, piece.citation.annotation));
  }
  events.push(e.textDone(messageId, 1, text));
  const partDone = e.contentPartDone(messageId, 1, text);
  events.push({ ...partDone, part: { type: 'output_text', text, annotations } });
  events.push(e.outputItemDone(message, 1));
  events.push(e.completed({ output: [search, message], output_text: text }));
  return {
    events,
    search: { itemId: searchId, outputIndex: 0, query },
    message: { itemId: messageId, outputIndex: 1, text },
    citations: cited,
  };
}

/** Options of {@link codeInterpreterScenario}. */
export interface CodeInterpreterScenarioOptions extends ItemScenarioBaseOptions {
  /** The code the model writes (default a short matplotlib plot). */
  code?: string;
  /** The URL of the image the code produced (default a container file URL). */
  imageUrl?: string;
  /** The answer the model writes after running the code (default a short sentence); `null` for none. */
  text?: string | null;
}

/** The events of {@link codeInterpreterScenario}: the code, its image output, then the answer. */
export interface CodeInterpreterScenario {
  readonly events: ResponseStreamEvent[];
  readonly call: {
    readonly itemId: string;
    readonly outputIndex: number;
    readonly code: string;
    readonly imageUrl: string;
    readonly logs: string;
  };
  readonly text: string | null;
}

/**
 * The events of a response in which the model runs code: a `code_interpreter_call`
 * (`response.code_interpreter_call.in_progress`, the code in `...call_code.delta`s, `...call_code.done`,
 * `.interpreting`, `.completed`, then `output_item.done` whose `outputs` hold the logs and an image), then the
 * model's answer, then `response.completed`.
 *
 * @example
 * ```ts
 * import { outputItems } from 'rxjs-openai';
 * import { codeInterpreterScenario } from 'rxjs-openai/testing';
 *
 * const { events, call } = codeInterpreterScenario();
 * // from(events).pipe(outputItems('code_interpreter_call')) emits the call, its image at call.imageUrl.
 * ```
 *
 * @param options The code, the image's URL, the answer.
 * @return The events, the call (item id, code, image URL, logs) and the answer.
 */
export function codeInterpreterScenario(
  options: CodeInterpreterScenarioOptions = {},
): CodeInterpreterScenario {
  const e = factoryFor(options);
  const itemId = `ci_${id(0)}`;
  const code =
    options.code ??
    "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3], [2, 4, 9])\nplt.savefig('/mnt/data/chart.png')\nprint('saved')";
  const imageUrl = options.imageUrl ?? 'https://files.example.test/cntr_test/chart.png';
  const logs = 'saved\n';
  const outputs: ResponseCodeInterpreterToolCall['outputs'] = [
    { type: 'logs', logs },
    { type: 'image', url: imageUrl },
  ];
  const done = e.codeInterpreterCall(itemId, code, { outputs });
  const events: ResponseStreamEvent[] = [
    e.created(),
    e.inProgress(),
    e.outputItemAdded({ ...done, code: '', outputs: null, status: 'in_progress' }, 0),
    e.codeInterpreterInProgress(itemId, 0),
    ...chunks(code, 4).map((delta) => e.codeInterpreterCodeDelta(itemId, 0, delta)),
    e.codeInterpreterCodeDone(itemId, 0, code),
    e.codeInterpreterInterpreting(itemId, 0),
    e.codeInterpreterCompleted(itemId, 0),
    e.outputItemDone(done, 0),
  ];
  const output: ResponseOutputItem[] = [done];
  const text = options.text === undefined ? 'Here is the chart: the values grow quickly.' : options.text;
  if (text !== null) output.push(pushMessageEvents(e, events, `msg_${id(0)}`, 1, text, words));
  events.push(e.completed({ output, output_text: text ?? '' }));
  return { events, call: { itemId, outputIndex: 0, code, imageUrl, logs }, text };
}

// Helpers

/** The scenario's event factory: the response id and first sequence number asked, else the factory's defaults. */
function factoryFor(options: ItemScenarioBaseOptions): EventFactory {
  return createEventFactory({
    responseId: options.responseId,
    startSequenceNumber: options.startSequenceNumber,
  });
}

/** `0001`, `0002`, ...: the suffix of the `i`th item's id. */
function id(i: number): string {
  return String(i + 1).padStart(4, '0');
}

function callSpecs(
  calls: FunctionCallScenarioOptions['calls'],
): readonly { name: string; arguments: string }[] {
  if (typeof calls === 'object') return calls;
  return Array.from({ length: calls ?? 2 }, (_, i) => {
    const spec = DEFAULT_CALLS[i % DEFAULT_CALLS.length]!;
    return i < DEFAULT_CALLS.length ? spec : { name: `${spec.name}_${i}`, arguments: spec.arguments };
  });
}

/** One call's steps (functions, so that sequence numbers follow the order they are sent in), per `order`. */
function callSteps(
  order: ToolCallEventOrder | undefined,
  added: () => ResponseStreamEvent,
  deltas: Array<() => ResponseStreamEvent>,
  textDone: () => ResponseStreamEvent,
  itemDone: () => ResponseStreamEvent,
): Array<() => ResponseStreamEvent> {
  const steps = [added, ...deltas];
  switch (order ?? 'arguments-first') {
    case 'arguments-first':
      return [...steps, textDone, itemDone];
    case 'item-first':
      return [...steps, itemDone, textDone];
    case 'no-arguments-done':
      return [...steps, itemDone];
    case 'item-in-response-completed-only':
      return steps;
  }
}

/** A response of calls: created, in progress, each call's steps (one after the other or interleaved), completed with every call. */
function callsResponse(
  e: EventFactory,
  calls: readonly { readonly final: ResponseOutputItem; readonly steps: Array<() => ResponseStreamEvent> }[],
  interleave: boolean | undefined,
): ResponseStreamEvent[] {
  const events = [
    e.created(),
    e.inProgress(),
    ...runSteps(
      calls.map((call) => call.steps),
      interleave,
    ),
  ];
  events.push(e.completed({ output: calls.map((call) => call.final) }));
  return events;
}

/** `text` in `count` pieces of about equal length (fewer for short text; none for empty text). */
function chunks(text: string, count: number): string[] {
  const n = Math.max(1, Math.min(Math.floor(count), text.length));
  const size = Math.ceil(text.length / n);
  const pieces: string[] = [];
  for (let at = 0; at < text.length; at += size) pieces.push(text.slice(at, at + size));
  return pieces;
}

/** `text` word by word, each with its trailing spaces (as the API streams text). */
function words(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}
