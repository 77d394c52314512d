// Internal: not part of the public API, not importable from the package.

/**
 * The list a UI operator emits: entries ordered by `outputIndex`, a new array on every change, and unchanged
 * entries keeping their identity (so `OnPush` components and signals re-render only what changed). Keyed by
 * item id. Bounded by `max` entries: a new key past it is refused (`set` returns `false`).
 */
export class OrderedStates<S extends { readonly outputIndex: number }> {
  private readonly byKey = new Map<string, S>();
  private entries: S[] = [];
  /** Whether the list changed since it was last taken. */
  changed = false;

  constructor(private readonly max: number) {}

  get(key: string): S | undefined {
    return this.byKey.get(key);
  }

  get size(): number {
    return this.byKey.size;
  }

  /** Inserts or replaces the entry of `key`; `false` when a new key would pass the bound. */
  set(key: string, next: S): boolean {
    const previous = this.byKey.get(key);
    if (!previous && this.byKey.size >= this.max) return false;
    this.byKey.set(key, next);
    this.entries = previous
      ? replaceEntry(this.entries, previous, next)
      : insertByOutputIndex(this.entries, next);
    this.changed = true;
    return true;
  }

  /** The current list, marking it as taken. */
  take(): readonly S[] {
    this.changed = false;
    return this.entries;
  }

  clear(): void {
    this.byKey.clear();
    this.entries = [];
    this.changed = false;
  }
}

/** A copy of `list` with `previous` replaced by `next` (a copy and one store: cheaper than `map`). */
function replaceEntry<S>(list: readonly S[], previous: S, next: S): S[] {
  const copy = list.slice();
  copy[copy.indexOf(previous)] = next;
  return copy;
}

/** A copy of `list` (ordered by `outputIndex`) with `state` inserted at its place, after equal indexes. */
export function insertByOutputIndex<S extends { readonly outputIndex: number }>(
  list: readonly S[],
  state: S,
): S[] {
  let at = list.length;
  while (at > 0 && (list[at - 1] as S).outputIndex > state.outputIndex) at--;
  return [...list.slice(0, at), state, ...list.slice(at)];
}
