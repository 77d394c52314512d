// Internal: not part of the public API, not importable from the package.
import type { ImageStreamEvent } from '../types';

// The kinds of event the stateful operators act on. Read once per event from its `type` (`eventKind`), then
// compared as small integers by every part of an operator (the response boundary, the image matcher, the
// preview gate, the call pairing): one string comparison chain per event instead of one per part, and the
// frequent events (deltas) leave it after one or two comparisons (bench/operators.ts).
//
// The response-carrying kinds come first and together, so that "carries a response" is one range check.

/** Any event no part of a stateful operator acts on by kind (text deltas, content parts, keepalives...). */
export const OTHER = 0;
/** `response.created`. */
export const RESPONSE_CREATED = 1;
/** `response.queued`, `response.in_progress`. */
export const RESPONSE_PROGRESS = 2;
/** `response.completed`. */
export const RESPONSE_COMPLETED = 3;
/** `response.failed`, `response.incomplete`. */
export const RESPONSE_FAILED = 4;
/** `error`. */
export const STREAM_ERROR = 5;
/** `response.output_item.added`. */
export const ITEM_ADDED = 6;
/** `response.output_item.done`. */
export const ITEM_DONE = 7;
/** `response.image_generation_call.in_progress`, `.generating`. */
export const IMAGE_PROGRESS = 8;
/** `response.image_generation_call.partial_image`. */
export const IMAGE_PARTIAL = 9;
/** `response.image_generation_call.completed`. */
export const IMAGE_COMPLETED = 10;
/** `image_generation.partial_image`, `image_edit.partial_image` (the Images API). */
export const IMAGES_API_PARTIAL = 11;
/** `image_generation.completed`, `image_edit.completed` (the Images API). */
export const IMAGES_API_COMPLETED = 12;
/** `response.function_call_arguments.delta`. */
export const FUNCTION_ARGUMENTS_DELTA = 13;
/** `response.function_call_arguments.done`. */
export const FUNCTION_ARGUMENTS_DONE = 14;
/** `response.custom_tool_call_input.delta`. */
export const CUSTOM_INPUT_DELTA = 15;
/** `response.custom_tool_call_input.done`. */
export const CUSTOM_INPUT_DONE = 16;

/** One of the kinds above. */
export type EventKind = number;

/** Whether an event of this kind carries a response (`response.created` to `response.incomplete`). */
export function carriesResponse(kind: EventKind): boolean {
  return kind >= RESPONSE_CREATED && kind <= RESPONSE_FAILED;
}

/** The kind of an event, by its `type`. */
export function eventKind(type: string): EventKind {
  // Typed as the SDK's event types, so that a misspelt case does not compile.
  switch (type as ImageStreamEvent['type']) {
    // The frequent events first: most of a stream's events are deltas.
    case 'response.output_text.delta':
      return OTHER;
    case 'response.function_call_arguments.delta':
      return FUNCTION_ARGUMENTS_DELTA;
    case 'response.reasoning_summary_text.delta':
    case 'response.reasoning_text.delta':
      return OTHER;
    case 'response.image_generation_call.partial_image':
      return IMAGE_PARTIAL;
    case 'response.custom_tool_call_input.delta':
      return CUSTOM_INPUT_DELTA;
    case 'response.created':
      return RESPONSE_CREATED;
    case 'response.queued':
    case 'response.in_progress':
      return RESPONSE_PROGRESS;
    case 'response.completed':
      return RESPONSE_COMPLETED;
    case 'response.failed':
    case 'response.incomplete':
      return RESPONSE_FAILED;
    case 'error':
      return STREAM_ERROR;
    case 'response.output_item.added':
      return ITEM_ADDED;
    case 'response.output_item.done':
      return ITEM_DONE;
    case 'response.image_generation_call.in_progress':
    case 'response.image_generation_call.generating':
      return IMAGE_PROGRESS;
    case 'response.image_generation_call.completed':
      return IMAGE_COMPLETED;
    case 'image_generation.partial_image':
    case 'image_edit.partial_image':
      return IMAGES_API_PARTIAL;
    case 'image_generation.completed':
    case 'image_edit.completed':
      return IMAGES_API_COMPLETED;
    case 'response.function_call_arguments.done':
      return FUNCTION_ARGUMENTS_DONE;
    case 'response.custom_tool_call_input.done':
      return CUSTOM_INPUT_DONE;
    default:
      return OTHER;
  }
}
