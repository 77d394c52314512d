import type { ResponseInput, ResponseInputItem } from 'openai/resources/responses/responses';
import type { AnyFinalImage, ImageState } from '../types';
import { imageDataUrl } from './dataUrls';

/** Options of {@link nextImageTurn}. */
export interface NextImageTurnOptions {
  /** What to change, in words: the next turn's user message. */
  readonly prompt: string;
  /**
   * Whether the response that made the image was stored (`store` not `false`, the API's default). Stored, the
   * next turn continues it by `previous_response_id`, and nothing is sent again. Not stored, the API has
   * nothing to continue from: the image itself is sent (see {@link imageAs}), and the next turn is not stored
   * either (`store: false`).
   */
  readonly store: boolean;
  /**
   * How the image is sent when it must be (`store: false`, or an image the Images API made, which has no
   * response to continue):
   * - `input_image` (the default): in the user message, as a `data:` URL (`input_image`), which any model
   *   with image input reads, and which works for images of both APIs;
   * - `image_generation_call`: the Responses API's own item, passed back as an input item with its id and
   *   bytes (`{ type: 'image_generation_call', id, result, status }`, the SDK's `ResponseInputItem`), so the
   *   model sees its earlier tool call. Only for images of the Responses API (an Images API image has no item
   *   id the API knows): for those, `input_image` is used.
   */
  readonly imageAs?: 'input_image' | 'image_generation_call';
  /** The `detail` of an `input_image` (default `auto`). */
  readonly detail?: 'low' | 'high' | 'auto';
}

/**
 * The fields of the next turn's `responses.create` body that continue an image: spread them into your
 * request with the model and the `image_generation` tool (`action: 'edit'` to insist on editing).
 */
export interface ImageTurnRequest {
  /** The next turn's input: the prompt alone, or the image and the prompt. */
  readonly input: string | ResponseInput;
  /** The response that made the image, when it is stored and known. */
  readonly previous_response_id?: string;
  /** `false` when the previous response was not stored: the chain stays unstored. */
  readonly store?: false;
}

/**
 * Builds the next turn of a multi-turn image edit with the Responses API from an image you have: a
 * `FinalImage` (of `withFinalImage()`, `partialAndFinalImages()`) or an `ImageState` (of `imageStates()`, once
 * `completed`), of either API.
 *
 * - The response was stored (`store: true`) and its id is known (`image.responseId`): the next turn is
 *   `{ previous_response_id, input: prompt }`. The API has the whole conversation, image included; nothing is
 *   uploaded again.
 * - Otherwise (`store: false`, or an image of the Images API, which makes no response): the image goes in the
 *   input, as an `input_image` data URL in the user message (default), or as the `image_generation_call` item
 *   itself (see {@link NextImageTurnOptions.imageAs}); after an unstored response the next turn is
 *   `store: false` too. (An `item_reference` needs the item stored, so it is never used.)
 *
 * ```
 * turn 1:  responses.create({ input: 'A red fox', tools })        → image 1 (resp_1)
 * turn 2:  { previous_response_id: 'resp_1', input: 'at night' }  → image 2 (resp_2)     (stored)
 * turn 2:  { input: [{ role: 'user', content: ['at night', image 1] }], store: false }   (not stored)
 * ```
 *
 * @example
 * ```ts
 * import { lastValueFrom } from 'rxjs';
 * import { nextImageTurn, streamResponse, withFinalImage } from 'rxjs-openai';
 *
 * const tools = [{ type: 'image_generation' as const, partial_images: 1 }];
 * let image = await lastValueFrom(streamResponse(client, { model: 'gpt-5', input: 'A red fox', tools }).pipe(withFinalImage()));
 * for (const prompt of ['Now at night', 'Add snow']) {
 *   const turn = nextImageTurn(image, { prompt, store: true });
 *   image = await lastValueFrom(streamResponse(client, { model: 'gpt-5', tools, ...turn }).pipe(withFinalImage()));
 * }
 * ```
 *
 * @param image The image to continue from: a final image, or the state of a completed image.
 * @param options The prompt, whether the response was stored, and how to send the image otherwise.
 * @return The fields to spread into the next `responses.create` (or `streamResponse`) body.
 * @throws Error when `image` is an `ImageState` that is not `completed` yet (it has no final image).
 */
export function nextImageTurn(
  image: AnyFinalImage | ImageState,
  options: NextImageTurnOptions,
): ImageTurnRequest {
  const final = 'status' in image ? image.final : image;
  if (!final) {
    throw new Error(
      `nextImageTurn: image ${image.itemId} has no final image yet (status ${(image as ImageState).status}).`,
    );
  }
  const responseId = final.source === 'images' ? null : (final.responseId ?? null);
  if (options.store && responseId !== null) {
    return { previous_response_id: responseId, input: options.prompt };
  }
  const prompt: ResponseInputItem = { role: 'user', content: options.prompt };
  if (options.imageAs === 'image_generation_call' && final.source !== 'images') {
    const item = {
      type: 'image_generation_call',
      id: final.itemId,
      result: final.b64,
      status: 'completed',
    } as ResponseInputItem;
    return { input: [item, prompt], ...unstored(options) };
  }
  const format = final.outputFormat ?? final.item.output_format ?? null;
  const withImage = {
    role: 'user',
    content: [
      { type: 'input_text', text: options.prompt },
      { type: 'input_image', image_url: imageDataUrl(final.b64, format), detail: options.detail ?? 'auto' },
    ],
  } as ResponseInputItem;
  return { input: [withImage], ...unstored(options) };
}

/** `store: false` for the next turn when the previous response was not stored. */
function unstored(options: NextImageTurnOptions): { store?: false } {
  return options.store ? {} : { store: false };
}
