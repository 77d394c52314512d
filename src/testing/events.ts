import type {
  Response,
  ResponseCompletedEvent,
  ResponseContentPartAddedEvent,
  ResponseContentPartDoneEvent,
  ResponseCreatedEvent,
  ResponseErrorEvent,
  ResponseFailedEvent,
  ResponseImageGenCallCompletedEvent,
  ResponseImageGenCallGeneratingEvent,
  ResponseImageGenCallInProgressEvent,
  ResponseImageGenCallPartialImageEvent,
  ResponseIncompleteEvent,
  ResponseInProgressEvent,
  ResponseOutputItem,
  ResponseOutputItemAddedEvent,
  ResponseOutputItemDoneEvent,
  ResponseOutputMessage,
  ResponseStreamEvent,
  ResponseTextDeltaEvent,
  ResponseTextDoneEvent,
} from 'openai/resources/responses/responses';
import type { ImageGenerationCallItem } from '../types';

/** Typed builders for Responses API stream events; each event gets the next `sequence_number`. */
export interface EventFactory {
  /** The `sequence_number` the next event will get. */
  readonly nextSequenceNumber: number;
  /** A `Response` object with sensible defaults; `overrides` win. */
  response(overrides?: Partial<Response>): Response;
  /** An `image_generation_call` output item (status `completed`, a PNG result by default). */
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
 * @param options `startSequenceNumber` (default 0) and `responseId` (default `resp_test`).
 * @return A factory whose events number themselves in creation order.
 */
export function createEventFactory(
  options: { startSequenceNumber?: number; responseId?: string } = {},
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
      result: null,
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
    unknown: (type, fields = {}) =>
      ({ type, sequence_number: seq(), ...fields }) as unknown as ResponseStreamEvent,
  };
}
