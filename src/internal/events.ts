// Internal: not part of the public API, not importable from the package.

import type { ResponseOutputItem } from 'openai/resources/responses/responses';
import { ResponseFailedError, ResponseIncompleteError, ResponseStreamError } from '../errors';
import type { ImageGenerationCallItem, ResponseStreamEvent } from '../types';

/** The three events that end a response; a stream without one was cut. */
export function isTerminalEvent(event: { type: string }): boolean {
  const type = event.type;
  return type === 'response.completed' || type === 'response.failed' || type === 'response.incomplete';
}

/** Which events end a stream, for the source that reads it: a stream that ends before one was cut. */
export type TerminalEventRule = (event: { type: string }) => boolean;

/** The events that end an Images API stream (of one image): its completion event, with the final image. */
export function isImagesApiTerminalEvent(event: { type: string }): boolean {
  const type = event.type;
  return type === 'image_generation.completed' || type === 'image_edit.completed';
}

/** The end of a stream of either API: a response's terminal event, or an Images API image's completion event. */
export function isAnyTerminalEvent(event: { type: string }): boolean {
  return isTerminalEvent(event) || isImagesApiTerminalEvent(event);
}

/** The typed error for a failure event (`error`, `response.failed`, `response.incomplete`), else `null`. */
export function failureOf(event: ResponseStreamEvent): Error | null {
  switch (event.type) {
    case 'error':
      return new ResponseStreamError(event);
    case 'response.failed':
      return new ResponseFailedError(event.response);
    case 'response.incomplete':
      return new ResponseIncompleteError(event.response);
    default:
      return null;
  }
}

/** Whether an output item is an image generation call. */
export function isImageCall(item: ResponseOutputItem | null | undefined): item is ImageGenerationCallItem {
  return item != null && item.type === 'image_generation_call';
}

/** The `sequence_number` of an event, or `null` for events without one (keepalives from some proxies). */
export function sequenceNumberOf(event: unknown): number | null {
  const n = (event as { sequence_number?: unknown } | null)?.sequence_number;
  return typeof n === 'number' ? n : null;
}

/**
 * Calls `visit` for each output item that `event` says is finished: `response.output_item.done`'s item, or every
 * item of `response.completed`'s output (at its position: its last chance to be seen). Returns whether the event
 * is `response.completed`, when what is still unfinished is missing.
 */
export function forFinishedItems(
  event: ResponseStreamEvent,
  visit: (item: ResponseOutputItem, outputIndex: number) => void,
): boolean {
  if (event.type === 'response.output_item.done') {
    visit(event.item, event.output_index);
    return false;
  }
  if (event.type !== 'response.completed') return false;
  const output = event.response?.output ?? [];
  for (let index = 0; index < output.length; index++) visit(output[index] as ResponseOutputItem, index);
  return true;
}

/** The key of an output item in a response: its id, or `#<output index>` for an item without one. */
export function itemKeyOf(item: { id?: string | null }, outputIndex: number): string {
  return typeof item.id === 'string' && item.id !== '' ? item.id : `#${outputIndex}`;
}

/** What an event that carries a response (`response.created`...) says of it: its id, and whether it runs in the background (`null`: not said). */
export interface CarriedResponse {
  readonly id: string;
  readonly background: boolean | null;
}

/** The response an event carries, or `null` for an event without one (or without an id). */
export function carriedResponseOf(event: object): CarriedResponse | null {
  const response = (event as { response?: { id?: unknown; background?: unknown } | null }).response;
  if (!response || typeof response.id !== 'string') return null;
  return {
    id: response.id,
    background: typeof response.background === 'boolean' ? response.background : null,
  };
}
