import OpenAI from 'openai';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type ResponseEventStream,
  type ResponsesClient,
  type ResumableResponsesClient,
  resumable,
  resumeResponse,
  streamResponse,
} from '../../src/index';
import { fakeResponsesClient } from '../../src/testing/index';

declare const createOnly: {
  responses: { create(body: never, options?: unknown): Promise<ResponseEventStream> };
};

describe('ResumableResponsesClient', () => {
  it('is satisfied by the real OpenAI client, which still satisfies ResponsesClient', () => {
    expectTypeOf<OpenAI>().toMatchTypeOf<ResumableResponsesClient>();
    expectTypeOf<OpenAI>().toMatchTypeOf<ResponsesClient>();
    const client = new OpenAI({ apiKey: 'k' });
    streamResponse(client, { model: 'gpt-5', input: 'x', background: true }).pipe(resumable(client));
    resumeResponse(client, 'resp_1', { startingAfter: 3 });
  });

  it('is satisfied by the fake client', () => {
    expectTypeOf(fakeResponsesClient([])).toMatchTypeOf<ResumableResponsesClient>();
  });

  it('is not satisfied by a client without responses.retrieve, which streamResponse still takes', () => {
    expectTypeOf(createOnly).toMatchTypeOf<ResponsesClient>();
    expectTypeOf(createOnly).not.toMatchTypeOf<ResumableResponsesClient>();
    // @ts-expect-error resumeResponse needs responses.retrieve
    resumeResponse(createOnly, 'resp_1');
    // @ts-expect-error resumable needs responses.retrieve
    resumable(createOnly);
  });

  it('takes a number or null for startingAfter, nothing else', () => {
    const client = fakeResponsesClient([]);
    resumeResponse(client, 'resp_1', { startingAfter: null });
    // @ts-expect-error startingAfter is a sequence number
    resumeResponse(client, 'resp_1', { startingAfter: '3' });
  });
});
