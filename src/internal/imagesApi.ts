// Internal: not part of the public API, not importable from the package.
import type {
  ImageGenerationCallItem,
  ImagesApiCompletedEvent,
  ImagesApiFinalImage,
  ImagesApiPartialImage,
  ImagesApiPartialImageEvent,
  ImagesApiStreamEvent,
} from '../types';

/** How many characters of an event's base64 the id's hash reads, spread over the whole string. */
const HASHED_CHARS = 64;

/**
 * The id of the image an Images API stream carries, derived from the stream's first event (the API gives
 * none): `img_<key>_0`, where `key` is the event's `created_at` and a hash of its type and bytes (64
 * characters spread over the base64, and its length: a few dozen operations, once per stream), and `0` the
 * image's index in the request (a stream carries one image). A pure function of the event, so every operator
 * reading the stream, and both ends of a relay, derive the same id.
 */
export function imagesApiImageId(event: ImagesApiStreamEvent): string {
  const b64 = typeof event.b64_json === 'string' ? event.b64_json : '';
  let hash = 0x811c9dc5;
  const mix = (value: number) => {
    hash = Math.imul(hash ^ value, 0x01000193);
  };
  for (let i = 0; i < event.type.length; i++) mix(event.type.charCodeAt(i));
  const step = Math.max(1, Math.floor(b64.length / HASHED_CHARS));
  for (let i = 0; i < b64.length; i += step) mix(b64.charCodeAt(i));
  mix(b64.length);
  const createdAt = Number.isFinite(event.created_at) ? Math.max(0, Math.floor(event.created_at)) : 0;
  return `img_${createdAt.toString(36)}${(hash >>> 0).toString(36).padStart(7, '0')}_0`;
}

/** The id of the image of the Images API stream being read: derived from its first event, until cleared. */
export class ImagesApiImageId {
  private id: string | null = null;

  /** The stream's image id (derived from `event` if it is the stream's first). */
  of(event: ImagesApiStreamEvent): string {
    this.id ??= imagesApiImageId(event);
    return this.id;
  }

  /** Forgets it: the next event begins another stream. */
  clear(): void {
    this.id = null;
  }
}

/**
 * The final image of an Images API completion event, with the fields a Responses image has: its `item` is
 * the image as an `image_generation_call` item (the shape the Responses API gives it).
 */
export function imagesApiFinalImage(event: ImagesApiCompletedEvent, itemId: string): ImagesApiFinalImage {
  const action = event.type === 'image_edit.completed' ? 'edit' : 'generate';
  const item = {
    type: 'image_generation_call',
    id: itemId,
    status: 'completed',
    result: event.b64_json,
    action,
    output_format: event.output_format,
    size: event.size,
    quality: event.quality,
    background: event.background,
    revised_prompt: null,
  } as ImageGenerationCallItem;
  return {
    source: 'images',
    itemId,
    outputIndex: 0,
    b64: event.b64_json,
    item,
    completed: null,
    event,
    responseId: null,
    outputFormat: event.output_format,
    size: event.size,
    quality: event.quality,
    background: event.background,
    action,
    revisedPrompt: null,
    usage: event.usage ?? null,
  };
}

/** The preview of an Images API preview event. */
export function imagesApiPartialImage(
  event: ImagesApiPartialImageEvent,
  itemId: string,
): ImagesApiPartialImage {
  return {
    source: 'images',
    itemId,
    outputIndex: 0,
    index: event.partial_image_index,
    b64: event.b64_json,
    event,
    outputFormat: event.output_format,
    size: event.size,
    quality: event.quality,
    background: event.background,
  };
}
