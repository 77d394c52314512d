// Internal: not part of the public API, not importable from the package.
import { MAX_ITEMS_PER_RESPONSE } from './limits';

/**
 * The key of the item last seen at each output index, for an item map that holds it already: most events of a
 * stream (previews, progress, deltas) are of an item known already, at its output index, and then cost a string
 * comparison rather than a map lookup (which hashes the event's fresh id string). Only a hint: a miss (another
 * item at that index, an index out of bounds) falls back to the lookup. Bounded by `MAX_ITEMS_PER_RESPONSE`
 * indexes.
 */
export class KeysByIndex {
  private keys: string[] = [];

  /** Whether `key` was remembered at `index` (so the map holds it). */
  has(index: number, key: string): boolean {
    return this.keys[index] === key;
  }

  /** Remembers `key` at `index`, once the map holds it; an index out of bounds is not remembered. */
  remember(index: number, key: string): void {
    if (Number.isSafeInteger(index) && index >= 0 && index < MAX_ITEMS_PER_RESPONSE) this.keys[index] = key;
  }

  clear(): void {
    this.keys = [];
  }
}
