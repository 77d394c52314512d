import type { ResponseOutputText } from 'openai/resources/responses/responses';
import type { Observable } from 'rxjs';
import { describe, expectTypeOf, it } from 'vitest';
import { type Citation, citations, type ResponseStreamEvent, type TextAnnotation } from '../../src/index';

declare const events$: Observable<ResponseStreamEvent>;

describe('citations types', () => {
  it('emits Citation, its annotation the SDK union, narrowed by type', () => {
    expectTypeOf(events$.pipe(citations())).toEqualTypeOf<Observable<Citation>>();
    expectTypeOf<TextAnnotation>().toEqualTypeOf<ResponseOutputText['annotations'][number]>();
    expectTypeOf<Citation['text']>().toEqualTypeOf<string | null>();
    events$.pipe(citations()).subscribe(({ annotation }) => {
      if (annotation.type === 'url_citation') expectTypeOf(annotation.url).toEqualTypeOf<string>();
      if (annotation.type === 'file_citation') {
        expectTypeOf(annotation.file_id).toEqualTypeOf<string>();
        // @ts-expect-error: a file citation marks a position, it has no range
        annotation.start_index;
      }
    });
  });
});
