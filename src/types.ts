import type {
  ImageEditCompletedEvent,
  ImageEditParamsStreaming,
  ImageEditPartialImageEvent,
  ImageEditStreamEvent,
  ImageGenCompletedEvent,
  ImageGenerateParamsStreaming,
  ImageGenPartialImageEvent,
  ImageGenStreamEvent,
} from 'openai/resources/images';
import type {
  ResponseCreateParamsStreaming,
  ResponseImageGenCallCompletedEvent,
  ResponseImageGenCallPartialImageEvent,
  ResponseOutputItem,
  ResponseStreamEvent,
} from 'openai/resources/responses/responses';

export type {
  ImageEditCompletedEvent,
  ImageEditParamsStreaming,
  ImageEditPartialImageEvent,
  ImageEditStreamEvent,
  ImageGenCompletedEvent,
  ImageGenerateParamsStreaming,
  ImageGenPartialImageEvent,
  ImageGenStreamEvent,
} from 'openai/resources/images';

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

/** Which API an image came from: the Responses API's `image_generation` tool, or the Images API. */
export type ImageSource = 'responses' | 'images';

/**
 * The Images API's stream events: what `client.images.generate({ stream: true })` (`image_generation.*`) and
 * `client.images.edit({ stream: true })` (`image_edit.*`) yield, a preview or the final image each.
 */
export type ImagesApiStreamEvent = ImageGenStreamEvent | ImageEditStreamEvent;

/** Every event the image operators read: the Responses API's and the Images API's. */
export type ImageStreamEvent = ResponseStreamEvent | ImagesApiStreamEvent;

/** The Images API's completion events: the final image, its settings and its usage. */
export type ImagesApiCompletedEvent = ImageGenCompletedEvent | ImageEditCompletedEvent;

/** The Images API's preview events. */
export type ImagesApiPartialImageEvent = ImageGenPartialImageEvent | ImageEditPartialImageEvent;

/** An image's file format, as the API reports it (`output_format`); `png` is the API's default. */
export type ImageOutputFormat = 'png' | 'webp' | 'jpeg' | 'gif' | 'svg';

/** An image's quality setting, as the API reports it. */
export type ImageQuality = 'low' | 'medium' | 'high' | 'xhigh' | 'max' | 'auto';

/** An image's background setting, as the API reports it. */
export type ImageBackground = 'transparent' | 'opaque' | 'auto';

/** Whether the image was generated or edited (`auto`: the model chose), as the API reports it. */
export type ImageAction = 'generate' | 'edit' | 'auto';

/** The token usage of one image, as the Images API's completion event carries it (GPT image models only). */
export type ImageUsage = ImageGenCompletedEvent.Usage;

/**
 * One finished image of a Responses API stream: the completion event, its output item and the final bytes.
 * Emitted by `withFinalImage()` and `partialAndFinalImages()`.
 *
 * The fields after `completed` hold the same facts for both APIs (see {@link ImagesApiFinalImage}), so that
 * code that shows or saves images works with either; the operators always set them. They are optional in the
 * type only so that objects written by hand before they existed (test fixtures) still compile.
 */
export interface ResponsesFinalImage {
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
  /** Where the image came from: the Responses API. */
  readonly source?: 'responses';
  /** The response's id (`resp_...`), once an event of the stream told it: what `nextImageTurn` continues from. */
  readonly responseId?: string | null;
  /** The item's `output_format`, or `null` when the item does not say (then it is `png`, the API's default). */
  readonly outputFormat?: ImageOutputFormat | null;
  /** The item's `size` (`1024x1024`, ...), or `null`. */
  readonly size?: string | null;
  /** The item's `quality`, or `null`. */
  readonly quality?: ImageQuality | null;
  /** The item's `background`, or `null`. */
  readonly background?: ImageBackground | null;
  /** The item's `action` (`generate`, `edit`, `auto`), or `null` where the API or the SDK does not give it. */
  readonly action?: ImageAction | null;
  /** The prompt the image was made from after the model rewrote it (the item's `revised_prompt`), or `null`. */
  readonly revisedPrompt?: string | null;
  /** `null`: the Responses API reports usage per response (`response.usage`), not per image. */
  readonly usage?: ImageUsage | null;
}

/**
 * One finished image of an Images API stream (`streamImageGeneration`, `streamImageEdit`): the completion
 * event and its bytes, with the same fields as {@link ResponsesFinalImage}, so that code written for one API
 * works with the other.
 *
 * The Images API gives an image no id: `itemId` is derived from the stream, `img_<key>_<index>`, where `key`
 * is made of the `created_at` and a hash of the bytes of the stream's first event, and `index` is the image's
 * index in the request (always 0: a stream carries one image, see `streamImageGeneration`). It is the same in
 * every operator that reads the stream (they see the same first event), on both ends of a relay, and in every
 * run of a test; two streams get different ids unless their first events are equal.
 *
 * `item` is the image as an `image_generation_call` item (the shape the Responses API gives it), built from
 * the completion event, so that code reading `image.item.output_format` works for both APIs. It was never an
 * item of a response: it cannot be referenced by id in a later request (`nextImageTurn` sends the bytes).
 */
export interface ImagesApiFinalImage {
  /** Where the image came from: the Images API. */
  readonly source: 'images';
  /** The id derived for the image: `img_<key>_<index>` (see above). */
  readonly itemId: string;
  /** The image's index in the request: 0. */
  readonly outputIndex: number;
  /** The final image, base64-encoded (the completion event's `b64_json`). */
  readonly b64: string;
  /** The image as an `image_generation_call` item, built from the completion event (see above). */
  readonly item: ImageGenerationCallItem;
  /** `null`: the Responses API's completion event; the Images API's is {@link event}. */
  readonly completed: null;
  /** The `image_generation.completed` or `image_edit.completed` event. */
  readonly event: ImagesApiCompletedEvent;
  /** `null`: the Images API makes no response. */
  readonly responseId: null;
  /** The completion event's `output_format`. */
  readonly outputFormat: ImageOutputFormat;
  /** The completion event's `size`. */
  readonly size: string;
  /** The completion event's `quality`. */
  readonly quality: ImageQuality;
  /** The completion event's `background`. */
  readonly background: ImageBackground;
  /** `generate` (`image_generation.completed`) or `edit` (`image_edit.completed`). */
  readonly action: 'generate' | 'edit';
  /** `null`: the Images API's GPT image models do not rewrite the prompt. */
  readonly revisedPrompt: null;
  /** The completion event's `usage`, or `null` when it carries none. */
  readonly usage: ImageUsage | null;
}

/**
 * One finished image, as the image operators emit it for events of type `E`: a {@link ResponsesFinalImage} for
 * the Responses API's events (the default), an {@link ImagesApiFinalImage} for the Images API's, either for a
 * stream that may carry both. `image.source` tells them apart.
 */
export type FinalImage<E extends ImageStreamEvent = ResponseStreamEvent> = E extends ImagesApiStreamEvent
  ? ImagesApiFinalImage
  : ResponsesFinalImage;

/** A finished image of either API: `ResponsesFinalImage | ImagesApiFinalImage`. */
export type AnyFinalImage = FinalImage<ImageStreamEvent>;

/**
 * One progressive preview of an image of a Responses API stream. Emitted by `partialImages()`.
 *
 * The fields after `event` hold the same facts for both APIs (see {@link ImagesApiPartialImage}); the operators
 * always set them, and they are optional in the type only so that objects written by hand still compile.
 */
export interface ResponsesPartialImage {
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
  /** Where the image came from: the Responses API. */
  readonly source?: 'responses';
  /** The event's `output_format`, or `null` when it does not say. */
  readonly outputFormat?: ImageOutputFormat | null;
  /** The event's `size`, or `null`. */
  readonly size?: string | null;
  /** The event's `quality`, or `null`. */
  readonly quality?: ImageQuality | null;
  /** The event's `background`, or `null`. */
  readonly background?: ImageBackground | null;
}

/**
 * One progressive preview of an image of an Images API stream, with the same fields as
 * {@link ResponsesPartialImage}; `itemId` is derived as {@link ImagesApiFinalImage}'s is (the same id for the
 * previews and the final image of one stream).
 */
export interface ImagesApiPartialImage {
  /** Where the image came from: the Images API. */
  readonly source: 'images';
  /** The id derived for the image (see {@link ImagesApiFinalImage}). */
  readonly itemId: string;
  /** The image's index in the request: 0. */
  readonly outputIndex: number;
  /** The preview's 0-based index (`partial_image_index`). */
  readonly index: number;
  /** The preview, base64-encoded (`b64_json`). */
  readonly b64: string;
  /** The `image_generation.partial_image` or `image_edit.partial_image` event it came from. */
  readonly event: ImagesApiPartialImageEvent;
  /** The event's `output_format`. */
  readonly outputFormat: ImageOutputFormat;
  /** The event's `size`. */
  readonly size: string;
  /** The event's `quality`. */
  readonly quality: ImageQuality;
  /** The event's `background`. */
  readonly background: ImageBackground;
}

/**
 * One progressive preview, as the image operators emit it for events of type `E` (see {@link FinalImage}).
 * Emitted by `partialImages()`.
 */
export type PartialImage<E extends ImageStreamEvent = ResponseStreamEvent> = E extends ImagesApiStreamEvent
  ? ImagesApiPartialImage
  : ResponsesPartialImage;

/** A preview of either API: `ResponsesPartialImage | ImagesApiPartialImage`. */
export type AnyPartialImage = PartialImage<ImageStreamEvent>;

/** Where an image is in its life, as `imageStates()` reports it. */
export type ImageStatus = 'in_progress' | 'generating' | 'partial' | 'completed' | 'failed';

/**
 * The state of one image of a response (or of an Images API stream), for UIs. Emitted (as a list) by
 * `imageStates()`, the same type whichever API the events come from.
 */
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
  /**
   * The final image once known, else `null`: from either API (`final.source` tells which), so that a UI shows
   * images of both with the same code.
   */
  readonly final: AnyFinalImage | null;
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

/**
 * The Cancel of the Responses sources (`streamResponse`, `resumeResponse`, `resumable`): unsubscribing from a
 * background response before its terminal event calls `client.responses.cancel(id)`, so that it stops running
 * (and billing) on the API's side.
 */
export interface CancelOnUnsubscribeOptions {
  /**
   * Whether unsubscribing (or your `signal` aborting) before the terminal event of a background response
   * cancels it with `client.responses.cancel(id)` (default `true`). Completion and errors (a dropped
   * connection that `resumable()` resumes) never cancel, nor does a relay (`rxjs-openai/server`) when its
   * browser goes away. A client without `responses.cancel` is skipped.
   */
  cancelOnUnsubscribe?: boolean | undefined;
  /**
   * Called when the cancel request fails (it runs in teardown, which never throws, so its failure is not
   * an error of the stream): the error, and the id of the response that may still be running.
   */
  onCancelError?: ((error: unknown, responseId: string) => void) | undefined;
}

/** The options of `streamResponse` and `resumeResponse`: the SDK's request options, and what ends the stream. */
export interface ResponseStreamOptions extends StreamRequestOptions, CancelOnUnsubscribeOptions {}

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
    /**
     * Cancels a background response (the SDK's `responses.cancel`); optional: without it, unsubscribing from a
     * background response only closes the connection.
     */
    cancel?(
      responseId: string,
      // biome-ignore lint/suspicious/noExplicitAny: the SDK's RequestOptions is internal; any keeps the real client assignable
      options?: any,
    ): PromiseLike<unknown>;
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

/** What `images.generate` / `images.edit` resolve to with `stream: true`: the SDK's `Stream` (or any async iterable). */
export type ImagesApiEventStream<E extends ImagesApiStreamEvent = ImagesApiStreamEvent> = AsyncIterable<E> & {
  controller?: AbortController;
};

/**
 * The part of an OpenAI client that `streamImageGeneration` needs: `images.generate`. The real `OpenAI` client
 * fits, and so do fakes (see `fakeImagesClient` in `rxjs-openai/testing`).
 */
export interface ImageGenerationClient {
  images: {
    generate(
      body: ImageGenerateParamsStreaming,
      // biome-ignore lint/suspicious/noExplicitAny: the SDK's RequestOptions is internal; any keeps the real client assignable
      options?: any,
    ): PromiseLike<ImagesApiEventStream<ImageGenStreamEvent>>;
  };
}

/**
 * The part of an OpenAI client that `streamImageEdit` needs: `images.edit` (which uploads the images as
 * multipart form data). The real `OpenAI` client fits, and so do fakes.
 */
export interface ImageEditClient {
  images: {
    edit(
      body: ImageEditParamsStreaming,
      // biome-ignore lint/suspicious/noExplicitAny: the SDK's RequestOptions is internal; any keeps the real client assignable
      options?: any,
    ): PromiseLike<ImagesApiEventStream<ImageEditStreamEvent>>;
  };
}

/** A client of the Images API with both `images.generate` and `images.edit`: the real `OpenAI` client fits. */
export interface ImagesClient {
  images: ImageGenerationClient['images'] & ImageEditClient['images'];
}
