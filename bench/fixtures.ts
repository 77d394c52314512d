// Synthetic event streams for the in-memory benchmarks (no network, no base64 work: strings are shared).
import { createEventFactory } from '../src/testing/events';
import type { ResponseStreamEvent } from '../src/types';

/** The shape of one synthetic response. */
export interface SyntheticResponseOptions {
  /** Images in the response, interleaved round-robin. */
  images: number;
  /** Partial previews per image. */
  partials: number;
  /** Text deltas before the images (a message the model writes). */
  textDeltas: number;
  /** The final image's base64 string (shared by all images: the operators never copy it). */
  b64?: string;
  /** The previews' base64 string. */
  previewB64?: string;
  /** Prefix of item ids, so that responses can be told apart. */
  idPrefix?: string;
}

/**
 * The event sequence of one response: created, in_progress, a text message of `textDeltas` deltas, then
 * `images` interleaved image generation calls (added, in_progress, generating, partials, completed,
 * output_item.done with the bytes), then `response.completed` with the whole output.
 */
export function syntheticResponse(options: SyntheticResponseOptions): ResponseStreamEvent[] {
  const e = createEventFactory();
  const b64 = options.b64 ?? 'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQ';
  const previewB64 = options.previewB64 ?? 'iVBORw0KGgoAAAANSUhEUgAAAAQAAAAE';
  const prefix = options.idPrefix ?? 'ig_';
  const events: ResponseStreamEvent[] = [e.created(), e.inProgress()];
  const message = e.message('msg_1', 'x'.repeat(options.textDeltas));
  events.push(e.outputItemAdded({ ...message, status: 'in_progress', content: [] }, 0));
  events.push(e.contentPartAdded('msg_1', 0));
  for (let i = 0; i < options.textDeltas; i++) events.push(e.textDelta('msg_1', 0, 'x'));
  events.push(e.textDone('msg_1', 0, 'x'.repeat(options.textDeltas)));
  events.push(e.outputItemDone(message, 0));

  const output = [
    message,
    ...Array.from({ length: options.images }, (_, i) =>
      e.imageCall({ id: `${prefix}${i}`, result: b64, status: 'completed' }),
    ),
  ];
  const steps = Array.from({ length: options.images }, (_, i) => {
    const id = `${prefix}${i}`;
    const outputIndex = i + 1;
    return [
      () => e.outputItemAdded(e.imageCall({ id, status: 'in_progress' }), outputIndex),
      () => e.imageInProgress(id, outputIndex),
      () => e.imageGenerating(id, outputIndex),
      ...Array.from(
        { length: options.partials },
        (_, p) => () => e.imagePartial(id, outputIndex, p, previewB64),
      ),
      () => e.imageCompleted(id, outputIndex),
      () => e.outputItemDone(output[outputIndex]!, outputIndex),
    ];
  });
  const longest = Math.max(0, ...steps.map((s) => s.length));
  for (let k = 0; k < longest; k++) for (const list of steps) if (list[k]) events.push(list[k]!());
  events.push(e.completed({ output }));
  return events;
}
