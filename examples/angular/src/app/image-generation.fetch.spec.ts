import { TestBed } from '@angular/core/testing';
import { firstValueFrom, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ResponseStreamError, type ResponseStreamEvent } from 'rxjs-openai';
import { createEventFactory, imageGenerationScenario } from 'rxjs-openai/testing';
import {
  FETCH,
  type GenerateRequest,
  IMAGE_EVENTS,
  ImageGenerationService,
} from './image-generation.service';

describe('ImageGenerationService requests', () => {
  it('sends the prompt and options to the event source', () => {
    new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run((helpers) => {
      const requests: GenerateRequest[] = [];
      TestBed.configureTestingModule({
        providers: [
          {
            provide: IMAGE_EVENTS,
            useValue: (request: GenerateRequest) => {
              requests.push(request);
              return helpers.cold<ResponseStreamEvent>('|');
            },
          },
        ],
      });
      const service = TestBed.inject(ImageGenerationService);
      helpers.expectObservable(service.generate('a fox', { partialImages: 1, scenario: 'slow' })).toBe('|');
      helpers.flush();
      expect(requests).toEqual([{ prompt: 'a fox', partialImages: 1, scenario: 'slow' }]);
    });
  });
});

describe('ImageGenerationService with the default event source', () => {
  const sse = (events: readonly ResponseStreamEvent[]) =>
    events.map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`).join('');

  it('POSTs the request to /api/generate and reads the relayed events', async () => {
    const { events, images } = imageGenerationScenario({ partials: 1 });
    const calls: Array<{ url: string; init: RequestInit }> = [];
    TestBed.configureTestingModule({
      providers: [
        {
          provide: FETCH,
          useValue: async (url: string, init: RequestInit) => {
            calls.push({ url, init });
            return new Response(sse(events), { headers: { 'content-type': 'text/event-stream' } });
          },
        },
      ],
    });
    const states = await firstValueFrom(
      TestBed.inject(ImageGenerationService).generate('a fox', { partialImages: 1 }).pipe(toArray()),
    );

    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe('/api/generate');
    expect(calls[0]!.init.method).toBe('POST');
    expect(JSON.parse(calls[0]!.init.body as string)).toEqual({ prompt: 'a fox', partialImages: 1 });
    expect(states.at(-1)).toEqual([expect.objectContaining({ status: 'completed', b64: images[0]!.b64 })]);
  });

  it('aborts the fetch when unsubscribed, and turns an error event into ResponseStreamError', async () => {
    const e = createEventFactory();
    let signal: AbortSignal | undefined;
    let respond!: (response: Response) => void;
    TestBed.configureTestingModule({
      providers: [
        {
          provide: FETCH,
          useValue: (_url: string, init: RequestInit) => {
            signal = init.signal ?? undefined;
            return new Promise<Response>((resolve) => {
              respond = resolve;
            });
          },
        },
      ],
    });
    const service = TestBed.inject(ImageGenerationService);

    const subscription = service.generate('a fox').subscribe();
    expect(signal?.aborted).toBe(false);
    subscription.unsubscribe();
    expect(signal?.aborted).toBe(true);

    const failed = firstValueFrom(service.generate('a fox')).catch((error: unknown) => error);
    respond(
      new Response(sse([e.created(), e.error('The server had an error.', 'server_error')]), {
        headers: { 'content-type': 'text/event-stream' },
      }),
    );
    const error = await failed;
    expect(error).toBeInstanceOf(ResponseStreamError);
    expect((error as ResponseStreamError).code).toBe('server_error');
  });
});
