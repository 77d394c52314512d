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

  it('resumes a dropped stream with the last cursor, and asks the relay to cancel when unsubscribed', async () => {
    const { events, images } = imageGenerationScenario({ partials: 1 });
    const background = events.map((event) =>
      'response' in event ? ({ ...event, response: { ...event.response, background: true } } as typeof event) : event,
    );
    // As a relay with `cursor` writes it: each event with its cursor (here simply `c<sequence number>`).
    const withIds = (list: readonly ResponseStreamEvent[]) =>
      list.map((event) => `id: c${event.sequence_number}\n${sse([event])}`).join('');
    const calls: Array<{ url: string; cursor: string | null }> = [];
    let stall = false;
    TestBed.configureTestingModule({
      providers: [
        {
          provide: FETCH,
          useValue: async (url: string, init: RequestInit) => {
            const cursor = new Headers(init.headers).get('last-event-id');
            calls.push({ url, cursor });
            if (url === '/api/cancel') return new Response('{}');
            // The first answer stops after 4 events (a dropped connection); a resume gives the rest.
            const body = cursor === null ? withIds(background.slice(0, 4)) : withIds(background.slice(4));
            const stream = stall
              ? new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode(withIds(background.slice(0, 2)))) })
              : body;
            return new Response(stream, { headers: { 'content-type': 'text/event-stream' } });
          },
        },
      ],
    });
    const service = TestBed.inject(ImageGenerationService);
    const states = await firstValueFrom(service.generate('a fox').pipe(toArray()));
    expect(states.at(-1)).toEqual([expect.objectContaining({ status: 'completed', b64: images[0]!.b64 })]);
    expect(calls).toEqual([
      { url: '/api/generate', cursor: null },
      { url: '/api/generate', cursor: 'c3' },
    ]);

    // Unsubscribing mid-stream (Cancel) calls the relay's cancel with the last cursor.
    stall = true;
    calls.length = 0;
    const subscription = service.generate('a fox').subscribe();
    await new Promise((resolve) => setTimeout(resolve, 20));
    subscription.unsubscribe();
    expect(calls).toEqual([
      { url: '/api/generate', cursor: null },
      { url: '/api/cancel', cursor: 'c1' },
    ]);
  });
});
