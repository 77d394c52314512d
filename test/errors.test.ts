import { describe, expect, it } from 'vitest';
import * as api from '../src/index';
import { createEventFactory } from '../src/testing/index';

const e = createEventFactory();
// One instance of every core error class, built as the operators build them.
const samples: Error[] = [
  new api.RxOpenAIError('root'),
  new api.TruncatedStreamError(3, 2),
  new api.MalformedEventError(3, 2, { cause: new SyntaxError('Unexpected end of JSON input') }),
  new api.ImageGenerationError('ig_1', 0, 'moderation_blocked', 'Blocked'),
  new api.ResponseFailedError(e.failed().response),
  new api.ResponseIncompleteError(e.incomplete().response),
  new api.ResponseStreamError(e.error('x')),
  new api.MissingImageError('ig_2', 1),
];

describe('errors', () => {
  it.each(samples.map((error) => [error.constructor.name, error] as const))(
    '%s has its class name as name, descends from RxOpenAIError and Error, and says something',
    (className, error) => {
      expect(error.name).toBe(className);
      expect(error).toBeInstanceOf(api.RxOpenAIError);
      expect(error).toBeInstanceOf(Error);
      expect(error.message.length).toBeGreaterThan(3);
      expect(error.stack).toContain(className);
    },
  );

  it('keeps the cause', () => {
    const cause = new Error('socket');
    expect(new api.TruncatedStreamError(1, null, { cause }).cause).toBe(cause);
    const torn = new SyntaxError('Unexpected end of JSON input');
    const malformed = new api.MalformedEventError(4, 3, { cause: torn });
    expect(malformed.cause).toBe(torn);
    expect(malformed.message).toBe(
      'An event after 4 event(s) (last sequence number 3) could not be parsed: Unexpected end of JSON input',
    );
  });
});
