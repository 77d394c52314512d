import type { ResponseOutputItem, ResponseOutputText } from 'openai/resources/responses/responses';
import type { OperatorFunction } from 'rxjs';
import { RxOpenAIError } from '../errors';
import { failureOf, forFinishedItems } from '../internal/events';
import { MAX_ITEMS_PER_RESPONSE } from '../internal/limits';
import { operatePerResponse } from '../internal/operate';
import type { ResponseStreamEvent } from '../types';

/**
 * An annotation of a message's text: `url_citation` (web search: `url`, `title`, `start_index`, `end_index`),
 * `file_citation` (file search: `file_id`, `filename`, `index`), `container_file_citation` (code interpreter:
 * `container_id`, `file_id`, `filename`, `start_index`, `end_index`) or `file_path`.
 */
export type TextAnnotation = ResponseOutputText['annotations'][number];

/** One annotation, where it belongs, and the text it cites when known. Emitted by `citations()`. */
export interface Citation {
  /** The annotation as the API sent it; narrow on `annotation.type`. */
  readonly annotation: TextAnnotation;
  /** The message's item id (`msg_...`). */
  readonly itemId: string;
  /** The message's index in the response's `output`. */
  readonly outputIndex: number;
  /** The text part's index in the message's `content`. */
  readonly contentIndex: number;
  /** The annotation's index within that text part. */
  readonly annotationIndex: number;
  /**
   * The cited text, `text.slice(start_index, end_index)`, for a range annotation (`url_citation`,
   * `container_file_citation`) whose range the text so far covers; else `null` (file citations and paths mark a
   * position, not a range).
   */
  readonly text: string | null;
}

/** More annotations than a response has: the set of those seen stays bounded. */
const MAX_ANNOTATIONS_PER_RESPONSE = 65_536;

/**
 * Emits each annotation of the response's messages (URL, file and container file citations, file paths) with
 * the message and the text part it belongs to, and the text it cites.
 *
 * One value per `response.output_text.annotation.added`, as it comes; annotations that never had one are taken
 * from the message's `response.output_item.done` (or `response.completed`'s output), so none is dropped. Each
 * annotation (by item id, content index and annotation index) is emitted once. To resolve a range annotation's
 * `text`, the operator keeps each text part's text so far (from `response.output_text.delta/.done`); indexes are
 * read as Unicode code points (as the API counts them), which agree with JavaScript string indexes for text
 * without astral characters such as emoji.
 *
 * - `response.failed`, `response.incomplete` and `error` error with the typed errors; other events are ignored,
 *   unknown types included, and so is an `annotation.added` whose `annotation` is `null`.
 * - State belongs to one response (`concatMap`, `repeat()`, `retry()` upstream). It holds the messages' text and
 *   the keys of the annotations seen; at most 4096 text parts and 65536 annotations per response.
 *
 * ```
 * source:  --delta("Paris is big.")--annotation(url 0..13)--done(msg)--completed|
 * result:  --------------------------a-----------------------------------------|
 *            a = { annotation: { type: 'url_citation', url, ... }, text: 'Paris is big.', ... }
 * ```
 *
 * @example
 * ```ts
 * import { citations, streamResponse } from 'rxjs-openai';
 *
 * streamResponse(client, { model: 'gpt-5', input: 'News about Paris?', tools: [{ type: 'web_search' }] })
 *   .pipe(citations())
 *   .subscribe(({ annotation, text }) => {
 *     if (annotation.type === 'url_citation') console.log(`"${text}" (${annotation.title}: ${annotation.url})`);
 *   });
 * ```
 *
 * @return An operator from the response's events to its annotations.
 * @see outputText for the text itself
 */
export function citations(): OperatorFunction<ResponseStreamEvent, Citation> {
  return operatePerResponse<Citation>((subscriber) => {
    /** Each text part's text so far, by item id and content index. */
    const texts = new Map<string, string>();
    /** The annotations emitted, by item id, content index and annotation index. */
    const seen = new Set<string>();

    const setText = (key: string, text: string) => {
      if (!texts.has(key) && texts.size >= MAX_ITEMS_PER_RESPONSE) {
        throw new RxOpenAIError(
          `More than ${MAX_ITEMS_PER_RESPONSE} text parts in one response: refusing to track more.`,
        );
      }
      texts.set(key, text);
    };

    const emit = (
      annotation: TextAnnotation,
      itemId: string,
      outputIndex: number,
      contentIndex: number,
      annotationIndex: number,
      text: string | undefined,
    ) => {
      const key = `${partKey(itemId, contentIndex)}\u0000${annotationIndex}`;
      if (seen.has(key)) return;
      if (seen.size >= MAX_ANNOTATIONS_PER_RESPONSE) {
        throw new RxOpenAIError(
          `More than ${MAX_ANNOTATIONS_PER_RESPONSE} annotations in one response: refusing to track more.`,
        );
      }
      seen.add(key);
      subscriber.next({
        annotation,
        itemId,
        outputIndex,
        contentIndex,
        annotationIndex,
        text: citedText(annotation, text),
      });
    };

    /** A finished message: the annotations that never had an `annotation.added` event. */
    const reconcile = (item: ResponseOutputItem | null | undefined, outputIndex: number) => {
      if (item?.type !== 'message' || !Array.isArray(item.content)) return;
      item.content.forEach((part, contentIndex) => {
        if (part?.type !== 'output_text' || !Array.isArray(part.annotations)) return;
        part.annotations.forEach((annotation, annotationIndex) => {
          if (annotation != null)
            emit(annotation, item.id, outputIndex, contentIndex, annotationIndex, part.text);
        });
      });
    };

    return {
      next(event) {
        switch (event.type) {
          case 'response.output_text.delta': {
            if (event.delta === '') return;
            const key = partKey(event.item_id, event.content_index);
            setText(key, (texts.get(key) ?? '') + event.delta);
            return;
          }
          case 'response.output_text.done':
            setText(partKey(event.item_id, event.content_index), event.text);
            return;
          case 'response.output_text.annotation.added': {
            const annotation = event.annotation as TextAnnotation | null;
            if (annotation == null) return;
            const text = texts.get(partKey(event.item_id, event.content_index));
            emit(
              annotation,
              event.item_id,
              event.output_index,
              event.content_index,
              event.annotation_index,
              text,
            );
            return;
          }
          case 'response.output_item.done':
          case 'response.completed':
            forFinishedItems(event, reconcile);
            return;
          default: {
            const failure = failureOf(event);
            if (failure) throw failure;
          }
        }
      },
      teardown: () => {
        texts.clear();
        seen.clear();
      },
    };
  });
}

function partKey(itemId: string, contentIndex: number): string {
  return `${itemId}\u0000${contentIndex}`;
}

/** The text a range annotation covers, when `text` reaches its end; else `null`. */
function citedText(annotation: TextAnnotation, text: string | undefined): string | null {
  if (text === undefined || !('start_index' in annotation) || !('end_index' in annotation)) return null;
  const start = annotation.start_index;
  const end = annotation.end_index;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) return null;
  // Indexes count code points: only text with surrogate pairs needs the slower slice.
  if (!/[\uD800-\uDFFF]/.test(text)) return end <= text.length ? text.slice(start, end) : null;
  const codePoints = Array.from(text);
  return end <= codePoints.length ? codePoints.slice(start, end).join('') : null;
}
