import { APIError, InternalServerError, RateLimitError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MalformedEventError,
  ResponseFailedError,
  ResponseIncompleteError,
  streamResponse,
  TruncatedStreamError,
  withFinalImage,
} from '../../src/index';
import {
  type MockResponsesServer,
  type MockScenario,
  startMockResponsesServer,
} from '../../src/testing/index';
import { clientFor, params, withScenario } from './support';

let server: MockResponsesServer;
beforeAll(async () => {
  server = await startMockResponsesServer({ scenario: { images: 2, partials: 2 } });
});
afterAll(() => server.close());

/** Runs the pipeline to its end; resolves with how it ended. Never rejects. */
function outcome(scenario: MockScenario): Promise<{ error?: unknown; completed: boolean; images: number }> {
  return new Promise((resolve) => {
    let images = 0;
    streamResponse(clientFor(server), params, withScenario(scenario))
      .pipe(withFinalImage())
      .subscribe({
        next: () => images++,
        error: (error: unknown) => resolve({ error, completed: false, images }),
        complete: () => resolve({ completed: true, images }),
      });
  });
}

describe('faults reach the error callback as typed errors, through the real client', () => {
  it('HTTP 500: the SDK’s InternalServerError with the API’s error body', async () => {
    const result = await outcome({ status: 500 });
    expect(result.completed).toBe(false);
    expect(result.error).toBeInstanceOf(InternalServerError);
    const error = result.error as InternalServerError;
    expect(error.status).toBe(500);
    expect(error.type).toBe('server_error');
    expect(error.code).toBe('server_error');
  });

  it('HTTP 429 with Retry-After: the SDK’s RateLimitError, the header kept', async () => {
    const result = await outcome({ status: 429, retryAfter: 7 });
    expect(result.completed).toBe(false);
    expect(result.error).toBeInstanceOf(RateLimitError);
    const error = result.error as RateLimitError;
    expect(error.status).toBe(429);
    expect(error.code).toBe('rate_limit_exceeded');
    expect(error.headers?.get('retry-after')).toBe('7');
  });

  it('an error status with a custom body keeps its message, type, param and code', async () => {
    const error = (
      await outcome({
        status: 400,
        error: {
          message: 'Invalid size.',
          type: 'invalid_request_error',
          param: 'tools[0].size',
          code: 'invalid_value',
        },
      })
    ).error as APIError;
    expect(error).toBeInstanceOf(APIError);
    expect([error.status, error.message, error.param, error.code]).toEqual([
      400,
      '400 Invalid size.',
      'tools[0].size',
      'invalid_value',
    ]);
  });

  it('an `error` event: the SDK throws its base APIError (no status) carrying the event’s code and message', async () => {
    const result = await outcome({
      errorEvent: { afterEvents: 5, code: 'image_generation_error', message: 'It broke.' },
    });
    expect(result.completed).toBe(false);
    expect(result.error).toBeInstanceOf(APIError);
    const error = result.error as APIError;
    expect(error.constructor).toBe(APIError);
    expect(error.status).toBeUndefined();
    expect(error.code).toBe('image_generation_error');
    expect(error.message).toBe('It broke.');
  });

  it('response.failed: ResponseFailedError with the response and its code', async () => {
    const result = await outcome({ failed: { afterEvents: 6, code: 'server_error', message: 'No.' } });
    expect(result.completed).toBe(false);
    expect(result.error).toBeInstanceOf(ResponseFailedError);
    const error = result.error as ResponseFailedError;
    expect(error.code).toBe('server_error');
    expect(error.response.id).toBe(server.requests.at(-1)!.responseId);
  });

  it('response.incomplete: ResponseIncompleteError with the reason', async () => {
    const result = await outcome({ incomplete: { reason: 'content_filter' } });
    expect(result.completed).toBe(false);
    expect(result.error).toBeInstanceOf(ResponseIncompleteError);
    expect((result.error as ResponseIncompleteError).reason).toBe('content_filter');
  });

  it('a connection reset mid-body (between frames or mid-frame): TruncatedStreamError, the transport error as cause', async () => {
    for (const cut of [{ afterEvents: 4 }, { afterEvents: 4, midFrame: true }, { afterBytes: 3000 }]) {
      const result = await outcome({ cut });
      expect(result.completed).toBe(false);
      // The SDK does not wrap a body that fails mid-stream (fetch's own `TypeError: terminated`); we do.
      expect(result.error).toBeInstanceOf(TruncatedStreamError);
      const cause = (result.error as TruncatedStreamError).cause;
      expect(cause).toBeInstanceOf(TypeError);
      expect((cause as TypeError).message).toBe('terminated');
      if (!('afterBytes' in cut)) expect((result.error as TruncatedStreamError).eventCount).toBe(4);
      expect(server.requests.at(-1)!.end).toBe('cut');
    }
  });

  it('a body that ends cleanly without a terminal event: TruncatedStreamError with the count and last number', async () => {
    const result = await outcome({ cut: { afterEvents: 7, mode: 'end' } });
    expect(result.completed).toBe(false);
    expect(result.error).toBeInstanceOf(TruncatedStreamError);
    const error = result.error as TruncatedStreamError;
    expect([error.eventCount, error.lastSequenceNumber]).toEqual([7, 6]);
  });

  it('a body that ends cleanly mid-frame: the SDK parses the half frame, MalformedEventError keeps its SyntaxError', async () => {
    const result = await outcome({ cut: { afterEvents: 7, mode: 'end', midFrame: true } });
    expect(result.completed).toBe(false);
    expect(result.error).toBeInstanceOf(MalformedEventError);
    const error = result.error as MalformedEventError;
    expect([error.eventCount, error.lastSequenceNumber]).toEqual([7, 6]);
    expect(error.cause).toBeInstanceOf(SyntaxError);
    expect((error.cause as SyntaxError).message).toBe(
      'Error reading response: malformed server-sent event JSON.',
    );
  });

  it('malformed JSON in a frame: MalformedEventError after the events before it, the SDK’s SyntaxError as cause', async () => {
    const result = await outcome({ malformed: { atEvent: 3 } });
    expect(result.completed).toBe(false);
    expect(result.error).toBeInstanceOf(MalformedEventError);
    const error = result.error as MalformedEventError;
    expect([error.eventCount, error.lastSequenceNumber]).toEqual([3, 2]);
    expect(error.cause).toBeInstanceOf(SyntaxError);
    expect((error.cause as SyntaxError).message).toBe(
      'Error reading response: malformed server-sent event JSON.',
    );
  });
});
