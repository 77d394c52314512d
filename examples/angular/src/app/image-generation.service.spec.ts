import { TestBed } from '@angular/core/testing';
import type { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { ResponseStreamEvent } from 'rxjs-openai';
import { createEventFactory, eventMarbles, imageGenerationScenario } from 'rxjs-openai/testing';
import { IMAGE_EVENTS, ImageGenerationService } from './image-generation.service';

describe('ImageGenerationService', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  /** The service, reading its events from `events$` instead of the relay. */
  function serviceWith(events$: Observable<ResponseStreamEvent>): ImageGenerationService {
    TestBed.configureTestingModule({ providers: [{ provide: IMAGE_EVENTS, useValue: () => events$ }] });
    return TestBed.inject(ImageGenerationService);
  }

  it('streams each preview, then the final image', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { events, images } = imageGenerationScenario({ partials: 2 });
      const { marbles, values } = eventMarbles(events); // 'abcdefghij|': created ... response.completed
      const service = serviceWith(cold(marbles, values));
      const [image] = images;

      expectObservable(service.generate('a lighthouse')).toBe('--a-bcd-e-|', {
        a: [expect.objectContaining({ itemId: image!.itemId, status: 'in_progress', b64: null })],
        b: [expect.objectContaining({ status: 'generating', partials: 0, b64: null })],
        c: [expect.objectContaining({ status: 'partial', partials: 1, b64: image!.partials[0] })],
        d: [expect.objectContaining({ status: 'partial', partials: 2, b64: image!.partials[1] })],
        e: [expect.objectContaining({ status: 'completed', b64: image!.b64, final: expect.anything() })],
      });
    });
  });

  it('stops the request when unsubscribed (Cancel)', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const { marbles, values } = eventMarbles(imageGenerationScenario({ partials: 3 }).events);
      const events$ = cold(marbles, values);
      const service = serviceWith(events$);

      expectObservable(service.generate('a lighthouse'), '^-----!').toBe('--a-bc', {
        a: [expect.objectContaining({ status: 'in_progress' })],
        b: [expect.objectContaining({ status: 'generating' })],
        c: [expect.objectContaining({ status: 'partial', partials: 1 })],
      });
      expectSubscriptions(events$.subscriptions).toBe('^-----!');
    });
  });

  it('errors with a typed error when the stream reports one', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const e = createEventFactory();
      const { marbles, values } = eventMarbles([
        e.created(),
        e.inProgress(),
        e.error('Your request was rejected by the safety system.', 'moderation_blocked'),
      ]);
      const service = serviceWith(cold(marbles, values));

      expectObservable(service.generate('a lighthouse')).toBe(
        '--#',
        undefined,
        expect.objectContaining({ name: 'ResponseStreamError', code: 'moderation_blocked' }),
      );
    });
  });
});
