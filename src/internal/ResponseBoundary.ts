// Internal: not part of the public API, not importable from the package.
import {
  carriesResponse,
  type EventKind,
  eventKind,
  IMAGES_API_COMPLETED,
  IMAGES_API_PARTIAL,
  RESPONSE_COMPLETED,
  RESPONSE_CREATED,
} from './eventKind';
import { carriedResponseOf } from './events';

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
 * It holds an id and two flags: nothing grows. An event costs it a few integer comparisons on its kind.
 */
export class ResponseBoundary {
  private id: string | null = null;
  private ended = false;
  /** The Images API stream being read: {@link NO_STREAM}, {@link OPEN_STREAM} or {@link DONE_STREAM}. */
  private images = NO_STREAM;

  /**
   * Records `event`; returns whether it begins a new response (the caller drops its state first). `kind` is
   * the event's kind, when the caller has read it already (see `eventKind`).
   */
  starts(event: { type: string }, kind: EventKind = eventKind(event.type)): boolean {
    if (!carriesResponse(kind)) {
      return kind === IMAGES_API_PARTIAL || kind === IMAGES_API_COMPLETED
        ? this.startsImagesApiStream(event, kind === IMAGES_API_COMPLETED)
        : false;
    }
    const id = carriedResponseOf(event)?.id ?? null;
    const fresh =
      this.images !== NO_STREAM ||
      (this.id !== null && ((id !== null && id !== this.id) || (kind === RESPONSE_CREATED && this.ended)));
    if (fresh) {
      this.ended = false;
      this.images = NO_STREAM;
    }
    if (id !== null) this.id = id;
    if (kind >= RESPONSE_COMPLETED) this.ended = true;
    return fresh;
  }

  /** The current response's id, once an event carried it; `null` before, and for an Images API stream. */
  get responseId(): string | null {
    return this.id;
  }

  /** {@link starts} for an event of the Images API: a preview, or the completion event. */
  private startsImagesApiStream(event: { type: string }, completed: boolean): boolean {
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
