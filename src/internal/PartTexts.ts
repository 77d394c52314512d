// Internal: not part of the public API, not importable from the package.
import { RxOpenAIError } from '../errors';
import { MAX_ITEMS_PER_RESPONSE, MAX_PARTS_PER_ITEM } from './limits';
import { insertByOutputIndex } from './OrderedStates';

/** One item's text, by part. */
export interface ItemParts {
  readonly itemId: string;
  readonly outputIndex: number;
  /** The text of each part, by its index. */
  readonly parts: string[];
}

/** How a kind of text is joined, and named in errors. */
export interface PartTextsFormat {
  /** Between two non-empty parts (of one item or of two). */
  readonly separator: string;
  /** The items, in the bound's error: `messages`. */
  readonly items: string;
  /** The part, in the index's error: `Text`. */
  readonly part: string;
}

/**
 * The text of one kind across a response's items (messages' output text, reasoning summaries...), each item
 * by part, and all of it joined in output order: what `outputText` and `reasoningSummaries` show. Appending to
 * the very end of the text (the common case) costs a concatenation; any other change joins everything again.
 * Bounded: `MAX_ITEMS_PER_RESPONSE` items, `MAX_PARTS_PER_ITEM` parts each (beyond, a typed error).
 */
export class PartTexts {
  private readonly byId = new Map<string, ItemParts>();
  /** The items in output order. */
  private ordered: ItemParts[] = [];
  private joined = '';

  constructor(private readonly format: PartTextsFormat) {}

  /** All the text so far: every non-empty part, in output order, with the separator between them. */
  get text(): string {
    return this.joined;
  }

  /** The item, made on its first event; throws for a part index out of range or an item past the bound. */
  item(itemId: string, outputIndex: number, partIndex: number): ItemParts {
    if (!Number.isSafeInteger(partIndex) || partIndex < 0 || partIndex >= MAX_PARTS_PER_ITEM) {
      throw new RxOpenAIError(
        `${this.format.part} part index ${partIndex} is out of range (0 to ${MAX_PARTS_PER_ITEM - 1}).`,
      );
    }
    let item = this.byId.get(itemId);
    if (item) return item;
    if (this.byId.size >= MAX_ITEMS_PER_RESPONSE) {
      throw new RxOpenAIError(
        `More than ${MAX_ITEMS_PER_RESPONSE} ${this.format.items} in one response: refusing to track more.`,
      );
    }
    item = { itemId, outputIndex, parts: [] };
    this.byId.set(itemId, item);
    this.ordered = insertByOutputIndex(this.ordered, item);
    return item;
  }

  /** Appends `delta` to a part of `item`. */
  append(item: ItemParts, partIndex: number, delta: string): void {
    const previous = item.parts[partIndex] ?? '';
    item.parts[partIndex] = previous + delta;
    // At the very end of the text, nothing else moves: unless a new part begins after a separator.
    const atEnd =
      (previous !== '' || this.format.separator === '') &&
      partIndex === item.parts.length - 1 &&
      this.ordered[this.ordered.length - 1] === item;
    this.joined = atEnd ? this.joined + delta : this.join();
  }

  /** Replaces a part of `item` with `text`. */
  replace(item: ItemParts, partIndex: number, text: string): void {
    item.parts[partIndex] = text;
    this.joined = this.join();
  }

  clear(): void {
    this.byId.clear();
    this.ordered = [];
    this.joined = '';
  }

  private join(): string {
    return this.ordered
      .flatMap((item) => item.parts.filter((part) => part !== ''))
      .join(this.format.separator);
  }
}
