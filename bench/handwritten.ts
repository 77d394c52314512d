// The hand-written baselines: what a careful user writes without this library, doing the same work.
import type {
  ImageGenerationCallItem,
  ImageState,
  ImageStatus,
  ResponseImageGenCallCompletedEvent,
  ResponseStreamEvent,
} from '../src/types';

/** What the baselines emit for a final image (the same fields as the library's `FinalImage`). */
export interface HandFinalImage {
  itemId: string;
  outputIndex: number;
  b64: string;
  item: ImageGenerationCallItem;
  completed: ResponseImageGenCallCompletedEvent | null;
}

/**
 * A hand-written final-image matcher, fed one event at a time: pairs completion events with the bytes of
 * `output_item.done` by item id (either order), takes missing bytes from `response.completed`, throws on
 * failure events and on an image announced (by any of its events) whose bytes never came. The same rules as
 * `withFinalImage`, written the plain way: a map of the images announced, a set of those done.
 */
export function handMatcher(onFinal: (image: HandFinalImage) => void) {
  const announced = new Map<
    string,
    { outputIndex: number; completed: ResponseImageGenCallCompletedEvent | null }
  >();
  const settled = new Set<string>();
  const announce = (itemId: string, outputIndex: number) => {
    if (settled.has(itemId)) return null;
    let image = announced.get(itemId);
    if (!image) {
      image = { outputIndex, completed: null };
      announced.set(itemId, image);
    }
    return image;
  };
  const settle = (item: ImageGenerationCallItem, outputIndex: number) => {
    if (settled.has(item.id)) return;
    if (item.status === 'failed') throw new Error(`image ${item.id} failed`);
    if (!item.result) {
      announce(item.id, outputIndex);
      return;
    }
    const completed = announced.get(item.id)?.completed ?? null;
    announced.delete(item.id);
    settled.add(item.id);
    onFinal({ itemId: item.id, outputIndex, b64: item.result, item, completed });
  };
  const end = () => {
    if (announced.size > 0) throw new Error('missing image');
  };
  return {
    push(event: ResponseStreamEvent): void {
      switch (event.type) {
        case 'response.output_item.added':
          if (event.item.type === 'image_generation_call') announce(event.item.id, event.output_index);
          return;
        case 'response.image_generation_call.in_progress':
        case 'response.image_generation_call.generating':
        case 'response.image_generation_call.partial_image':
          announce(event.item_id, event.output_index);
          return;
        case 'response.image_generation_call.completed': {
          const image = announce(event.item_id, event.output_index);
          if (image) image.completed = event;
          return;
        }
        case 'response.output_item.done':
          if (event.item.type === 'image_generation_call') settle(event.item, event.output_index);
          return;
        case 'response.completed': {
          const output = event.response.output;
          for (let i = 0; i < output.length; i++) {
            const item = output[i]!;
            if (item.type === 'image_generation_call') settle(item, i);
          }
          end();
          return;
        }
        case 'error':
        case 'response.failed':
        case 'response.incomplete':
          throw new Error(event.type);
      }
    },
    end,
  };
}

/**
 * {@link handMatcher} without the checks the "never silent" rules added: it tracks only completion events and
 * items done without bytes, so an image announced (by `output_item.added`, progress or a preview) whose bytes
 * never come is dropped silently. Measured beside the loop with the checks, to show what they cost.
 */
export function handMatcherWithoutAnnounceCheck(onFinal: (image: HandFinalImage) => void) {
  const completions = new Map<string, ResponseImageGenCallCompletedEvent>();
  const withoutBytes = new Map<string, number>();
  const settled = new Set<string>();
  const settle = (item: ImageGenerationCallItem, outputIndex: number) => {
    if (settled.has(item.id)) return;
    if (item.status === 'failed') throw new Error(`image ${item.id} failed`);
    if (!item.result) {
      withoutBytes.set(item.id, outputIndex);
      return;
    }
    const completed = completions.get(item.id) ?? null;
    completions.delete(item.id);
    withoutBytes.delete(item.id);
    settled.add(item.id);
    onFinal({ itemId: item.id, outputIndex, b64: item.result, item, completed });
  };
  return {
    push(event: ResponseStreamEvent): void {
      switch (event.type) {
        case 'response.image_generation_call.completed':
          if (!settled.has(event.item_id)) completions.set(event.item_id, event);
          return;
        case 'response.output_item.done':
          if (event.item.type === 'image_generation_call') settle(event.item, event.output_index);
          return;
        case 'response.completed': {
          const output = event.response.output;
          for (let i = 0; i < output.length; i++) {
            const item = output[i]!;
            if (item.type === 'image_generation_call') settle(item, i);
          }
          return;
        }
        case 'error':
        case 'response.failed':
        case 'response.incomplete':
          throw new Error(event.type);
      }
    },
    end(): void {
      if (completions.size > 0 || withoutBytes.size > 0) throw new Error('missing image');
    },
  };
}

/**
 * {@link handFinalImages} with {@link handMatcherWithoutAnnounceCheck}: a loop of its own, so that each loop's
 * call to its matcher stays monomorphic.
 */
export function handFinalImagesWithoutAnnounceCheck(
  events: readonly ResponseStreamEvent[],
  onFinal: (image: HandFinalImage) => void,
): void {
  const matcher = handMatcherWithoutAnnounceCheck(onFinal);
  for (let i = 0; i < events.length; i++) matcher.push(events[i]!);
  matcher.end();
}

/** A hand-written loop over an array doing `withFinalImage`'s matching. */
export function handFinalImages(
  events: readonly ResponseStreamEvent[],
  onFinal: (image: HandFinalImage) => void,
): void {
  const matcher = handMatcher(onFinal);
  for (let i = 0; i < events.length; i++) matcher.push(events[i]!);
  matcher.end();
}

/** A hand-written loop over an array doing `ofType`'s filtering. */
export function handOfType(
  events: readonly ResponseStreamEvent[],
  type: string,
  onEvent: (event: ResponseStreamEvent) => void,
): void {
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    if (event.type === type) onEvent(event);
  }
}

const rank: Record<ImageStatus, number> = {
  in_progress: 0,
  generating: 1,
  partial: 2,
  completed: 3,
  failed: 3,
};

/**
 * A hand-written loop over an array doing `imageStates`'s work: a list ordered by output index, a new array
 * per change, unchanged entries kept, final bytes from the matcher.
 */
export function handImageStates(
  events: readonly ResponseStreamEvent[],
  onList: (list: readonly ImageState[]) => void,
): void {
  const byId = new Map<string, ImageState>();
  /** The highest preview index shown per image: a duplicated or older preview is neither shown nor counted. */
  const newestPreview = new Map<string, number>();
  let list: ImageState[] = [];
  let changed = false;
  const update = (itemId: string, outputIndex: number, patch: Partial<ImageState>) => {
    const previous = byId.get(itemId);
    if (previous?.final || previous?.status === 'failed') return;
    const next: ImageState = previous
      ? { ...previous, ...patch }
      : { itemId, outputIndex, status: 'in_progress', partials: 0, b64: null, final: null, ...patch };
    byId.set(itemId, next);
    if (previous) {
      list = list.slice();
      list[list.indexOf(previous)] = next;
    } else {
      let at = list.length;
      while (at > 0 && list[at - 1]!.outputIndex > outputIndex) at--;
      list = [...list.slice(0, at), next, ...list.slice(at)];
    }
    changed = true;
  };
  const setStatus = (itemId: string, outputIndex: number, status: ImageStatus) => {
    const previous = byId.get(itemId);
    if (previous && rank[previous.status] >= rank[status]) return;
    update(itemId, outputIndex, { status });
  };
  const matcher = handMatcher((image) =>
    update(image.itemId, image.outputIndex, { status: 'completed', b64: image.b64, final: image }),
  );
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    switch (event.type) {
      case 'response.output_item.added':
        if (event.item.type === 'image_generation_call')
          setStatus(
            event.item.id,
            event.output_index,
            event.item.status === 'generating' ? 'generating' : 'in_progress',
          );
        break;
      case 'response.image_generation_call.in_progress':
        setStatus(event.item_id, event.output_index, 'in_progress');
        break;
      case 'response.image_generation_call.generating':
        setStatus(event.item_id, event.output_index, 'generating');
        break;
      case 'response.image_generation_call.partial_image':
        if (event.partial_image_index <= (newestPreview.get(event.item_id) ?? -1)) break;
        newestPreview.set(event.item_id, event.partial_image_index);
        update(event.item_id, event.output_index, {
          status: 'partial',
          partials: (byId.get(event.item_id)?.partials ?? 0) + 1,
          b64: event.partial_image_b64,
        });
        break;
    }
    matcher.push(event);
    if (changed) {
      changed = false;
      onList(list);
    }
  }
  matcher.end();
}

/** What a run received: the final images' bytes in item order, and the number and size of the previews. */
export interface Received {
  finals: Map<string, string>;
  partials: number;
  partialChars: number;
}

/** Nothing received yet. */
export function nothingReceived(): Received {
  return { finals: new Map(), partials: 0, partialChars: 0 };
}

/**
 * The hand-written loop's work on one event (pairing finals, counting previews), as a function: the loop runs
 * it in `for await`; the end-to-end decomposition variants run it in `subscribe`. `end()` checks the stream was whole.
 */
export function handWrittenMatching(got: Received): { push(event: ResponseStreamEvent): void; end(): void } {
  const finished = new Set<string>();
  const matcher = handMatcher((image) => {
    finished.add(image.itemId);
    got.finals.set(image.itemId, image.b64);
  });
  let terminal = false;
  return {
    push(event) {
      if (event.type === 'response.image_generation_call.partial_image' && !finished.has(event.item_id)) {
        got.partials++;
        got.partialChars += event.partial_image_b64.length;
      } else if (event.type === 'response.image_generation_call.completed') finished.add(event.item_id);
      else if (event.type === 'response.completed') terminal = true;
      matcher.push(event);
    },
    end() {
      if (!terminal) throw new Error('truncated');
      matcher.end();
    },
  };
}
