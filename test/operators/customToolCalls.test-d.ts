import type { ResponseCustomToolCall } from 'openai/resources/responses/responses';
import type { Observable } from 'rxjs';
import { describe, expectTypeOf, it } from 'vitest';
import { type CustomToolCall, customToolCalls, type ResponseStreamEvent } from '../../src/index';

declare const events$: Observable<ResponseStreamEvent>;

describe('customToolCalls types', () => {
  it('emits CustomToolCall with a string input and the SDK item', () => {
    expectTypeOf(events$.pipe(customToolCalls())).toEqualTypeOf<Observable<CustomToolCall>>();
    expectTypeOf<CustomToolCall['input']>().toEqualTypeOf<string>();
    expectTypeOf<CustomToolCall['item']>().toEqualTypeOf<ResponseCustomToolCall>();
  });

  it('takes no options', () => {
    // @ts-expect-error: nothing to configure
    customToolCalls({ schemas: {} });
  });
});
