import type {
  ResponseCreateParamsStreaming,
  ResponseImageGenCallCompletedEvent,
  ResponseImageGenCallPartialImageEvent,
  ResponseOutputItem,
  ResponseStreamEvent,
} from 'openai/resources/responses/responses';

export type {
  Response,
  ResponseCreateParamsStreaming,
  ResponseImageGenCallCompletedEvent,
  ResponseImageGenCallPartialImageEvent,
  ResponseStreamEvent,
} from 'openai/resources/responses/responses';

/** Every `type` string of the SDK's `ResponseStreamEvent` union. */
export type ResponseStreamEventType = ResponseStreamEvent['type'];

/** The member of `ResponseStreamEvent` whose `type` is `T`. */
export type ResponseStreamEventOf<T extends ResponseStreamEventType> = Extract<
  ResponseStreamEvent,
  { type: T }
>;

/** An `image_generation_call` output item: the image's metadata and, once final, its base64 bytes in `result`. */
export type ImageGenerationCallItem = ResponseOutputItem.ImageGenerationCall;

/** One finished image: the completion event, its output item and the final bytes. Emitted by `withFinalImage()`. */
export interface FinalImage {
  /** The image generation call's item id (`ig_...`). */
  readonly itemId: string;
  /** The item's index in the response's `output` array. */
  readonly outputIndex: number;
  /** The final image, base64-encoded (the item's non-null `result`). */
  readonly b64: string;
  /** The `image_generation_call` output item, with `output_format`, `size`, `revised_prompt` and the rest. */
  readonly item: ImageGenerationCallItem;
  /** The `response.image_generation_call.completed` event, or `null` when the bytes came first or it never came. */
  readonly completed: ResponseImageGenCallCompletedEvent | null;
}

/** One progressive preview of an image. Emitted by `partialImages()`. */
export interface PartialImage {
  /** The image generation call's item id. */
  readonly itemId: string;
  /** The item's index in the response's `output` array. */
  readonly outputIndex: number;
  /** The preview's 0-based index (`partial_image_index`). */
  readonly index: number;
  /** The preview, base64-encoded. */
  readonly b64: string;
  /** The `response.image_generation_call.partial_image` event it came from. */
  readonly event: ResponseImageGenCallPartialImageEvent;
}

/** Where an image is in its life, as `imageStates()` reports it. */
export type ImageStatus = 'in_progress' | 'generating' | 'partial' | 'completed' | 'failed';

/** The state of one image of a response, for UIs. Emitted (as a list) by `imageStates()`. */
export interface ImageState {
  /** The image generation call's item id. */
  readonly itemId: string;
  /** The item's index in the response's `output` array: the list is ordered by it. */
  readonly outputIndex: number;
  /** Where the image is: `completed` only once the final bytes are known. */
  readonly status: ImageStatus;
  /** How many previews have been shown: distinct, in increasing index (a duplicated or a late, older preview is not counted). */
  readonly partials: number;
  /** The latest preview, or the final image once known, base64-encoded; `null` before any. */
  readonly b64: string | null;
  /** The final image once known, else `null`. */
  readonly final: FinalImage | null;
  /** Why the image failed, when `status` is `failed`. */
  readonly error?: Error;
}

/**
 * The request options `client.responses.create` takes (`signal`, `timeout`, `headers`, ...), and this
 * library's `idleTimeout`, which is not sent to the SDK.
 */
export interface StreamRequestOptions {
  /**
   * Your own abort signal: when it aborts, the source errors with the SDK's `APIUserAbortError` and the
   * request is aborted (unsubscribing, by contrast, ends silently).
   */
  signal?: AbortSignal | null | undefined;
  /**
   * Milliseconds without an event (the API's `keepalive` events count) once the response has started, before
   * the source errors with `StreamIdleError` and aborts the request. Default 120000; `0` turns it off.
   */
  idleTimeout?: number | undefined;
  [option: string]: unknown;
}

/** What `responses.create` may resolve to: the SDK's `Stream` (or any async iterable of events). */
export type ResponseEventStream = AsyncIterable<ResponseStreamEvent> & { controller?: AbortController };

/**
 * The part of an OpenAI client that `streamResponse` needs: anything with `responses.create`.
 * The real `OpenAI` client fits, and so do fakes (see `fakeResponsesClient` in `rxjs-openai/testing`).
 */
export interface ResponsesClient {
  responses: {
    create(
      body: ResponseCreateParamsStreaming,
      // biome-ignore lint/suspicious/noExplicitAny: the SDK's RequestOptions is internal; any keeps the real client assignable
      options?: any,
    ): PromiseLike<ResponseEventStream>;
    /** Replays a stored response's events; optional here, required by {@link ResumableResponsesClient}. */
    retrieve?(
      responseId: string,
      query: ResponseRetrieveStreamQuery,
      // biome-ignore lint/suspicious/noExplicitAny: the SDK's RequestOptions is internal; any keeps the real client assignable
      options?: any,
    ): PromiseLike<ResponseEventStream>;
  };
}

/** The query `resumeResponse` sends to `responses.retrieve`: stream the events after `starting_after`. */
export interface ResponseRetrieveStreamQuery {
  stream: true;
  starting_after?: number;
}

/**
 * The part of an OpenAI client that `resumeResponse` and `resumable` need: `responses.create` and
 * `responses.retrieve` (which replays a background response's events). The real `OpenAI` client fits.
 */
export interface ResumableResponsesClient extends ResponsesClient {
  responses: ResponsesClient['responses'] & {
    retrieve(
      responseId: string,
      query: ResponseRetrieveStreamQuery,
      // biome-ignore lint/suspicious/noExplicitAny: the SDK's RequestOptions is internal; any keeps the real client assignable
      options?: any,
    ): PromiseLike<ResponseEventStream>;
  };
}
