import type { ResponseOutputItem, ResponseReasoningItem } from 'openai/resources/responses/responses';
import type { OperatorFunction, Subscriber } from 'rxjs';
import { failureOf, forFinishedItems } from '../internal/events';
import { operatePerResponse } from '../internal/operate';
import { type ItemParts, PartTexts } from '../internal/PartTexts';
import type { ResponseStreamEvent } from '../types';

/**
 * Which text of a reasoning item: `summary`, the reasoning summary the API streams when asked for
 * (`reasoning: { summary: 'auto' }`); `reasoning_text`, the raw reasoning text, which the API streams only for
 * some models.
 */
export type ReasoningTextKind = 'summary' | 'reasoning_text';

/** The reasoning text so far, overall and for the part that just changed. Emitted by `reasoningSummaries()`. */
export interface ReasoningSummary {
  /** Which text changed: the summary, or the raw reasoning text. */
  readonly kind: ReasoningTextKind;
  /**
   * All the text of this kind so far: every reasoning item's parts, in output order, separated by a blank line
   * (`\n\n`, as a summary's parts are paragraphs). Empty parts are skipped.
   */
  readonly text: string;
  /** The id of the reasoning item that changed (`rs_...`). */
  readonly itemId: string;
  /** That item's index in the response's `output`. */
  readonly outputIndex: number;
  /** The part that changed: its `summary_index` (summary) or `content_index` (reasoning text). */
  readonly partIndex: number;
  /** That part's text so far. */
  readonly partText: string;
}

/** The text of one kind across a response's reasoning items, each part emitted as it changes. */
class ReasoningTexts {
  private readonly texts: PartTexts;

  constructor(
    private readonly kind: ReasoningTextKind,
    private readonly subscriber: Subscriber<ReasoningSummary>,
  ) {
    this.texts = new PartTexts({ separator: '\n\n', items: 'reasoning items', part: 'Reasoning' });
  }

  /** Makes sure the part exists (a part announced empty), without emitting. */
  touch(itemId: string, outputIndex: number, partIndex: number): void {
    this.texts.item(itemId, outputIndex, partIndex);
  }

  append(itemId: string, outputIndex: number, partIndex: number, delta: string): void {
    if (delta === '') return;
    const item = this.texts.item(itemId, outputIndex, partIndex);
    this.texts.append(item, partIndex, delta);
    this.emit(item, partIndex);
  }

  set(itemId: string, outputIndex: number, partIndex: number, text: string): void {
    const item = this.texts.item(itemId, outputIndex, partIndex);
    if ((item.parts[partIndex] ?? '') === text) return;
    this.texts.replace(item, partIndex, text);
    this.emit(item, partIndex);
  }

  clear(): void {
    this.texts.clear();
  }

  private emit(item: ItemParts, partIndex: number): void {
    this.subscriber.next({
      kind: this.kind,
      text: this.texts.text,
      itemId: item.itemId,
      outputIndex: item.outputIndex,
      partIndex,
      partText: item.parts[partIndex] ?? '',
    });
  }
}

/**
 * Emits the reasoning text written so far after each change: the reasoning summary, and the raw reasoning text
 * where the API streams it, overall (`text`) and for the part that changed (`itemId`, `partIndex`,
 * `partText`).
 *
 * For a UI that shows what the model is "thinking" before its answer or its image starts. One value per
 * `response.reasoning_summary_text.delta` (summary) and `response.reasoning_text.delta` (raw text), and one per
 * `.done`, `response.reasoning_summary_part.added/.done` or finished reasoning item (`response.output_item.done`,
 * `response.completed`) whose text differs from the deltas (the final text wins), so a stream whose deltas were
 * lost still ends with the whole text. `kind` tells the two texts apart; each has its own `text`. A summary
 * comes only when the request asks for one (`reasoning: { summary: 'auto' }`).
 *
 * - `response.failed`, `response.incomplete` and `error` error with the typed errors; other events are ignored,
 *   unknown types included.
 * - State belongs to one response (`concatMap`, `repeat()`, `retry()` upstream): each response starts from an
 *   empty text. It holds the reasoning text only; at most 4096 reasoning items per response and 4096 parts per
 *   item.
 *
 * ```
 * source:  --partAdded--delta("Plan")--delta("ning")--partDone--imageAdded--...--completed|
 * result:  -------------a--------------b------------------------------------------------|
 *            a = { kind: 'summary', text: 'Plan', partText: 'Plan', ... }, b = { text: 'Planning', ... }
 * ```
 *
 * @example
 * ```ts
 * import { toSignal } from '@angular/core/rxjs-interop';
 * import { filter, map } from 'rxjs';
 * import { reasoningSummaries, streamResponse } from 'rxjs-openai';
 *
 * readonly thinking = toSignal(
 *   streamResponse(client, { ...params, reasoning: { effort: 'medium', summary: 'auto' } }).pipe(
 *     reasoningSummaries(),
 *     filter((r) => r.kind === 'summary'),
 *     map((r) => r.text),
 *   ),
 *   { initialValue: '' },
 * );
 * ```
 *
 * @return An operator from the response's events to its reasoning text so far.
 * @see outputText for the answer's text
 */
export function reasoningSummaries(): OperatorFunction<ResponseStreamEvent, ReasoningSummary> {
  return operatePerResponse<ReasoningSummary>((subscriber) => {
    const summary = new ReasoningTexts('summary', subscriber);
    const raw = new ReasoningTexts('reasoning_text', subscriber);

    /** A finished reasoning item: its final texts win over the deltas. */
    const reconcile = (item: ResponseOutputItem | null | undefined, outputIndex: number) => {
      if (item?.type !== 'reasoning' || typeof item.id !== 'string') return;
      const reasoning: ResponseReasoningItem = item;
      const parts = Array.isArray(reasoning.summary) ? reasoning.summary : [];
      parts.forEach((part, index) => {
        if (typeof part?.text === 'string') summary.set(item.id, outputIndex, index, part.text);
      });
      const content = Array.isArray(reasoning.content) ? reasoning.content : [];
      content.forEach((part, index) => {
        if (part?.type === 'reasoning_text' && typeof part.text === 'string')
          raw.set(item.id, outputIndex, index, part.text);
      });
    };

    return {
      next(event) {
        switch (event.type) {
          case 'response.reasoning_summary_part.added':
          case 'response.reasoning_summary_part.done': {
            const text = event.part?.text;
            if (typeof text === 'string' && text !== '')
              summary.set(event.item_id, event.output_index, event.summary_index, text);
            else summary.touch(event.item_id, event.output_index, event.summary_index);
            return;
          }
          case 'response.reasoning_summary_text.delta':
            summary.append(event.item_id, event.output_index, event.summary_index, event.delta);
            return;
          case 'response.reasoning_summary_text.done':
            summary.set(event.item_id, event.output_index, event.summary_index, event.text);
            return;
          case 'response.reasoning_text.delta':
            raw.append(event.item_id, event.output_index, event.content_index, event.delta);
            return;
          case 'response.reasoning_text.done':
            raw.set(event.item_id, event.output_index, event.content_index, event.text);
            return;
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
        summary.clear();
        raw.clear();
      },
    };
  });
}
