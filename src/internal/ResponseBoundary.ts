// Internal: not part of the public API, not importable from the package.
import { isTerminalEvent } from './events';

/** No Images API stream is being read. */
const NO_STREAM = 0;
/** An Images API stream is being read: an event of it came, not its completion event. */
const OPEN_STREAM = 1;
/** The Images API stream's completion event came: the stream is over. */
const DONE_STREAM = 2;

/**
 * Tells where one response ends and the next begins in a stream that carries several (a batch through
 * `concatMap`, `repeat()`, `retry()` placed before an operator, concatenated scenarios), so that a stateful
 * operator keeps state for one response at a time. The rule, fed one event at a time:
 *
 * - An event that carries a response (`response.created`, `.queued`, `.in_progress`, the terminal events)
 *   with another id than the current response's starts a new response. Each request makes a new response
 *   with a new id, so a retry that re-sent the request is a new response; what the previous one left
 *   unfinished was abandoned, and is dropped, never reported as missing.
 * - `response.created` with the current id starts it again only after the response's terminal event (a
 *   stored response replayed from the start by `repeat()`). Before it, the API never sends a second one: it
 *   is a duplicate, or out of order, and changes nothing.
 * - Nothing else does: an event that arrives after its response's terminal event (a duplicate, a late
 *   preview) still belongs to that response, and is judged with its state.
 *
 * The Images API's streams (`image_generation.*`, `image_edit.*`: one image each, no response, no id) count
 * as responses of their own. An Images API event starts a new one when it follows a Responses API response;
 * when it is a first preview (`partial_image_index` 0) after the stream had begun (the API sends one image's
 * previews once each, numbered from 0: a 0 again means the request was sent again, a `retry()` after a cut
 * or a `repeat()`); and when it is a completion event after the stream's completion event (a stream without
 * previews sent again). A later preview after the completion event is a late one of the finished stream,
 * judged with its state (dropped).
 *
 * It holds an id and two flags: nothing grows. An event costs it one switch on its type.
 */
export class ResponseBoundary {
  private id: string | null = null;
  private ended = false;
  /** The Images API stream being read: {@link NO_STREAM}, {@link OPEN_STREAM} or {@link DONE_STREAM}. */
  private images = NO_STREAM;

  /** Records `event`; returns whether it begins a new response (the caller drops its state first). */
  starts(event: { type: string }): boolean {
    // One switch on the type: cheaper than a property check (`'response' in event`), which V8 does slowly on
    // the many shapes of the events (bench/operators.ts).
    switch (event.type) {
      case 'response.created':
      case 'response.queued':
      case 'response.in_progress':
      case 'response.completed':
      case 'response.failed':
      case 'response.incomplete':
        break;
      case 'image_generation.partial_image':
      case 'image_edit.partial_image':
      case 'image_generation.completed':
      case 'image_edit.completed':
        return this.startsImagesApiStream(event);
      default:
        return false;
    }
    const id = responseIdOf(event);
    const fresh =
      this.images !== NO_STREAM ||
      (this.id !== null &&
        ((id !== null && id !== this.id) || (event.type === 'response.created' && this.ended)));
    if (fresh) {
      this.ended = false;
      this.images = NO_STREAM;
    }
    if (id !== null) this.id = id;
    if (isTerminalEvent(event)) this.ended = true;
    return fresh;
  }

  /** The current response's id, once an event carried it; `null` before, and for an Images API stream. */
  get responseId(): string | null {
    return this.id;
  }

  /** {@link starts} for an event of the Images API. */
  private startsImagesApiStream(event: { type: string }): boolean {
    const type = event.type;
    const completed = type === 'image_generation.completed' || type === 'image_edit.completed';
    const first = !completed && (event as { partial_image_index?: unknown }).partial_image_index === 0;
    const fresh =
      this.id !== null ||
      (this.images === DONE_STREAM && (completed || first)) ||
      (this.images === OPEN_STREAM && first);
    // A later preview after the completion event is a late one of the finished stream: it stays finished.
    if (this.images === DONE_STREAM && !fresh) return false;
    this.id = null;
    this.ended = false;
    this.images = completed ? DONE_STREAM : OPEN_STREAM;
    return fresh;
  }
}

function responseIdOf(event: object): string | null {
  const response = (event as { response?: { id?: unknown } | null }).response;
  return response && typeof response.id === 'string' ? response.id : null;
}
