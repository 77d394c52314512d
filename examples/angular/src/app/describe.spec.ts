import {
  ImageGenerationError,
  RelayHttpError,
  ResponseFailedError,
  ResponseIncompleteError,
  ResponseStreamError,
  ResumeFailedError,
  TruncatedStreamError,
} from 'rxjs-openai';
import { createEventFactory, imageState } from 'rxjs-openai/testing';
import { describeError, describeProgress } from './describe';

describe('describeError', () => {
  const e = createEventFactory();

  it('says what went wrong in plain words', () => {
    expect(describeError(new ResponseStreamError(e.error('The service is busy.', 'server_error')))).toBe(
      'The generation failed: The service is busy.',
    );
    const failed = e.failed({ error: { code: 'server_error', message: 'The model gave up.' } }).response;
    expect(describeError(new ResponseFailedError(failed))).toBe('The generation failed: The model gave up.');
    expect(describeError(new ResponseIncompleteError(e.incomplete('content_filter').response))).toBe(
      'The generation stopped early (content filter).',
    );
    expect(describeError(new TruncatedStreamError(4, 3))).toBe(
      'The connection to the server was lost before the image was finished.',
    );
    expect(describeError(new TypeError('Failed to fetch'))).toBe('The server could not be reached.');
    expect(describeError(new ResumeFailedError('resp_1', 5, 7))).toBe(
      'The connection to the server was lost, and could not be resumed. Try again.',
    );
    expect(describeError(new Error('internal detail'))).toBe('Something went wrong.');
  });

  it("shows the relay's own message for an HTTP error, else the status", () => {
    // The relay answers `{ code, message }` (toSafeError's shape).
    const relayBody = JSON.stringify({ code: 'unknown_scenario', message: "Unknown scenario 'x'." });
    expect(describeError(new RelayHttpError(400, 'Bad Request', relayBody))).toBe(
      "The server refused the request: Unknown scenario 'x'.",
    );
    // A cursor this service did not sign.
    const forbidden = JSON.stringify({ code: 'forbidden_cursor', message: 'The cursor was not issued by this service.' });
    expect(describeError(new RelayHttpError(403, 'Forbidden', forbidden))).toBe(
      'The server refused the request: The cursor was not issued by this service.',
    );
    // The API's own shape, from a proxy in front.
    const body = JSON.stringify({ error: { message: 'Write a prompt.' } });
    expect(describeError(new RelayHttpError(400, 'Bad Request', body))).toBe(
      'The server refused the request: Write a prompt.',
    );
    expect(describeError(new RelayHttpError(502, 'Bad Gateway', '<html>'))).toBe(
      'The server refused the request: HTTP 502 Bad Gateway.',
    );
  });
});

describe('describeProgress', () => {
  const image = imageState;

  it('gives each status its line', () => {
    expect(describeProgress(image({}), 0, 3)).toBe('image 1: queued');
    expect(describeProgress(image({ status: 'generating' }), 1, 3)).toBe('image 2: generating');
    expect(describeProgress(image({ status: 'partial', partials: 2 }), 0, 3)).toBe('image 1: partial 2 of 3');
    expect(describeProgress(image({ status: 'completed' }), 0, 3)).toBe('image 1: done');
    const error = new ImageGenerationError('ig_1', 0, 'moderation_blocked', 'Blocked.');
    expect(describeProgress(image({ status: 'failed', error }), 0, 3)).toBe(
      'image 1: failed (moderation blocked)',
    );
  });
});
