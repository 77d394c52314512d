import { take } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  ResponseFailedError,
  ResponseIncompleteError,
  ResponseStreamError,
  type ResponseStreamEvent,
  throwOnFailure,
} from '../../src/index';
import { createEventFactory } from '../../src/testing/index';
import { syncFirehose } from '../support/firehose';
import { testScheduler } from '../support/marbles';

describe('throwOnFailure', () => {
  it('mirrors a successful stream, unknown events included', () => {
    const e = createEventFactory();
    const values = {
      a: e.created(),
      k: e.unknown('keepalive'),
      t: e.textDelta('msg_1', 0, 'Hi'),
      c: e.completed(),
    };
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('aktc|', values).pipe(throwOnFailure())).toBe('aktc|', values);
    });
  });

  it('turns response.failed into ResponseFailedError carrying the response', () => {
    const e = createEventFactory();
    const values = { a: e.created(), f: e.failed() };
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('af|', values).pipe(throwOnFailure())).toBe(
        'a#',
        values,
        new ResponseFailedError(values.f.response),
      );
    });
    expect(new ResponseFailedError(values.f.response)).toMatchObject({
      name: 'ResponseFailedError',
      code: 'server_error',
      response: { id: 'resp_test', status: 'failed' },
    });
  });

  it('turns response.incomplete into ResponseIncompleteError with its reason', () => {
    const e = createEventFactory();
    const values = { i: e.incomplete('max_output_tokens') };
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('i|', values).pipe(throwOnFailure())).toBe(
        '#',
        undefined,
        new ResponseIncompleteError(values.i.response),
      );
    });
    expect(new ResponseIncompleteError(values.i.response).reason).toBe('max_output_tokens');
  });

  it('turns an error event into ResponseStreamError with code and sequence number', () => {
    const e = createEventFactory({ startSequenceNumber: 41 });
    const values = { x: e.error('Rate limit reached', 'rate_limit_exceeded') };
    let error: unknown;
    testScheduler().run(({ cold }) => {
      cold('x|', values)
        .pipe(throwOnFailure())
        .subscribe({ error: (err) => (error = err) });
    });
    expect(error).toBeInstanceOf(ResponseStreamError);
    expect(error).toMatchObject({
      code: 'rate_limit_exceeded',
      sequenceNumber: 41,
      name: 'ResponseStreamError',
    });
  });

  it('passes source errors through and unsubscribes on request', () => {
    const boom = new Error('boom');
    const e = createEventFactory();
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      expectObservable(cold<ResponseStreamEvent>('-#', undefined, boom).pipe(throwOnFailure())).toBe(
        '-#',
        undefined,
        boom,
      );
      expectObservable(cold<ResponseStreamEvent>('|').pipe(throwOnFailure())).toBe('|');
      const source = cold('a---c|', { a: e.created(), c: e.completed() });
      expectObservable(source.pipe(throwOnFailure()), '^-!').toBe('a-', { a: expectAny() });
      expectSubscriptions(source.subscriptions).toBe('^-!');
    });
  });

  it('stops a synchronous firehose cut by take', () => {
    const e = createEventFactory();
    const firehose = syncFirehose<ResponseStreamEvent>(() => e.textDelta('m', 0, 'x'), 100_000);
    firehose.source.pipe(throwOnFailure(), take(5)).subscribe();
    expect(firehose.produced).toBe(5);
  });
});

function expectAny() {
  return expect.objectContaining({ type: 'response.created' });
}
