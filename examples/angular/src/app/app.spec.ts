import { TestBed } from '@angular/core/testing';
import { Observable, Subject } from 'rxjs';
import type { ResponseStreamEvent } from 'rxjs-openai';
import { createEventFactory, imageGenerationScenario } from 'rxjs-openai/testing';
import { App } from './app';
import { IMAGE_EVENTS } from './image-generation.service';

describe('App', () => {
  let events: Subject<ResponseStreamEvent>;
  let subscriptions: number;
  let unsubscriptions: number;
  let created: string[];
  let revoked: string[];
  const { createObjectURL, revokeObjectURL } = URL;

  beforeEach(() => {
    events = new Subject();
    subscriptions = 0;
    unsubscriptions = 0;
    created = [];
    revoked = [];
    URL.createObjectURL = () => {
      created.push(`blob:test/${created.length + 1}`);
      return created.at(-1)!;
    };
    URL.revokeObjectURL = (url: string) => void revoked.push(url);
    const source = new Observable<ResponseStreamEvent>((subscriber) => {
      subscriptions++;
      const subscription = events.subscribe(subscriber);
      return () => {
        unsubscriptions++;
        subscription.unsubscribe();
      };
    });
    TestBed.configureTestingModule({ providers: [{ provide: IMAGE_EVENTS, useValue: () => source }] });
  });
  afterEach(() => {
    URL.createObjectURL = createObjectURL;
    URL.revokeObjectURL = revokeObjectURL;
  });

  async function start() {
    const fixture = TestBed.createComponent(App);
    await fixture.whenStable();
    const page = fixture.nativeElement as HTMLElement;
    const button = (name: string) =>
      [...page.querySelectorAll('button')].find((b) => b.textContent?.trim() === name) as HTMLButtonElement;
    const text = (selector: string) => page.querySelector(selector)?.textContent?.trim() ?? null;
    button('Generate').click();
    await fixture.whenStable();
    return { fixture, page, button, text };
  }

  it('shows each preview, then the final image, with a progress line', async () => {
    const { fixture, page, button, text } = await start();
    const all = imageGenerationScenario({ partials: 2 }).events;
    expect(subscriptions).toBe(1);
    expect(text('[data-testid="status"]')).toBe('Waiting for the server…');

    for (const event of all.slice(0, 6)) events.next(event); // created ... the first preview
    await fixture.whenStable();
    expect(text('[data-testid="status"]')).toBe('image 1: partial 1 of 2');
    expect(page.querySelector('li[data-status="partial"] img')?.getAttribute('src')).toBe('blob:test/1');
    expect(button('Cancel').disabled).toBe(false);

    for (const event of all.slice(6)) events.next(event);
    events.complete();
    await fixture.whenStable();
    expect(text('[data-testid="status"]')).toBe('Done: 1 image.');
    // The kit's two previews are the same bytes, so they share a URL; the final image gets a new one.
    expect(page.querySelector('li[data-status="completed"] img')?.getAttribute('src')).toBe('blob:test/2');
    expect(revoked).toEqual(['blob:test/1']);
    expect(button('Cancel').disabled).toBe(true);
    expect(button('Generate').disabled).toBe(false);
  });

  it('Cancel unsubscribes from the stream and revokes its URLs', async () => {
    const { fixture, page, button, text } = await start();
    for (const event of imageGenerationScenario({ partials: 2 }).events.slice(0, 6)) events.next(event);
    await fixture.whenStable();
    expect(created).toEqual(['blob:test/1']);

    button('Cancel').click();
    await fixture.whenStable();
    expect(unsubscriptions).toBe(1);
    expect(revoked).toEqual(['blob:test/1']);
    expect(text('[data-testid="status"]')).toBe('Cancelled.');
    expect(page.querySelectorAll('li')).toHaveLength(0);
    expect(button('Generate').disabled).toBe(false);
  });

  it('shows an error in plain words', async () => {
    const { fixture, text, button } = await start();
    const e = createEventFactory();
    events.next(e.created());
    events.next(e.error('The image service is overloaded.', 'server_error'));
    await fixture.whenStable();
    expect(text('[role="alert"]')).toBe('The generation failed: The image service is overloaded.');
    expect(unsubscriptions).toBe(1);
    expect(button('Cancel').disabled).toBe(true);
  });
});
