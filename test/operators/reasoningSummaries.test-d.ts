import type { Observable } from 'rxjs';
import { describe, expectTypeOf, it } from 'vitest';
import { type ReasoningSummary, type ResponseStreamEvent, reasoningSummaries } from '../../src/index';

declare const events$: Observable<ResponseStreamEvent>;

describe('reasoningSummaries types', () => {
  it('emits ReasoningSummary, its kind a union of two literals', () => {
    expectTypeOf(events$.pipe(reasoningSummaries())).toEqualTypeOf<Observable<ReasoningSummary>>();
    expectTypeOf<ReasoningSummary['kind']>().toEqualTypeOf<'summary' | 'reasoning_text'>();
    expectTypeOf<ReasoningSummary['text']>().toEqualTypeOf<string>();
  });

  it('only takes response events', () => {
    const strings$ = null as unknown as Observable<string>;
    // @ts-expect-error: not a stream of response events
    strings$.pipe(reasoningSummaries());
  });
});
