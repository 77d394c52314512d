import type {
  ResponseOutputItem,
  ResponseOutputMessage,
  ResponseStreamEvent,
} from 'openai/resources/responses/responses';
import type { ImageGenerationCallItem } from '../types';
import { createEventFactory, type EventFactory } from './events';
import { SAMPLE_PNGS } from './samplePngs';

/** How the events of a finished image are ordered, including the orders seen from proxies. */
export type ImageEventOrder =
  /** What the API sends: `image_generation_call.completed`, then `output_item.done` with the bytes. */
  | 'completed-first'
  /** `output_item.done` with the bytes first, then `image_generation_call.completed`. */
  | 'item-first'
  /** No `image_generation_call.completed` at all (some proxies drop it). */
  | 'no-completed-event'
  /** `output_item.done` without bytes; they come only in `response.completed`'s output. */
  | 'bytes-in-response-completed';

/** One image of a scenario. */
export interface ScenarioImage {
  readonly itemId: string;
  readonly outputIndex: number;
  /** The final image, base64-encoded. */
  readonly b64: string;
  /** The previews sent before it, in order. */
  readonly partials: readonly string[];
}

/** Options of {@link imageGenerationEvents}. */
export interface ImageGenerationEventsOptions {
  /** How many images (default 1), or their final bytes (base64); previews repeat each image's sample preview. */
  images?: number | readonly string[];
  /** Partial previews per image, 0 to 3 as the API allows (default 2). */
  partials?: 0 | 1 | 2 | 3;
  /** The bytes (base64) of preview `partialIndex` of image `imageIndex`; the image's sample preview by default. */
  previews?: (imageIndex: number, partialIndex: number) => string;
  /** The order of each image's final events (default `completed-first`, the API's). */
  order?: ImageEventOrder;
  /** Send the images' events round-robin rather than one image after the other (default false). */
  interleave?: boolean;
  /** A text message before the images (as the model often writes one); none by default. */
  text?: string;
  /**
   * The response id. By default each scenario gets its own (`resp_test_1`, `resp_test_2`, ...), and so do its
   * items (`ig_1_0001`, `msg_1_0001`), so that concatenated scenarios are distinct responses, as real ones are;
   * give an id to pin it (the item ids are then `ig_0001`, `msg_0001`, ...).
   */
  responseId?: string;
  /**
   * Mark the response `background: true` in its lifecycle events, as the API does for a response created in
   * the background, so that `resumable()` can resume it (default false).
   */
  background?: boolean;
  /** The first `sequence_number` (default 0). */
  startSequenceNumber?: number;
}

/** The events of {@link imageGenerationEvents} and the images they carry. */
export interface ImageGenerationScenario {
  readonly events: ResponseStreamEvent[];
  readonly images: readonly ScenarioImage[];
  readonly text: string | null;
}

/**
 * The full, realistic event sequence of an image generation response: `response.created`,
 * `response.in_progress`, then per image `output_item.added`, `image_generation_call.in_progress`,
 * `generating`, N `partial_image`s, `completed` and `output_item.done` (bytes), then `response.completed`
 * with the whole output. Several images run one after the other, or interleaved.
 *
 * @example
 * ```ts
 * import { from } from 'rxjs';
 * import { withFinalImage } from 'rxjs-openai';
 * import { imageGenerationEvents } from 'rxjs-openai/testing';
 *
 * from(imageGenerationEvents({ images: 2, interleave: true })).pipe(withFinalImage()).subscribe(console.log);
 * ```
 *
 * @param options Number of images, previews, order of the final events, interleaving, text.
 * @return The events, in order.
 * @see imageGenerationScenario for the events together with the expected images.
 */
export function imageGenerationEvents(options: ImageGenerationEventsOptions = {}): ResponseStreamEvent[] {
  return imageGenerationScenario(options).events;
}

/**
 * Like {@link imageGenerationEvents}, and also returns the images the events carry, to assert against.
 *
 * @example
 * ```ts
 * const { events, images } = imageGenerationScenario({ images: 3, order: 'item-first' });
 * expect(received.map((i) => i.b64)).toEqual(images.map((i) => i.b64));
 * ```
 *
 * @param options See {@link ImageGenerationEventsOptions}.
 * @return The events, the images (item id, output index, bytes, previews) and the text.
 */
export function imageGenerationScenario(options: ImageGenerationEventsOptions = {}): ImageGenerationScenario {
  const order = options.order ?? 'completed-first';
  const partialCount = options.partials ?? 2;
  const finals =
    typeof options.images === 'object'
      ? options.images
      : Array.from(
          { length: options.images ?? 1 },
          (_, i) => (SAMPLE_PNGS[i % SAMPLE_PNGS.length] ?? SAMPLE_PNGS[0])!.b64,
        );
  // Ids of their own unless pinned: concatenated scenarios are distinct responses.
  const tag = options.responseId === undefined ? `${++scenarioCount}_` : '';
  const e = createEventFactory({
    responseId: options.responseId ?? `resp_test_${scenarioCount}`,
    startSequenceNumber: options.startSequenceNumber ?? 0,
    background: options.background,
  });
  const text = options.text ?? null;
  const firstImageIndex = text === null ? 0 : 1;
  const messageId = `msg_${tag}0001`;

  const images: ScenarioImage[] = finals.map((b64, i) => ({
    itemId: `ig_${tag}${String(i + 1).padStart(4, '0')}`,
    outputIndex: firstImageIndex + i,
    b64,
    partials: Array.from({ length: partialCount }, (_, p) => options.previews?.(i, p) ?? previewFor(i)),
  }));

  const events: ResponseStreamEvent[] = [e.created(), e.inProgress()];
  const output: ResponseOutputItem[] = [];
  if (text !== null) output.push(pushMessageEvents(e, events, messageId, 0, text, splitText));

  // Each image is a list of steps (functions, so sequence numbers follow the order they are sent in).
  const steps = images.map((image) => {
    const { itemId, outputIndex } = image;
    const done = e.imageCall({ id: itemId, result: image.b64, status: 'completed' });
    output.push(done);
    const list: Array<() => ResponseStreamEvent> = [
      () => e.outputItemAdded(e.imageCall({ id: itemId, status: 'in_progress' }), outputIndex),
      () => e.imageInProgress(itemId, outputIndex),
      () => e.imageGenerating(itemId, outputIndex),
      ...image.partials.map((b64, p) => () => e.imagePartial(itemId, outputIndex, p, b64)),
    ];
    const doneItem: ImageGenerationCallItem =
      order === 'bytes-in-response-completed' ? { ...done, result: null } : done;
    const completedStep = () => e.imageCompleted(itemId, outputIndex);
    const doneStep = () => e.outputItemDone(doneItem, outputIndex);
    if (order === 'completed-first' || order === 'bytes-in-response-completed')
      list.push(completedStep, doneStep);
    else if (order === 'item-first') list.push(doneStep, completedStep);
    else list.push(doneStep);
    return list;
  });

  events.push(...runSteps(steps, options.interleave));

  events.push(e.completed({ output, output_text: text ?? '' }));
  return { events, images, text };
}

/** How many scenarios this module has made: the next one's ids. */
let scenarioCount = 0;

/**
 * Internal: runs each item's steps (functions, so that sequence numbers follow the order the events are sent in),
 * one item after the other, or round-robin (`interleave`).
 */
export function runSteps(
  lists: readonly (readonly (() => ResponseStreamEvent)[])[],
  interleave = false,
): ResponseStreamEvent[] {
  const events: ResponseStreamEvent[] = [];
  if (interleave) {
    const longest = Math.max(0, ...lists.map((list) => list.length));
    for (let i = 0; i < longest; i++) for (const list of lists) if (list[i]) events.push(list[i]!());
  } else {
    for (const list of lists) for (const step of list) events.push(step());
  }
  return events;
}

/**
 * Internal: pushes a message's events to `events` (added, part added, its text in the deltas `split` makes,
 * text done, part done, done); returns the finished message.
 */
export function pushMessageEvents(
  e: EventFactory,
  events: ResponseStreamEvent[],
  itemId: string,
  outputIndex: number,
  text: string,
  split: (text: string) => string[],
): ResponseOutputMessage {
  const message = e.message(itemId, text);
  events.push(e.outputItemAdded({ ...message, status: 'in_progress', content: [] }, outputIndex));
  events.push(e.contentPartAdded(itemId, outputIndex));
  for (const delta of split(text)) events.push(e.textDelta(itemId, outputIndex, delta));
  events.push(e.textDone(itemId, outputIndex, text), e.contentPartDone(itemId, outputIndex, text));
  events.push(e.outputItemDone(message, outputIndex));
  return message;
}

/** Internal: the number of previews per image the API allows (0 to 3), 2 by default. */
export function clampPartials(partials: number | undefined): 0 | 1 | 2 | 3 {
  return Math.max(0, Math.min(3, Math.floor(partials ?? 2))) as 0 | 1 | 2 | 3;
}

function previewFor(imageIndex: number): string {
  return (SAMPLE_PNGS[imageIndex % SAMPLE_PNGS.length] ?? SAMPLE_PNGS[0])!.previewB64;
}

function splitText(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [text];
}
