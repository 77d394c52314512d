import { type Observable, of } from 'rxjs';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type FinalImage,
  fromServerSentEvents,
  type ImageState,
  type ImageStateWithUrl,
  imageStates,
  objectUrls,
  type ResponseStreamEvent,
  withFinalImage,
} from '../src/index';
import { type SafeError, toServerSentEvents } from '../src/server/index';

declare const events$: Observable<ResponseStreamEvent>;

describe('objectUrls types', () => {
  it('maps lists of image states to lists with a url', () => {
    const urls$ = events$.pipe(imageStates(), objectUrls());
    expectTypeOf(urls$).toEqualTypeOf<Observable<readonly ImageStateWithUrl[]>>();
    expectTypeOf<ImageStateWithUrl['url']>().toEqualTypeOf<string | null>();
    expectTypeOf<ImageStateWithUrl>().toMatchTypeOf<ImageState>();
  });

  it('takes only lists of image states', () => {
    // @ts-expect-error: final images are not image states (use imageBlob + URL.createObjectURL)
    events$.pipe(withFinalImage(), objectUrls());
    // @ts-expect-error: raw events are not image states
    events$.pipe(objectUrls());
    // @ts-expect-error: the URL functions have their signatures
    objectUrls({ createObjectURL: (blob: string) => blob });
    expectTypeOf(of<FinalImage[]>()).not.toMatchTypeOf<Observable<readonly ImageState[]>>();
  });
});

describe('fromServerSentEvents types', () => {
  it('takes a Response or a function of a signal, and emits events', () => {
    expectTypeOf(fromServerSentEvents((signal) => fetch('/api', { signal }))).toEqualTypeOf<
      Observable<ResponseStreamEvent>
    >();
    expectTypeOf(fromServerSentEvents(new Response(''))).toEqualTypeOf<Observable<ResponseStreamEvent>>();
    // @ts-expect-error: a URL is not fetched for you (headers, method and credentials are yours to choose)
    fromServerSentEvents('/api/images');
    // @ts-expect-error: the function must return a promise of a Response
    fromServerSentEvents(() => '/api/images');
  });
});

describe('toServerSentEvents types', () => {
  it('takes events and options', () => {
    expectTypeOf(toServerSentEvents(events$)).toEqualTypeOf<ReadableStream<Uint8Array>>();
    toServerSentEvents(events$, {
      events: ['response.image_generation_call.partial_image', 'my.custom.event'],
    });
    toServerSentEvents(events$, { events: (event) => event.type !== 'response.output_text.delta' });
    toServerSentEvents(events$, { mapError: (): SafeError => ({ code: 'x', message: 'y' }) });
    // @ts-expect-error: a safe error has a code and a message
    toServerSentEvents(events$, { mapError: () => ({ message: 'y' }) });
    // @ts-expect-error: the source must be of response events
    toServerSentEvents(of(1, 2, 3));
  });
});
