// What the image operators emit for Responses API events, built independently of them from the events.
import type {
  ImageGenerationCallItem,
  ResponseImageGenCallCompletedEvent,
  ResponseImageGenCallPartialImageEvent,
  ResponsesFinalImage,
  ResponsesPartialImage,
} from '../../src/index';

/** The `ResponsesFinalImage` for `item` (its bytes in `result`), with the facts read from the item. */
export function responsesFinal(
  item: ImageGenerationCallItem,
  outputIndex: number,
  completed: ResponseImageGenCallCompletedEvent | null = null,
  responseId: string | null = null,
): ResponsesFinalImage {
  return {
    itemId: item.id,
    outputIndex,
    b64: item.result!,
    item,
    completed,
    source: 'responses',
    responseId,
    outputFormat: item.output_format ?? null,
    size: item.size ?? null,
    quality: item.quality ?? null,
    background: item.background ?? null,
    action: item.action ?? null,
    revisedPrompt: item.revised_prompt ?? null,
    usage: null,
  };
}

/** The `ResponsesPartialImage` of a preview event, with the facts read from the event. */
export function responsesPreview(event: ResponseImageGenCallPartialImageEvent): ResponsesPartialImage {
  return {
    itemId: event.item_id,
    outputIndex: event.output_index,
    index: event.partial_image_index,
    b64: event.partial_image_b64,
    event,
    source: 'responses',
    outputFormat: (event.output_format ?? null) as ResponsesPartialImage['outputFormat'],
    size: event.size ?? null,
    quality: (event.quality ?? null) as ResponsesPartialImage['quality'],
    background: (event.background ?? null) as ResponsesPartialImage['background'],
  };
}
