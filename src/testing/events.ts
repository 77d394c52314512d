import type {
  Response,
  ResponseCodeInterpreterCallCodeDeltaEvent,
  ResponseCodeInterpreterCallCodeDoneEvent,
  ResponseCodeInterpreterCallCompletedEvent,
  ResponseCodeInterpreterCallInProgressEvent,
  ResponseCodeInterpreterCallInterpretingEvent,
  ResponseCodeInterpreterToolCall,
  ResponseCompletedEvent,
  ResponseContentPartAddedEvent,
  ResponseContentPartDoneEvent,
  ResponseCreatedEvent,
  ResponseCustomToolCall,
  ResponseCustomToolCallInputDeltaEvent,
  ResponseCustomToolCallInputDoneEvent,
  ResponseErrorEvent,
  ResponseFailedEvent,
  ResponseFileSearchCallCompletedEvent,
  ResponseFileSearchCallInProgressEvent,
  ResponseFileSearchCallSearchingEvent,
  ResponseFileSearchToolCall,
  ResponseFunctionCallArgumentsDeltaEvent,
  ResponseFunctionCallArgumentsDoneEvent,
  ResponseFunctionToolCall,
  ResponseFunctionWebSearch,
  ResponseImageGenCallCompletedEvent,
  ResponseImageGenCallGeneratingEvent,
  ResponseImageGenCallInProgressEvent,
  ResponseImageGenCallPartialImageEvent,
  ResponseIncompleteEvent,
  ResponseInProgressEvent,
  ResponseMcpCallArgumentsDeltaEvent,
  ResponseMcpCallArgumentsDoneEvent,
  ResponseMcpCallCompletedEvent,
  ResponseMcpCallFailedEvent,
  ResponseMcpCallInProgressEvent,
  ResponseOutputItem,
  ResponseOutputItemAddedEvent,
  ResponseOutputItemDoneEvent,
  ResponseOutputMessage,
  ResponseOutputText,
  ResponseOutputTextAnnotationAddedEvent,
  ResponseReasoningItem,
  ResponseReasoningSummaryPartAddedEvent,
  ResponseReasoningSummaryPartDoneEvent,
  ResponseReasoningSummaryTextDeltaEvent,
  ResponseReasoningSummaryTextDoneEvent,
  ResponseReasoningTextDeltaEvent,
  ResponseReasoningTextDoneEvent,
  ResponseStreamEvent,
  ResponseTextDeltaEvent,
  ResponseTextDoneEvent,
  ResponseWebSearchCallCompletedEvent,
  ResponseWebSearchCallInProgressEvent,
  ResponseWebSearchCallSearchingEvent,
} from 'openai/resources/responses/responses';
import type { McpCallItem } from '../operators/mcpCalls';
import type { ImageGenerationCallItem } from '../types';
import { SAMPLE_PNGS } from './samplePngs';

/** Typed builders for Responses API stream events; each event gets the next `sequence_number`. */
export interface EventFactory {
  /** The `sequence_number` the next event will get. */
  readonly nextSequenceNumber: number;
  /** A `Response` object with sensible defaults; `overrides` win. */
  response(overrides?: Partial<Response>): Response;
  /**
   * An `image_generation_call` output item: status `completed` with a small PNG as `result` by default; with
   * another `status`, `result` is `null` unless given.
   */
  imageCall(overrides: Partial<ImageGenerationCallItem> & { id: string }): ImageGenerationCallItem;
  /** An assistant `message` output item with one `output_text` part. */
  message(id: string, text: string, status?: ResponseOutputMessage['status']): ResponseOutputMessage;
  created(response?: Partial<Response>): ResponseCreatedEvent;
  inProgress(response?: Partial<Response>): ResponseInProgressEvent;
  completed(response?: Partial<Response>): ResponseCompletedEvent;
  failed(response?: Partial<Response>): ResponseFailedEvent;
  incomplete(
    reason?: 'max_output_tokens' | 'content_filter',
    response?: Partial<Response>,
  ): ResponseIncompleteEvent;
  /** A flat `error` event, as the API sends it. */
  error(message: string, code?: string | null): ResponseErrorEvent;
  outputItemAdded(item: ResponseOutputItem, outputIndex: number): ResponseOutputItemAddedEvent;
  outputItemDone(item: ResponseOutputItem, outputIndex: number): ResponseOutputItemDoneEvent;
  imageInProgress(itemId: string, outputIndex: number): ResponseImageGenCallInProgressEvent;
  imageGenerating(itemId: string, outputIndex: number): ResponseImageGenCallGeneratingEvent;
  imagePartial(
    itemId: string,
    outputIndex: number,
    index: number,
    b64: string,
  ): ResponseImageGenCallPartialImageEvent;
  imageCompleted(itemId: string, outputIndex: number): ResponseImageGenCallCompletedEvent;
  contentPartAdded(itemId: string, outputIndex: number): ResponseContentPartAddedEvent;
  contentPartDone(itemId: string, outputIndex: number, text: string): ResponseContentPartDoneEvent;
  textDelta(itemId: string, outputIndex: number, delta: string): ResponseTextDeltaEvent;
  textDone(itemId: string, outputIndex: number, text: string): ResponseTextDoneEvent;
  /** A `function_call` output item (status `completed`, arguments `{}` and call id `call_<id>` by default). */
  functionCall(
    overrides: Partial<ResponseFunctionToolCall> & { id: string; name: string },
  ): ResponseFunctionToolCall;
  functionCallArgumentsDelta(
    itemId: string,
    outputIndex: number,
    delta: string,
  ): ResponseFunctionCallArgumentsDeltaEvent;
  functionCallArgumentsDone(
    itemId: string,
    outputIndex: number,
    args: string,
  ): ResponseFunctionCallArgumentsDoneEvent;
  /** A `custom_tool_call` output item (input `''` and call id `call_<id>` by default). */
  customToolCall(
    overrides: Partial<ResponseCustomToolCall> & { id: string; name: string },
  ): ResponseCustomToolCall;
  customToolCallInputDelta(
    itemId: string,
    outputIndex: number,
    delta: string,
  ): ResponseCustomToolCallInputDeltaEvent;
  customToolCallInputDone(
    itemId: string,
    outputIndex: number,
    input: string,
  ): ResponseCustomToolCallInputDoneEvent;
  /** An `mcp_call` output item (status `completed`, server `mcp`, arguments `{}`, no output by default). */
  mcpCall(overrides: Partial<McpCallItem> & { id: string; name: string }): McpCallItem;
  mcpCallArgumentsDelta(
    itemId: string,
    outputIndex: number,
    delta: string,
  ): ResponseMcpCallArgumentsDeltaEvent;
  mcpCallArgumentsDone(itemId: string, outputIndex: number, args: string): ResponseMcpCallArgumentsDoneEvent;
  mcpCallInProgress(itemId: string, outputIndex: number): ResponseMcpCallInProgressEvent;
  mcpCallCompleted(itemId: string, outputIndex: number): ResponseMcpCallCompletedEvent;
  mcpCallFailed(itemId: string, outputIndex: number): ResponseMcpCallFailedEvent;
  /** A `reasoning` output item with these summary parts (and raw reasoning text parts, if given). */
  reasoning(
    id: string,
    summary?: readonly string[],
    overrides?: Partial<ResponseReasoningItem>,
  ): ResponseReasoningItem;
  reasoningSummaryPartAdded(
    itemId: string,
    outputIndex: number,
    summaryIndex: number,
  ): ResponseReasoningSummaryPartAddedEvent;
  reasoningSummaryPartDone(
    itemId: string,
    outputIndex: number,
    summaryIndex: number,
    text: string,
  ): ResponseReasoningSummaryPartDoneEvent;
  reasoningSummaryTextDelta(
    itemId: string,
    outputIndex: number,
    summaryIndex: number,
    delta: string,
  ): ResponseReasoningSummaryTextDeltaEvent;
  reasoningSummaryTextDone(
    itemId: string,
    outputIndex: number,
    summaryIndex: number,
    text: string,
  ): ResponseReasoningSummaryTextDoneEvent;
  /** A `response.content_part.added` opening a raw reasoning text part (`reasoning_text`). */
  reasoningTextPartAdded(
    itemId: string,
    outputIndex: number,
    contentIndex: number,
  ): ResponseContentPartAddedEvent;
  reasoningTextDelta(
    itemId: string,
    outputIndex: number,
    contentIndex: number,
    delta: string,
  ): ResponseReasoningTextDeltaEvent;
  reasoningTextDone(
    itemId: string,
    outputIndex: number,
    contentIndex: number,
    text: string,
  ): ResponseReasoningTextDoneEvent;
  /** A `web_search_call` output item (status `completed`, a `search` action for `query` by default). */
  webSearchCall(
    id: string,
    query?: string,
    overrides?: Partial<ResponseFunctionWebSearch>,
  ): ResponseFunctionWebSearch;
  webSearchInProgress(itemId: string, outputIndex: number): ResponseWebSearchCallInProgressEvent;
  webSearchSearching(itemId: string, outputIndex: number): ResponseWebSearchCallSearchingEvent;
  webSearchCompleted(itemId: string, outputIndex: number): ResponseWebSearchCallCompletedEvent;
  /** A `file_search_call` output item (status `completed`, no results by default). */
  fileSearchCall(
    id: string,
    queries?: readonly string[],
    overrides?: Partial<ResponseFileSearchToolCall>,
  ): ResponseFileSearchToolCall;
  fileSearchInProgress(itemId: string, outputIndex: number): ResponseFileSearchCallInProgressEvent;
  fileSearchSearching(itemId: string, outputIndex: number): ResponseFileSearchCallSearchingEvent;
  fileSearchCompleted(itemId: string, outputIndex: number): ResponseFileSearchCallCompletedEvent;
  /** A `code_interpreter_call` output item (status `completed`, no outputs by default; add `{ type: 'image', url }`). */
  codeInterpreterCall(
    id: string,
    code?: string | null,
    overrides?: Partial<ResponseCodeInterpreterToolCall>,
  ): ResponseCodeInterpreterToolCall;
  codeInterpreterInProgress(itemId: string, outputIndex: number): ResponseCodeInterpreterCallInProgressEvent;
  codeInterpreterCodeDelta(
    itemId: string,
    outputIndex: number,
    delta: string,
  ): ResponseCodeInterpreterCallCodeDeltaEvent;
  codeInterpreterCodeDone(
    itemId: string,
    outputIndex: number,
    code: string,
  ): ResponseCodeInterpreterCallCodeDoneEvent;
  codeInterpreterInterpreting(
    itemId: string,
    outputIndex: number,
  ): ResponseCodeInterpreterCallInterpretingEvent;
  codeInterpreterCompleted(itemId: string, outputIndex: number): ResponseCodeInterpreterCallCompletedEvent;
  /** A `url_citation` annotation of the text from `startIndex` to `endIndex` (exclusive). */
  urlCitation(
    startIndex: number,
    endIndex: number,
    url: string,
    title?: string,
  ): ResponseOutputText.URLCitation;
  /** A `file_citation` annotation at `index`. */
  fileCitation(fileId: string, index: number, filename?: string): ResponseOutputText.FileCitation;
  /** A `response.output_text.annotation.added` event (content part 0 by default). */
  annotationAdded(
    itemId: string,
    outputIndex: number,
    annotationIndex: number,
    annotation: ResponseOutputText['annotations'][number],
    contentIndex?: number,
  ): ResponseOutputTextAnnotationAddedEvent;
  /**
   * An event type the SDK's union does not know (the API adds new ones, e.g. `keepalive`), typed as a
   * `ResponseStreamEvent` so it can be mixed in: operators must pass or ignore it.
   */
  unknown(type: string, fields?: Record<string, unknown>): ResponseStreamEvent;
}

/**
 * Creates an {@link EventFactory}: typed event builders with automatic `sequence_number`s.
 *
 * @example
 * ```ts
 * import { createEventFactory } from 'rxjs-openai/testing';
 *
 * const e = createEventFactory();
 * const events = [e.created(), e.imageCompleted('ig_1', 0), e.outputItemDone(e.imageCall({ id: 'ig_1' }), 0), e.completed()];
 * ```
 *
 * @param options `startSequenceNumber` (default 0), `responseId` (default `resp_test`), and `background` (the
 *   responses say `background: true`, as one created in the background does; default false).
 * @return A factory whose events number themselves in creation order.
 */
export function createEventFactory(
  options: { startSequenceNumber?: number; responseId?: string; background?: boolean | undefined } = {},
): EventFactory {
  let sequence = options.startSequenceNumber ?? 0;
  const responseId = options.responseId ?? 'resp_test';
  const seq = () => sequence++;

  const response = (overrides: Partial<Response> = {}): Response => ({
    id: responseId,
    object: 'response',
    created_at: 1_764_000_000,
    status: 'in_progress',
    model: 'gpt-5',
    output: [],
    output_text: '',
    error: null,
    incomplete_details: null,
    instructions: null,
    metadata: null,
    parallel_tool_calls: true,
    temperature: 1,
    tool_choice: 'auto',
    tools: [{ type: 'image_generation' }],
    top_p: 1,
    access_programs: null,
    ...(options.background ? { background: true } : {}),
    ...overrides,
  });

  return {
    get nextSequenceNumber() {
      return sequence;
    },
    response,
    imageCall: (overrides) => ({
      type: 'image_generation_call',
      status: 'completed',
      // A finished item carries its bytes; one still in progress has none yet.
      result: (overrides.status ?? 'completed') === 'completed' ? SAMPLE_PNGS[0]!.b64 : null,
      output_format: 'png',
      size: '1024x1024',
      quality: 'medium',
      background: 'opaque',
      revised_prompt: null,
      ...overrides,
    }),
    message: (id, text, status = 'completed') => ({
      id,
      type: 'message',
      role: 'assistant',
      status,
      content: [{ type: 'output_text', text, annotations: [] }],
    }),
    created: (r) => ({ type: 'response.created', sequence_number: seq(), response: response(r) }),
    inProgress: (r) => ({ type: 'response.in_progress', sequence_number: seq(), response: response(r) }),
    completed: (r) => ({
      type: 'response.completed',
      sequence_number: seq(),
      response: response({ status: 'completed', ...r }),
    }),
    failed: (r) => ({
      type: 'response.failed',
      sequence_number: seq(),
      response: response({
        status: 'failed',
        error: { code: 'server_error', message: 'The model failed to generate a response.' },
        ...r,
      }),
    }),
    incomplete: (reason = 'max_output_tokens', r) => ({
      type: 'response.incomplete',
      sequence_number: seq(),
      response: response({ status: 'incomplete', incomplete_details: { reason }, ...r }),
    }),
    error: (message, code = 'server_error') => ({
      type: 'error',
      sequence_number: seq(),
      code,
      message,
      param: null,
    }),
    outputItemAdded: (item, outputIndex) => ({
      type: 'response.output_item.added',
      sequence_number: seq(),
      output_index: outputIndex,
      item,
    }),
    outputItemDone: (item, outputIndex) => ({
      type: 'response.output_item.done',
      sequence_number: seq(),
      output_index: outputIndex,
      item,
    }),
    imageInProgress: (itemId, outputIndex) => ({
      type: 'response.image_generation_call.in_progress',
      sequence_number: seq(),
      item_id: itemId,
      output_index: outputIndex,
    }),
    imageGenerating: (itemId, outputIndex) => ({
      type: 'response.image_generation_call.generating',
      sequence_number: seq(),
      item_id: itemId,
      output_index: outputIndex,
    }),
    imagePartial: (itemId, outputIndex, index, b64) => ({
      type: 'response.image_generation_call.partial_image',
      sequence_number: seq(),
      item_id: itemId,
      output_index: outputIndex,
      partial_image_index: index,
      partial_image_b64: b64,
      output_format: 'png',
    }),
    imageCompleted: (itemId, outputIndex) => ({
      type: 'response.image_generation_call.completed',
      sequence_number: seq(),
      item_id: itemId,
      output_index: outputIndex,
    }),
    contentPartAdded: (itemId, outputIndex) => ({
      type: 'response.content_part.added',
      sequence_number: seq(),
      item_id: itemId,
      output_index: outputIndex,
      content_index: 0,
      part: { type: 'output_text', text: '', annotations: [] },
    }),
    contentPartDone: (itemId, outputIndex, text) => ({
      type: 'response.content_part.done',
      sequence_number: seq(),
      item_id: itemId,
      output_index: outputIndex,
      content_index: 0,
      part: { type: 'output_text', text, annotations: [] },
    }),
    textDelta: (itemId, outputIndex, delta) => ({
      type: 'response.output_text.delta',
      sequence_number: seq(),
      item_id: itemId,
      output_index: outputIndex,
      content_index: 0,
      delta,
      logprobs: [],
    }),
    textDone: (itemId, outputIndex, text) => ({
      type: 'response.output_text.done',
      sequence_number: seq(),
      item_id: itemId,
      output_index: outputIndex,
      content_index: 0,
      text,
      logprobs: [],
    }),
    functionCall: (overrides) => ({
      type: 'function_call',
      call_id: `call_${overrides.id}`,
      arguments: '{}',
      status: 'completed',
      ...overrides,
    }),
    functionCallArgumentsDelta: (itemId, outputIndex, delta) => ({
      type: 'response.function_call_arguments.delta',
      sequence_number: seq(),
      item_id: itemId,
      output_index: outputIndex,
      delta,
    }),
    functionCallArgumentsDone: (itemId, outputIndex, args) => ({
      type: 'response.function_call_arguments.done',
      sequence_number: seq(),
      item_id: itemId,
      output_index: outputIndex,
      arguments: args,
    }),
    customToolCall: (overrides) => ({
      type: 'custom_tool_call',
      call_id: `call_${overrides.id}`,
      input: '',
      ...overrides,
    }),
    customToolCallInputDelta: (itemId, outputIndex, delta) => ({
      type: 'response.custom_tool_call_input.delta',
      sequence_number: seq(),
      item_id: itemId,
      output_index: outputIndex,
      delta,
    }),
    customToolCallInputDone: (itemId, outputIndex, input) => ({
      type: 'response.custom_tool_call_input.done',
      sequence_number: seq(),
      item_id: itemId,
      output_index: outputIndex,
      input,
    }),
    mcpCall: (overrides) => ({
      type: 'mcp_call',
      server_label: 'mcp',
      arguments: '{}',
      output: null,
      error: null,
      status: 'completed',
      ...overrides,
    }),
    mcpCallArgumentsDelta: (itemId, outputIndex, delta) => ({
      type: 'response.mcp_call_arguments.delta',
      sequence_number: seq(),
      item_id: itemId,
      output_index: outputIndex,
      delta,
    }),
    mcpCallArgumentsDone: (itemId, outputIndex, args) => ({
      type: 'response.mcp_call_arguments.done',
      sequence_number: seq(),
      item_id: itemId,
      output_index: outputIndex,
      arguments: args,
    }),
    mcpCallInProgress: (itemId, outputIndex) => ({
      type: 'response.mcp_call.in_progress',
      sequence_number: seq(),
      item_id: itemId,
      output_index: outputIndex,
    }),
    mcpCallCompleted: (itemId, outputIndex) => ({
      type: 'response.mcp_call.completed',
      sequence_number: seq(),
      item_id: itemId,
      output_index: outputIndex,
    }),
    mcpCallFailed: (itemId, outputIndex) => ({
      type: 'response.mcp_call.failed',
      sequence_number: seq(),
      item_id: itemId,
      output_index: outputIndex,
    }),
    reasoning: (id, summary = [], overrides = {}) => ({
      id,
      type: 'reasoning',
      summary: summary.map((text) => ({ type: 'summary_text', text })),
      status: 'completed',
      ...overrides,
    }),
    reasoningSummaryPartAdded: (itemId, outputIndex, summaryIndex) => ({
      type: 'response.reasoning_summary_part.added',
      sequence_number: seq(),
      item_id: itemId,
      output_index: outputIndex,
      summary_index: summaryIndex,
      part: { type: 'summary_text', text: '' },
    }),
    reasoningSummaryPartDone: (itemId, outputIndex, summaryIndex, text) => ({
      type: 'response.reasoning_summary_part.done',
      sequence_number: seq(),
      item_id: itemId,
      output_index: outputIndex,
      summary_index: summaryIndex,
      part: { type: 'summary_text', text },
    }),
    reasoningSummaryTextDelta: (itemId, outputIndex, summaryIndex, delta) => ({
      type: 'response.reasoning_summary_text.delta',
      sequence_number: seq(),
      item_id: itemId,
      output_index: outputIndex,
      summary_index: summaryIndex,
      delta,
    }),
    reasoningSummaryTextDone: (itemId, outputIndex, summaryIndex, text) => ({
      type: 'response.reasoning_summary_text.done',
      sequence_number: seq(),
      item_id: itemId,
      output_index: outputIndex,
      summary_index: summaryIndex,
      text,
    }),
    reasoningTextPartAdded: (itemId, outputIndex, contentIndex) => ({
      type: 'response.content_part.added',
      sequence_number: seq(),
      item_id: itemId,
      output_index: outputIndex,
      content_index: contentIndex,
      part: { type: 'reasoning_text', text: '' },
    }),
    reasoningTextDelta: (itemId, outputIndex, contentIndex, delta) => ({
      type: 'response.reasoning_text.delta',
      sequence_number: seq(),
      item_id: itemId,
      output_index: outputIndex,
      content_index: contentIndex,
      delta,
    }),
    reasoningTextDone: (itemId, outputIndex, contentIndex, text) => ({
      type: 'response.reasoning_text.done',
      sequence_number: seq(),
      item_id: itemId,
      output_index: outputIndex,
      content_index: contentIndex,
      text,
    }),
    webSearchCall: (id, query = 'news', overrides = {}) => ({
      id,
      type: 'web_search_call',
      status: 'completed',
      action: { type: 'search', query, queries: [query] },
      ...overrides,
    }),
    webSearchInProgress: (itemId, outputIndex) => ({
      type: 'response.web_search_call.in_progress',
      sequence_number: seq(),
      item_id: itemId,
      output_index: outputIndex,
    }),
    webSearchSearching: (itemId, outputIndex) => ({
      type: 'response.web_search_call.searching',
      sequence_number: seq(),
      item_id: itemId,
      output_index: outputIndex,
    }),
    webSearchCompleted: (itemId, outputIndex) => ({
      type: 'response.web_search_call.completed',
      sequence_number: seq(),
      item_id: itemId,
      output_index: outputIndex,
    }),
    fileSearchCall: (id, queries = [], overrides = {}) => ({
      id,
      type: 'file_search_call',
      status: 'completed',
      queries: [...queries],
      results: null,
      ...overrides,
    }),
    fileSearchInProgress: (itemId, outputIndex) => ({
      type: 'response.file_search_call.in_progress',
      sequence_number: seq(),
      item_id: itemId,
      output_index: outputIndex,
    }),
    fileSearchSearching: (itemId, outputIndex) => ({
      type: 'response.file_search_call.searching',
      sequence_number: seq(),
      item_id: itemId,
      output_index: outputIndex,
    }),
    fileSearchCompleted: (itemId, outputIndex) => ({
      type: 'response.file_search_call.completed',
      sequence_number: seq(),
      item_id: itemId,
      output_index: outputIndex,
    }),
    codeInterpreterCall: (id, code = null, overrides = {}) => ({
      id,
      type: 'code_interpreter_call',
      status: 'completed',
      code,
      container_id: 'cntr_test',
      outputs: null,
      ...overrides,
    }),
    codeInterpreterInProgress: (itemId, outputIndex) => ({
      type: 'response.code_interpreter_call.in_progress',
      sequence_number: seq(),
      item_id: itemId,
      output_index: outputIndex,
    }),
    codeInterpreterCodeDelta: (itemId, outputIndex, delta) => ({
      type: 'response.code_interpreter_call_code.delta',
      sequence_number: seq(),
      item_id: itemId,
      output_index: outputIndex,
      delta,
    }),
    codeInterpreterCodeDone: (itemId, outputIndex, code) => ({
      type: 'response.code_interpreter_call_code.done',
      sequence_number: seq(),
      item_id: itemId,
      output_index: outputIndex,
      code,
    }),
    codeInterpreterInterpreting: (itemId, outputIndex) => ({
      type: 'response.code_interpreter_call.interpreting',
      sequence_number: seq(),
      item_id: itemId,
      output_index: outputIndex,
    }),
    codeInterpreterCompleted: (itemId, outputIndex) => ({
      type: 'response.code_interpreter_call.completed',
      sequence_number: seq(),
      item_id: itemId,
      output_index: outputIndex,
    }),
    urlCitation: (startIndex, endIndex, url, title = url) => ({
      type: 'url_citation',
      start_index: startIndex,
      end_index: endIndex,
      url,
      title,
    }),
    fileCitation: (fileId, index, filename = `${fileId}.pdf`) => ({
      type: 'file_citation',
      file_id: fileId,
      filename,
      index,
    }),
    annotationAdded: (itemId, outputIndex, annotationIndex, annotation, contentIndex = 0) => ({
      type: 'response.output_text.annotation.added',
      sequence_number: seq(),
      item_id: itemId,
      output_index: outputIndex,
      content_index: contentIndex,
      annotation_index: annotationIndex,
      annotation,
    }),
    unknown: (type, fields = {}) =>
      ({ type, sequence_number: seq(), ...fields }) as unknown as ResponseStreamEvent,
  };
}
