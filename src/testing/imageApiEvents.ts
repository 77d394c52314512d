import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import type { Observable } from 'rxjs';
import type { ImageModerationDetails } from '../errors';
import { imagesApiImageId } from '../internal/imagesApi';
import type {
  ImageBackground,
  ImageEditClient,
  ImageEditParamsStreaming,
  ImageEditStreamEvent,
  ImageGenerateParamsStreaming,
  ImageGenerationCallItem,
  ImageGenerationClient,
  ImageGenStreamEvent,
  ImageQuality,
  ImagesApiCompletedEvent,
  ImagesApiEventStream,
  ImagesApiPartialImageEvent,
  ImagesApiStreamEvent,
  ImageUsage,
} from '../types';
import { serve } from './fakeResponsesClient';
import { SAMPLE_PNGS } from './samplePngs';
import {
  clampPartials,
  type ImageGenerationEventsOptions,
  imageGenerationScenario,
  type ScenarioImage,
} from './scenarios';

/** Internal: the categories of a moderation block, `['violence']` when none are asked (a new list each time). */
export function moderationCategoriesOr(categories: readonly string[] | undefined): readonly string[] {
  return categories ?? ['violence'];
}

/** Which Images API endpoint's events: `client.images.generate` (`image_generation.*`) or `client.images.edit` (`image_edit.*`). */
export type ImagesApiKind = 'generation' | 'edit';

/** The settings every event of an Images API stream repeats. */
export interface ImagesApiEventSettings {
  /** `image_generation.*` (default) or `image_edit.*` events. */
  readonly kind?: ImagesApiKind;
  /** The events' `created_at` (default 1764000000). */
  readonly createdAt?: number;
  /** Default `png`. The Images API streams `png`, `webp` or `jpeg`. */
  readonly outputFormat?: 'png' | 'webp' | 'jpeg';
  /** Default `1024x1024`. */
  readonly size?: string;
  /** Default `medium`. */
  readonly quality?: ImageQuality;
  /** Default `opaque`. */
  readonly background?: ImageBackground;
}

/** Typed builders for the Images API's stream events (they carry no `sequence_number`). */
export interface ImagesApiEventFactory {
  /** A preview: `image_generation.partial_image` (or `image_edit.partial_image`). */
  partial(index: number, b64: string): ImagesApiPartialImageEvent;
  /** The final image: `image_generation.completed` (or `image_edit.completed`), with `usage` (a sample by default). */
  completed(b64: string, usage?: ImageUsage): ImagesApiCompletedEvent;
  /**
   * An `error` event as the API sends it in a stream, nested (`{ type: 'error', error: { type, code, message,
   * param } }`); not a member of the SDK's union (the SDK 7 client throws it as its `APIError`), so typed as one
   * for mixing in.
   */
  error(message: string, code?: string | null, details?: Record<string, unknown>): ImagesApiStreamEvent;
}

/** A plausible `usage` of one 1024x1024 image. */
export const SAMPLE_IMAGE_USAGE: ImageUsage = {
  input_tokens: 50,
  input_tokens_details: { image_tokens: 0, text_tokens: 50 },
  output_tokens: 1056,
  total_tokens: 1106,
};

/**
 * Creates an {@link ImagesApiEventFactory}: typed builders for `image_generation.*` or `image_edit.*` events.
 *
 * @example
 * ```ts
 * import { from } from 'rxjs';
 * import { withFinalImage } from 'rxjs-openai';
 * import { createImagesApiEventFactory, SAMPLE_PNGS } from 'rxjs-openai/testing';
 *
 * const e = createImagesApiEventFactory({ kind: 'edit' });
 * from([e.partial(0, SAMPLE_PNGS[0].previewB64), e.completed(SAMPLE_PNGS[0].b64)]).pipe(withFinalImage());
 * ```
 *
 * @param settings The endpoint (`kind`), `created_at` and the settings the events repeat.
 * @return The factory.
 */
export function createImagesApiEventFactory(settings: ImagesApiEventSettings = {}): ImagesApiEventFactory {
  const prefix = settings.kind === 'edit' ? 'image_edit' : 'image_generation';
  const common = {
    created_at: settings.createdAt ?? 1_764_000_000,
    output_format: settings.outputFormat ?? 'png',
    size: settings.size ?? '1024x1024',
    quality: settings.quality ?? 'medium',
    background: settings.background ?? 'opaque',
  } as const;
  return {
    partial: (index, b64) =>
      ({
        type: `${prefix}.partial_image`,
        b64_json: b64,
        partial_image_index: index,
        ...common,
      }) as ImagesApiPartialImageEvent,
    completed: (b64, usage = SAMPLE_IMAGE_USAGE) =>
      ({ type: `${prefix}.completed`, b64_json: b64, usage, ...common }) as ImagesApiCompletedEvent,
    error: (message, code = 'server_error', details = {}) =>
      ({
        type: 'error',
        error: { type: 'server_error', code, message, param: null, ...details },
      }) as unknown as ImagesApiStreamEvent,
  };
}

/** How an Images API scenario ends. */
export type ImagesApiScenarioEnd =
  /** With the completion event: the final image (what the API sends). */
  | 'completed'
  /** After the previews, without a completion event: a cut stream. */
  | 'truncated'
  /** After the previews, with an `error` event: the generated image was blocked by moderation. */
  | 'moderation';

/** Options of {@link imagesApiScenario}. */
export interface ImagesApiScenarioOptions extends ImagesApiEventSettings {
  /** Previews before the final image, 0 to 3 as the API allows (default 2). */
  readonly partials?: 0 | 1 | 2 | 3;
  /** The final image, base64 (default: the first sample PNG). */
  readonly image?: string;
  /** Preview `p`'s bytes (default: the sample PNG's preview). */
  readonly previews?: (partialIndex: number) => string;
  /** How the stream ends (default `completed`). */
  readonly end?: ImagesApiScenarioEnd;
  /** With `end: 'moderation'`: the categories in the error's `moderation_details` (default `['violence']`). */
  readonly moderationCategories?: readonly string[];
}

/** The events of an Images API stream, and the image they carry. */
export interface ImagesApiScenario {
  readonly events: ImagesApiStreamEvent[];
  /** The image: its derived id (what the operators call it), index 0, its final bytes and previews. */
  readonly image: ScenarioImage;
}

/**
 * The message the API gives a request blocked by moderation, with its `safety_violations`.
 *
 * @example
 * ```ts
 * import { moderationMessage } from 'rxjs-openai/testing';
 * moderationMessage(['violence']); // '... safety_violations=[violence].'
 * ```
 *
 * @param categories The categories the message lists.
 * @return The message.
 */
export function moderationMessage(categories: readonly string[]): string {
  return `Your request was rejected by the safety system. If you believe this is an error, contact us and include the request ID. safety_violations=[${categories.join(', ')}].`;
}

/**
 * The events of one Images API stream (`client.images.generate` or `.edit` with `stream: true`): `partials`
 * previews, then the completion event with the final image and its usage; or, with `end`, a stream cut after
 * the previews, or one that ends with an `error` event (`moderation_blocked`, its `moderation_details` at
 * stage `output`, as a generated image blocked by moderation).
 *
 * @example
 * ```ts
 * import { from } from 'rxjs';
 * import { imageStates } from 'rxjs-openai';
 * import { imagesApiScenario } from 'rxjs-openai/testing';
 *
 * const { events, image } = imagesApiScenario({ partials: 2 });
 * from(events).pipe(imageStates()).subscribe((list) => console.log(list[0]?.itemId === image.itemId));
 * ```
 *
 * @param options The endpoint, the previews, the bytes, the settings and how the stream ends.
 * @return The events and the image.
 */
export function imagesApiScenario(options: ImagesApiScenarioOptions = {}): ImagesApiScenario {
  const e = createImagesApiEventFactory(options);
  const b64 = options.image ?? SAMPLE_PNGS[0]!.b64;
  const count = clampPartials(options.partials);
  const partials = Array.from(
    { length: count },
    (_, p) => options.previews?.(p) ?? SAMPLE_PNGS[0]!.previewB64,
  );
  const events: ImagesApiStreamEvent[] = partials.map((preview, p) => e.partial(p, preview));
  const end = options.end ?? 'completed';
  if (end === 'completed') events.push(e.completed(b64));
  else if (end === 'moderation') {
    const categories = moderationCategoriesOr(options.moderationCategories);
    const details: ImageModerationDetails = { categories, moderation_stage: 'output' };
    events.push(
      e.error(moderationMessage(categories), 'moderation_blocked', {
        type: 'image_generation_user_error',
        moderation_details: details,
      }),
    );
  }
  const first = events[0] ?? e.completed(b64);
  return { events, image: { itemId: imagesApiImageId(first), outputIndex: 0, b64, partials } };
}

/** Options of {@link moderatedImageGenerationEvents}. */
export interface ModeratedImageGenerationOptions extends Omit<ImageGenerationEventsOptions, 'order'> {
  /** The categories in the item's `moderation_details` (default `['violence']`). */
  readonly moderationCategories?: readonly string[];
}

/**
 * The Responses API's way of reporting an image blocked by moderation: the events of
 * `imageGenerationScenario`, except that the first image's call ends `failed` (no completion event, no bytes)
 * with the error the API gives, `moderation_blocked` and its `moderation_details` (stage `output`), in
 * `output_item.done` and in `response.completed`'s output. `withFinalImage()` errors with
 * `ImageGenerationError` on it; `imageStates()` shows the image as `failed`.
 *
 * @example
 * ```ts
 * import { from } from 'rxjs';
 * import { withFinalImage } from 'rxjs-openai';
 * import { moderatedImageGenerationEvents } from 'rxjs-openai/testing';
 *
 * from(moderatedImageGenerationEvents()).pipe(withFinalImage()).subscribe({ error: (e) => console.log(e.moderationDetails) });
 * ```
 *
 * @param options The scenario's options, and the moderation categories.
 * @return The events.
 */
export function moderatedImageGenerationEvents(
  options: ModeratedImageGenerationOptions = {},
): ResponseStreamEvent[] {
  const { moderationCategories, ...scenarioOptions } = options;
  const { events, images } = imageGenerationScenario({ ...scenarioOptions, order: 'completed-first' });
  const blocked = images[0]?.itemId;
  return blocked === undefined
    ? events
    : blockImage(events, blocked, moderationCategoriesOr(moderationCategories));
}

/**
 * Internal to the kit (the local server uses it too): `events` with image `itemId` blocked by moderation at
 * stage `output`, as the Responses API reports it (see {@link moderatedImageGenerationEvents}).
 */
export function blockImage(
  events: readonly ResponseStreamEvent[],
  itemId: string,
  categories: readonly string[],
): ResponseStreamEvent[] {
  const fail = (item: ImageGenerationCallItem): ImageGenerationCallItem =>
    item.id !== itemId
      ? item
      : ({
          ...item,
          status: 'failed',
          result: null,
          error: {
            type: 'image_generation_user_error',
            code: 'moderation_blocked',
            message: moderationMessage(categories),
            param: null,
            moderation_details: { categories: [...categories], moderation_stage: 'output' },
          },
        } as ImageGenerationCallItem);
  return events.flatMap((event): ResponseStreamEvent[] => {
    switch (event.type) {
      case 'response.image_generation_call.completed':
        return event.item_id === itemId ? [] : [event];
      case 'response.output_item.done':
        return event.item.type === 'image_generation_call' ? [{ ...event, item: fail(event.item) }] : [event];
      case 'response.completed':
        return [
          {
            ...event,
            response: {
              ...event.response,
              output: event.response.output.map((item) =>
                item.type === 'image_generation_call' ? fail(item) : item,
              ),
            },
          },
        ];
      default:
        return [event];
    }
  });
}

/** What a fake Images API client serves for one request: events as an array, an async iterable or an Observable. */
export type FakeImagesEventSource<E extends ImagesApiStreamEvent = ImagesApiStreamEvent> =
  | readonly E[]
  | AsyncIterable<E>
  | Observable<E>;

/** One recorded call of the fake's `images.generate` or `images.edit`. */
export interface FakeImagesCall {
  /** `generate` or `edit`. */
  readonly method: 'generate' | 'edit';
  /** The request body it was called with (`stream: true` included; files as given). */
  readonly params: ImageGenerateParamsStreaming | ImageEditParamsStreaming;
  /** The request options it was called with (`signal` included). */
  readonly options: { signal?: AbortSignal | null; [option: string]: unknown } | undefined;
  /** Whether the request's signal has been aborted (read live). */
  readonly aborted: boolean;
}

/** A client whose `images.generate` and `images.edit` serve given events, and record every call. */
export interface FakeImagesClient extends ImageGenerationClient, ImageEditClient {
  images: ImageGenerationClient['images'] & ImageEditClient['images'];
  /** Every call so far, in order. */
  readonly calls: readonly FakeImagesCall[];
}

/**
 * A client for tests of code that uses `streamImageGeneration` / `streamImageEdit`: `images.generate` and
 * `images.edit` serve `source` (the same for every call, or a function of the call), without a network. As
 * `fakeResponsesClient`: an array or an Observable is subscribed synchronously, so a `TestScheduler`'s
 * virtual time sees every event; every call is recorded.
 *
 * @example
 * ```ts
 * import { streamImageGeneration, withFinalImage } from 'rxjs-openai';
 * import { fakeImagesClient, imagesApiScenario } from 'rxjs-openai/testing';
 *
 * const client = fakeImagesClient(imagesApiScenario({ partials: 1 }).events);
 * streamImageGeneration(client, { model: 'gpt-image-1.5', prompt: 'a fox' }).pipe(withFinalImage()).subscribe(console.log);
 * client.calls[0]?.params.stream; // true
 * ```
 *
 * @param source The events to serve, or a function of the call (method, params, 0-based number) returning them.
 * @return The fake client, with `calls` recorded.
 */
export function fakeImagesClient(
  source:
    | FakeImagesEventSource
    | ((
        method: 'generate' | 'edit',
        params: ImageGenerateParamsStreaming | ImageEditParamsStreaming,
        callIndex: number,
      ) => FakeImagesEventSource),
): FakeImagesClient {
  const calls: FakeImagesCall[] = [];
  const call = <E extends ImagesApiStreamEvent>(
    method: 'generate' | 'edit',
    params: ImageGenerateParamsStreaming | ImageEditParamsStreaming,
    options: FakeImagesCall['options'],
  ): PromiseLike<ImagesApiEventStream<E>> => {
    const signal = options?.signal ?? undefined;
    calls.push({
      method,
      params,
      options,
      get aborted() {
        return signal?.aborted === true;
      },
    });
    const events = typeof source === 'function' ? source(method, params, calls.length - 1) : source;
    return serve(events as FakeImagesEventSource<E>, signal);
  };
  return {
    calls,
    images: {
      generate: (params: ImageGenerateParamsStreaming, options?: FakeImagesCall['options']) =>
        call<ImageGenStreamEvent>('generate', params, options),
      edit: (params: ImageEditParamsStreaming, options?: FakeImagesCall['options']) =>
        call<ImageEditStreamEvent>('edit', params, options),
    },
  };
}
