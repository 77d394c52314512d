import { take } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ofType, type ResponseStreamEvent } from '../../src/index';
import { createEventFactory } from '../../src/testing/index';
import { syncFirehose } from '../support/firehose';
import { testScheduler } from '../support/marbles';

describe('ofType', () => {
  const e = createEventFactory();
  const values = {
    a: e.created(),
    d: e.textDelta('msg_1', 0, 'Hel'),
    p: e.imagePartial('ig_1', 1, 0, 'AAAA'),
    k: e.unknown('keepalive'),
    t: e.textDone('msg_1', 0, 'Hello'),
    c: e.completed(),
  };

  it('keeps only the events of one type', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('adpktc|', values).pipe(ofType('response.output_text.delta'))).toBe(
        '-d----|',
        values,
      );
    });
  });

  it('keeps the events of any of several types, in source order', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(
        cold('adpktc|', values).pipe(
          ofType('response.output_text.done', 'response.image_generation_call.partial_image'),
        ),
      ).toBe('--p-t-|', values);
    });
  });

  it('can select an event type the SDK union does not know, through a wider input type', () => {
    type WithKeepalive = ResponseStreamEvent | { type: 'keepalive'; sequence_number: number };
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold<WithKeepalive>('adpktc|', values);
      expectObservable(source.pipe(ofType('keepalive'))).toBe('---k--|', values);
    });
  });

  it('passes errors through, completes on empty, unsubscribes on request', () => {
    const boom = new Error('boom');
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      expectObservable(
        cold<ResponseStreamEvent>('d#', values, boom).pipe(ofType('response.output_text.delta')),
      ).toBe('d#', values, boom);
      expectObservable(cold<ResponseStreamEvent>('|').pipe(ofType('error'))).toBe('|');
      const source = cold('d-d-d|', values);
      expectObservable(source.pipe(ofType('response.output_text.delta')), '^--!').toBe('d-d', values);
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('stops a synchronous firehose cut by take', () => {
    const firehose = syncFirehose<ResponseStreamEvent>((i) => (i % 2 ? values.d : values.k), 100_000);
    firehose.source.pipe(ofType('response.output_text.delta'), take(3)).subscribe();
    expect(firehose.produced).toBe(6);
  });
});
