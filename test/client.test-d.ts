import type OpenAI from 'openai';
import { describe, expectTypeOf, it } from 'vitest';
import type { ResponsesClient } from '../src/index';
import { fakeResponsesClient } from '../src/testing/index';

describe('ResponsesClient', () => {
  it('is satisfied by the real OpenAI client and by the fake', () => {
    expectTypeOf<OpenAI>().toMatchTypeOf<ResponsesClient>();
    expectTypeOf(fakeResponsesClient([])).toMatchTypeOf<ResponsesClient>();
  });

  it('is not satisfied by something without responses.create', () => {
    expectTypeOf<{ responses: { retrieve(): void } }>().not.toMatchTypeOf<ResponsesClient>();
  });
});
