// An announced image never vanishes, and previews come once each, newest last.
import { from, lastValueFrom, type OperatorFunction, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  type ImageState,
  imageStates,
  MissingImageError,
  partialAndFinalImages,
  partialImages,
  type ResponseStreamEvent,
  withFinalImage,
} from '../../src/index';
import { createEventFactory } from '../../src/testing/index';

const e = () => createEventFactory({ responseId: 'resp_announced' });

/** How an image can be announced without its bytes ever coming (a proxy or an allowlist dropped them). */
function announcedOnly(): Record<string, ResponseStreamEvent[]> {
  const f = e();
  const pending = f.imageCall({ id: 'ig_lost', status: 'in_progress', result: null });
  return {
    'output_item.added': [f.created(), f.outputItemAdded(pending, 0), f.completed({ output: [] })],
    in_progress: [f.created(), f.imageInProgress('ig_lost', 0), f.completed({ output: [] })],
    generating: [f.created(), f.imageGenerating('ig_lost', 0), f.completed({ output: [] })],
    'a preview': [f.created(), f.imagePartial('ig_lost', 0, 0, 'cHJldmlldw=='), f.completed({ output: [] })],
    'the stream ending (no terminal event)': [f.created(), f.imagePartial('ig_lost', 0, 0, 'cHJldmlldw==')],
  };
}

const operators: Record<string, OperatorFunction<ResponseStreamEvent, unknown>> = {
  withFinalImage: withFinalImage(),
  partialAndFinalImages: partialAndFinalImages(),
  imageStates: imageStates(),
};

describe('an image announced whose bytes never arrive is MissingImageError, never a silent end', () => {
  for (const [name, operator] of Object.entries(operators)) {
    for (const [how, events] of Object.entries(announcedOnly())) {
      it(`${name}: announced by ${how}`, async () => {
        const error = await lastValueFrom(from(events).pipe(operator, toArray())).catch(
          (thrown: unknown) => thrown,
        );
        expect(error).toBeInstanceOf(MissingImageError);
        expect(error).toMatchObject({ itemId: 'ig_lost', outputIndex: 0 });
      });
    }
  }

  it('imageStates never leaves the image showing a preview: the last list is the preview, then the error', async () => {
    const events = announcedOnly()['a preview']!;
    const lists: (readonly ImageState[])[] = [];
    const error = await new Promise((resolve) =>
      from(events)
        .pipe(imageStates())
        .subscribe({ next: (list) => lists.push(list), error: resolve, complete: () => resolve(null) }),
    );
    expect(lists.at(-1)?.[0]?.status).toBe('partial');
    expect(error).toBeInstanceOf(MissingImageError);
  });

  it('an image whose bytes come only in response.completed is not missing', async () => {
    const f = e();
    const done = f.imageCall({ id: 'ig_ok', result: 'ZmluYWw=' });
    const events = [f.created(), f.imageGenerating('ig_ok', 0), f.completed({ output: [done] })];
    const images = await lastValueFrom(from(events).pipe(withFinalImage(), toArray()));
    expect(images.map((i) => i.b64)).toEqual(['ZmluYWw=']);
  });
});

describe('previews: a duplicate is emitted once, and an older one never replaces a newer one', () => {
  function previews() {
    const f = e();
    const p0 = f.imagePartial('ig_1', 0, 0, 'cDA=');
    const p1 = f.imagePartial('ig_1', 0, 1, 'cDE=');
    const final = f.imageCall({ id: 'ig_1', result: 'ZmluYWw=' });
    // A proxy duplicated p0 and p1, and delivered a copy of p0 late, after p1.
    return [
      f.created(),
      p0,
      p0,
      p1,
      p1,
      { ...p0 },
      f.imageCompleted('ig_1', 0),
      f.outputItemDone(final, 0),
      f.completed({ output: [final] }),
    ];
  }

  it('partialImages emits each preview once, in increasing index', async () => {
    const out = await lastValueFrom(from(previews()).pipe(partialImages(), toArray()));
    expect(out.map((p) => [p.index, p.b64])).toEqual([
      [0, 'cDA='],
      [1, 'cDE='],
    ]);
  });

  it('imageStates counts distinct previews ("2 of 2", not "4 of 2") and never goes back to an older one', async () => {
    const lists = await lastValueFrom(from(previews()).pipe(imageStates(), toArray()));
    const shown = lists.map((list) => [list[0]!.status, list[0]!.partials, list[0]!.b64]);
    expect(shown).toEqual([
      ['partial', 1, 'cDA='],
      ['partial', 2, 'cDE='],
      ['completed', 2, 'ZmluYWw='],
    ]);
  });

  it('partialAndFinalImages follows the same rule', async () => {
    const out = await lastValueFrom(from(previews()).pipe(partialAndFinalImages(), toArray()));
    expect(out.map((v) => v.b64)).toEqual(['cDA=', 'cDE=', 'ZmluYWw=']);
  });
});
