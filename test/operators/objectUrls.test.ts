import { Buffer, resolveObjectURL } from 'node:buffer';
import { from, map, Observable, take } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  type FinalImage,
  type ImageState,
  type ImageStateWithUrl,
  imageStates,
  objectUrls,
} from '../../src/index';
import { createEventFactory, imageGenerationScenario, SAMPLE_PNGS } from '../../src/testing/index';
import { testScheduler } from '../support/marbles';

const [coral, teal] = SAMPLE_PNGS;

function state(itemId: string, b64: string | null, patch: Partial<ImageState> = {}): ImageState {
  return {
    itemId,
    outputIndex: 0,
    status: b64 ? 'partial' : 'in_progress',
    partials: 0,
    b64,
    final: null,
    ...patch,
  };
}

function finalState(itemId: string, b64: string, format: 'png' | 'webp' = 'png'): ImageState {
  const item = createEventFactory().imageCall({ id: itemId, result: b64, output_format: format });
  const final: FinalImage = { itemId, outputIndex: 0, b64, item, completed: null };
  return state(itemId, b64, { status: 'completed', final });
}

/** Fake URL functions: `u1`, `u2`, ... and a log of what was made and revoked, with the time. */
function fakeUrls(now: () => number = () => 0) {
  let count = 0;
  const log: string[] = [];
  const types = new Map<string, string>();
  const live = new Set<string>();
  return {
    log,
    types,
    live,
    createObjectURL: (blob: Blob) => {
      const url = `u${++count}`;
      types.set(url, blob.type);
      live.add(url);
      log.push(`${now()}:+${url}`);
      return url;
    },
    revokeObjectURL: (url: string) => {
      live.delete(url);
      log.push(`${now()}:-${url}`);
    },
  };
}

const urlsOf = (list: readonly ImageStateWithUrl[]) => list.map((s) => `${s.itemId}=${s.url}`).join(' ');

describe('objectUrls', () => {
  it("gives each image's latest bytes a URL and revokes the previous one for that item", () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const urls = fakeUrls(() => scheduler.now());
      const a0 = state('a', null);
      const a1 = state('a', coral!.previewB64, { partials: 1 });
      const b1 = state('b', teal!.previewB64, { outputIndex: 1, partials: 1 });
      const a2 = finalState('a', coral!.b64);
      const states = cold('0-1-2-3|', { 0: [a0], 1: [a1], 2: [a1, b1], 3: [a2, b1] });
      // Read the log at the time of each emission, so that revocation times are checked too.
      const result = states.pipe(
        objectUrls(urls),
        map((list) => `${urlsOf(list)} | ${urls.log.join(',')}`),
      );
      expectObservable(result, '^--------!').toBe('0-1-2-3--', {
        0: 'a=null | ',
        1: 'a=u1 | 2:+u1',
        2: 'a=u1 b=u2 | 2:+u1,4:+u2',
        // u1 is revoked only after this list (with u3 in its place) is out: see the test below.
        3: 'a=u3 b=u2 | 2:+u1,4:+u2,6:+u3',
      });
      scheduler.flush();
      expect(urls.log.slice(3)).toEqual(['6:-u1', '9:-u3', '9:-u2']);
    });
  });

  it('revokes every URL still held on unsubscribe, and holds them after the source completes', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const urls = fakeUrls(() => scheduler.now());
      const states = cold('a-b|', {
        a: [state('a', coral!.previewB64)],
        b: [state('a', coral!.b64), state('b', teal!.b64)],
      });
      const result = states.pipe(objectUrls(urls), map(urlsOf));
      // No completion: the last URLs stay valid while the UI shows them.
      expectObservable(result, '^-----!').toBe('a-b---', { a: 'a=u1', b: 'a=u2 b=u3' });
      expectSubscriptions(states.subscriptions).toBe('^--!');
      scheduler.flush();
      expect(urls.log).toEqual(['0:+u1', '2:+u2', '2:+u3', '2:-u1', '6:-u2', '6:-u3']);
      expect(urls.live.size).toBe(0);
    });
  });

  it('with holdAfterComplete: false, completes with the source and revokes everything then', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const urls = fakeUrls(() => scheduler.now());
      const states = cold('a-b|', { a: [state('a', coral!.previewB64)], b: [state('a', coral!.b64)] });
      expectObservable(states.pipe(objectUrls({ ...urls, holdAfterComplete: false }), map(urlsOf))).toBe(
        'a-b|',
        {
          a: 'a=u1',
          b: 'a=u2',
        },
      );
      scheduler.flush();
      expect(urls.log).toEqual(['0:+u1', '2:+u2', '2:-u1', '3:-u2']);
    });
  });

  it('passes a source error on and revokes every URL', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const urls = fakeUrls(() => scheduler.now());
      const failure = new Error('stream failed');
      const states = cold('a-#', { a: [state('a', coral!.previewB64)] }, failure);
      expectObservable(states.pipe(objectUrls(urls), map(urlsOf))).toBe('a-#', { a: 'a=u1' }, failure);
      scheduler.flush();
      expect(urls.log).toEqual(['0:+u1', '2:-u1']);
    });
  });

  it('keeps the identity and the URL of entries whose bytes did not change', () => {
    const urls = fakeUrls();
    const a = state('a', coral!.b64);
    const b1 = state('b', teal!.previewB64, { outputIndex: 1 });
    const b1again = { ...b1, status: 'partial' as const, partials: 2 }; // a new object, same bytes
    const lists = [
      [a, b1],
      [a, b1again],
    ] as const;
    const out: (readonly ImageStateWithUrl[])[] = [];
    from(lists)
      .pipe(objectUrls({ ...urls, holdAfterComplete: false }))
      .subscribe((l) => out.push(l));
    expect(out[1]![0]).toBe(out[0]![0]);
    expect(out[1]![1]).not.toBe(out[0]![1]);
    expect(out[1]![1]).toMatchObject({ partials: 2, url: out[0]![1]!.url });
    expect(urls.log.filter((l) => l.includes('+'))).toHaveLength(2);
  });

  it('revokes the URL of an image that leaves the list', () => {
    const urls = fakeUrls();
    const lists = [[state('a', coral!.b64), state('b', teal!.b64)], [state('b', teal!.b64)]];
    // take(2) unsubscribes while the second list is emitted: u2 (held) goes then, u1 (replaced) right after.
    from(lists).pipe(objectUrls(urls), take(2)).subscribe();
    expect(urls.log).toEqual(['0:+u1', '0:+u2', '0:-u2', '0:-u1']);
  });

  it("revokes an image's previous URL only after the list that replaces it is emitted", () => {
    const urls = fakeUrls();
    const order: string[] = [];
    const create = (blob: Blob) => {
      const url = urls.createObjectURL(blob);
      order.push(`create ${url}`);
      return url;
    };
    const revoke = (url: string) => {
      order.push(`revoke ${url}`);
      urls.revokeObjectURL(url);
    };
    const lists = [
      [state('a', coral!.previewB64), state('b', teal!.previewB64, { outputIndex: 1 })],
      // a moves on to its final bytes; b leaves the list.
      [finalState('a', coral!.b64)],
    ];
    // What a page sees at each emission: every URL in the list it gets, and every URL it showed until now,
    // must still be live (an <img> may still be loading the previous one).
    let shown: readonly ImageStateWithUrl[] = [];
    const subscription = from(lists)
      .pipe(objectUrls({ createObjectURL: create, revokeObjectURL: revoke }))
      .subscribe((list) => {
        order.push(`emit ${list.map((s) => s.url).join(',')}`);
        for (const image of [...shown, ...list]) expect(urls.live.has(image.url!)).toBe(true);
        shown = list;
      });
    expect(order).toEqual([
      'create u1',
      'create u2',
      'emit u1,u2',
      'create u3',
      'emit u3',
      'revoke u1',
      'revoke u2',
    ]);
    subscription.unsubscribe();
    expect(order.slice(7)).toEqual(['revoke u3']);
    expect(urls.live.size).toBe(0);
  });

  it('types the blob from the final output_format, else from the bytes', () => {
    const urls = fakeUrls();
    const jpegPreview = btoa(String.fromCharCode(0xff, 0xd8, 0xff, 0xe0, 0, 0x10));
    from([[state('a', jpegPreview), state('b', coral!.previewB64)], [finalState('a', coral!.b64, 'webp')]])
      .pipe(objectUrls(urls), take(2))
      .subscribe();
    expect(Object.fromEntries(urls.types)).toEqual({ u1: 'image/jpeg', u2: 'image/png', u3: 'image/webp' });
  });

  it('errors on bytes that are not base64, revoking what it made and held', () => {
    const urls = fakeUrls();
    let error: unknown;
    from([[state('a', coral!.b64)], [state('a', coral!.b64), state('b', teal!.b64), state('c', '%%%')]])
      .pipe(objectUrls(urls))
      .subscribe({ error: (e) => (error = e) });
    expect(error).toBeInstanceOf(Error);
    expect(urls.live.size).toBe(0);
    expect(urls.log).toEqual(['0:+u1', '0:+u2', '0:-u2', '0:-u1']);
  });

  it('handles empty and never-emitting sources', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(
        cold<ImageState[]>('|').pipe(objectUrls({ ...fakeUrls(), holdAfterComplete: false })),
      ).toBe('|');
      expectObservable(cold<ImageState[]>('|').pipe(objectUrls(fakeUrls()))).toBe('');
      expectObservable(cold<ImageState[]>('-').pipe(objectUrls(fakeUrls()))).toBe('-');
    });
  });

  it('a synchronous firehose cut by take stops at once and revokes what it made', () => {
    const urls = fakeUrls();
    let produced = 0;
    const firehose = new Observable<ImageState[]>((subscriber) => {
      for (let i = 0; i < 1000 && !subscriber.closed; i++) {
        produced++;
        subscriber.next([state('a', i % 2 ? coral!.b64 : teal!.b64)]);
      }
    });
    const got = [] as string[];
    firehose.pipe(objectUrls(urls), take(2)).subscribe((l) => got.push(urlsOf(l)));
    expect(got).toEqual(['a=u1', 'a=u2']);
    expect(produced).toBe(2);
    expect(urls.live.size).toBe(0);
  });

  it("with Node's real URL.createObjectURL: URLs resolve to the image's bytes until revoked", async () => {
    const { events, images } = imageGenerationScenario({ images: 2, partials: 2 });
    const lists: (readonly ImageStateWithUrl[])[] = [];
    // The source is synchronous and completes; objectUrls holds the last URLs until unsubscribed.
    const subscription = from(events)
      .pipe(imageStates(), objectUrls())
      .subscribe((list) => lists.push(list));
    const last = lists.at(-1)!;
    expect(last.map((s) => s.status)).toEqual(['completed', 'completed']);
    const blobs = last.map((s) => resolveObjectURL(s.url!));
    expect(blobs.map((b) => b?.type)).toEqual(['image/png', 'image/png']);
    const bytes = await Promise.all(
      blobs.map(async (b) => Buffer.from(await b!.arrayBuffer()).toString('base64')),
    );
    expect(bytes).toEqual(images.map((i) => i.b64));
    // Every earlier preview's URL was revoked when its image moved on.
    const earlier = lists
      .slice(0, -1)
      .flatMap((l) => l.map((s) => s.url))
      .filter((u): u is string => !!u);
    const stale = earlier.filter((u) => !last.some((s) => s.url === u));
    expect(stale.length).toBeGreaterThanOrEqual(4);
    expect(stale.filter((u) => resolveObjectURL(u) !== undefined)).toEqual([]);
    subscription.unsubscribe();
    expect(last.filter((s) => resolveObjectURL(s.url!) !== undefined)).toEqual([]);
  });
});
