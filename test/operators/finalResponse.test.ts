import { from, lastValueFrom, Observable, take, throwError, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  finalResponse,
  ResponseFailedError,
  ResponseIncompleteError,
  ResponseStreamError,
  type ResponseStreamEvent,
  responseSnapshots,
  TruncatedStreamError,
} from '../../src/index';
import { createEventFactory, eventMarbles, imageGenerationScenario } from '../../src/testing/index';
import { testScheduler } from '../support/marbles';

type Completed = Extract<ResponseStreamEvent, { type: 'response.completed' }>;

describe('finalResponse', () => {
  it('emits the completed response once, at response.completed, and completes with the source', () => {
    const { events } = imageGenerationScenario({ images: 2, partials: 1, text: 'Two foxes.' });
    const { marbles, values } = eventMarbles(events);
    const completed = events.at(-1) as Completed;
    testScheduler().run(({ cold, expectObservable }) => {
      const expected = `${'-'.repeat(events.length - 1)}r|`;
      expectObservable(cold(marbles, values).pipe(finalResponse())).toBe(expected, { r: completed.response });
    });
  });

  it('equals the last snapshot of responseSnapshots() (the same accumulator), images and text included', async () => {
    const { events, images } = imageGenerationScenario({
      images: 2,
      interleave: true,
      text: 'Here they are.',
    });
    const final = await lastValueFrom(from(events).pipe(finalResponse()));
    const lastSnapshot = await lastValueFrom(from(events).pipe(responseSnapshots()));
    expect(final).toEqual(lastSnapshot);
    expect(final.output_text).toBe('Here they are.');
    const results = final.output.flatMap((item) =>
      item.type === 'image_generation_call' ? [item.result] : [],
    );
    expect(results).toEqual(images.map((i) => i.b64));
  });

  it('emits each response of a stream that carries several, and completes when the source does', () => {
    const one = createEventFactory({ responseId: 'resp_one' });
    const two = createEventFactory({ responseId: 'resp_two' });
    const first = one.completed();
    const second = two.completed();
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a-b-c-d-|', {
        a: one.created() as ResponseStreamEvent,
        b: first,
        c: two.created(),
        d: second,
      });
      expectObservable(source.pipe(finalResponse())).toBe('--r---s-|', {
        r: first.response,
        s: second.response,
      });
      expectSubscriptions(source.subscriptions).toBe('^-------!');
    });
  });

  it('drops an abandoned response (a new response.created before its terminal event), as after retry()', async () => {
    const one = createEventFactory({ responseId: 'resp_cut' });
    const two = createEventFactory({ responseId: 'resp_retry' });
    const events = [one.created(), one.inProgress(), two.created(), two.completed()];
    const values = await lastValueFrom(from(events).pipe(finalResponse(), toArray()));
    expect(values.map((r) => r.id)).toEqual(['resp_retry']);
  });

  it("tolerates output indexes that skip a number, as the SDK's responses.stream() helper does", async () => {
    const e = createEventFactory();
    const message = e.message('msg_1', 'Hi');
    const image = e.imageCall({ id: 'ig_1' });
    const events = [
      e.created(),
      e.outputItemAdded({ ...message, content: [], status: 'in_progress' }, 0),
      e.outputItemDone(message, 0),
      // The real stream this came from numbered its second item 2.
      e.outputItemAdded({ ...image, result: null, status: 'in_progress' }, 2),
      e.outputItemDone(image, 2),
      e.completed({ output: [message, image] }),
    ];
    const final = await lastValueFrom(from(events).pipe(finalResponse()));
    expect(final.output.map((item) => item.id)).toEqual(['msg_1', 'ig_1']);
    const snapshots = await lastValueFrom(from(events).pipe(responseSnapshots(), toArray()));
    expect(snapshots[4]!.output.map((item) => item.id)).toEqual(['msg_1', 'ig_1']);
  });

  it('errors with the typed error of response.failed, response.incomplete and error events', async () => {
    const e = createEventFactory();
    const failed = lastValueFrom(from([e.created(), e.failed()]).pipe(finalResponse()));
    await expect(failed).rejects.toBeInstanceOf(ResponseFailedError);
    await expect(failed).rejects.toMatchObject({ code: 'server_error', response: { status: 'failed' } });
    const incomplete = lastValueFrom(
      from([e.created(), e.incomplete('max_output_tokens')]).pipe(finalResponse()),
    );
    await expect(incomplete).rejects.toBeInstanceOf(ResponseIncompleteError);
    await expect(incomplete).rejects.toMatchObject({ reason: 'max_output_tokens' });
    const error = lastValueFrom(
      from([e.created(), e.error('overloaded', 'server_busy')]).pipe(finalResponse()),
    );
    await expect(error).rejects.toBeInstanceOf(ResponseStreamError);
    await expect(error).rejects.toMatchObject({ code: 'server_busy' });
  });

  it('errors with TruncatedStreamError when the source ends without a terminal event', async () => {
    const { events } = imageGenerationScenario({ partials: 1 });
    const cut = events.slice(0, 5);
    const result = lastValueFrom(from(cut).pipe(finalResponse()));
    await expect(result).rejects.toBeInstanceOf(TruncatedStreamError);
    await expect(result).rejects.toMatchObject({
      eventCount: 5,
      lastSequenceNumber: cut[4]!.sequence_number,
    });
  });

  it('skips unknown event types', async () => {
    const e = createEventFactory();
    const events = [
      e.created(),
      e.unknown('response.future_event', { x: 1 }),
      e.completed({ output_text: '' }),
    ];
    const completed = events[2] as Completed;
    await expect(lastValueFrom(from(events).pipe(finalResponse()))).resolves.toEqual(completed.response);
  });

  it('passes a source error through unchanged, and never emits on a never-ending source', async () => {
    const boom = new Error('boom');
    await expect(lastValueFrom(throwError(() => boom).pipe(finalResponse()))).rejects.toBe(boom);
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold<ResponseStreamEvent>('-').pipe(finalResponse())).toBe('-');
      expectObservable(cold<ResponseStreamEvent>('|').pipe(finalResponse())).toBe(
        '#',
        undefined,
        new TruncatedStreamError(0, null),
      );
    });
  });

  it('unsubscribes from the source when the subscriber unsubscribes', () => {
    const { events } = imageGenerationScenario({ partials: 2 });
    const { marbles, values } = eventMarbles(events);
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold(marbles, values);
      expectObservable(source.pipe(finalResponse()), '^---!').toBe('-');
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('stops a synchronous firehose at response.completed', () => {
    const e = createEventFactory();
    let produced = 0;
    const firehose = new Observable<ResponseStreamEvent>((subscriber) => {
      subscriber.next(e.created());
      subscriber.next(e.completed());
      for (let i = 0; i < 100_000 && !subscriber.closed; i++) {
        produced++;
        subscriber.next(e.inProgress());
      }
      subscriber.complete();
    });
    let count = 0;
    firehose.pipe(finalResponse(), take(1)).subscribe(() => count++);
    expect(count).toBe(1);
    expect(produced).toBe(0);
  });
});
