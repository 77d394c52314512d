import { lastValueFrom, Observable, toArray } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import * as api from '../src/index';
import { toSafeError } from '../src/server/safeError';
import { createEventFactory, fakeResponsesClient, imageGenerationEvents } from '../src/testing/index';

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

// A second copy of the errors module, as when an ESM app and a CJS dependency each load their own build of
// this package: same classes, distinct class objects.
type ErrorsModule = typeof import('../src/errors');
vi.resetModules();
const other: ErrorsModule = await import('../src/errors');
vi.resetModules();

/** The exported error classes of a copy of the module, by their export name. */
function errorClasses(module: object): [string, abstract new (...args: never) => Error][] {
  return Object.entries(module).filter(
    (entry): entry is [string, abstract new (...args: never) => Error] =>
      typeof entry[1] === 'function' && entry[1].prototype instanceof Error,
  );
}

/** One instance of the class named `name`, made with the given copy's classes. */
function make(copy: ErrorsModule, name: string): Error {
  const response = e.failed().response;
  const factories: Record<string, () => Error> = {
    RxOpenAIError: () => new copy.RxOpenAIError('root'),
    TruncatedStreamError: () => new copy.TruncatedStreamError(3, 2),
    MalformedEventError: () => new copy.MalformedEventError(3, 2),
    StreamIdleError: () => new copy.StreamIdleError(1000, 3, 2),
    ImageGenerationError: () => new copy.ImageGenerationError('ig_1', 0, 'moderation_blocked', 'Blocked'),
    ResponseFailedError: () => new copy.ResponseFailedError(response),
    ResponseIncompleteError: () => new copy.ResponseIncompleteError(e.incomplete().response),
    ResponseStreamError: () => new copy.ResponseStreamError(e.error('x', 'server_error')),
    MissingImageError: () => new copy.MissingImageError('ig_2', 1),
    RelayHttpError: () => new copy.RelayHttpError(500, 'Internal Server Error', ''),
    ResumeNotPossibleError: () => new copy.ResumeNotPossibleError('resp_1', 'not-background'),
    SequenceGapError: () => new copy.SequenceGapError('resp_1', 4, 6),
    ResumeFailedError: () => new copy.ResumeFailedError('resp_1', 5, 3),
    MissingOutputItemError: () => new copy.MissingOutputItemError('msg_1', 0, 'message'),
    FunctionArgumentsError: () => new copy.FunctionArgumentsError('call_1', 'get_weather', '{', 'fc_1'),
    FunctionArgumentsValidationError: () =>
      new copy.FunctionArgumentsValidationError('call_1', 'get_weather', '{}', 'fc_1', [
        { message: 'Required' },
      ]),
    McpCallError: () => new copy.McpCallError('mcp_1', 0, 'search', 'docs'),
    ToolRunError: () => new copy.ToolRunError('tool failed', ['call_1'], []),
    UnsupportedImageCountError: () => new copy.UnsupportedImageCountError(2),
  };
  const factory = factories[name];
  if (!factory) throw new Error(`no sample for ${name}: add one to make()`);
  return factory();
}

const BRAND = Symbol.for('rxjs-openai.errorBrand');
const exported = errorClasses(api);
const names = exported.map(([name]) => name);

describe('errors across copies of the package (ESM and CJS builds in one process)', () => {
  it('really has two copies of every class', () => {
    expect(names).toContain('RxOpenAIError');
    expect(names.length).toBeGreaterThanOrEqual(13);
    for (const [name, cls] of exported) expect(other[name as keyof ErrorsModule]).not.toBe(cls);
    expect(Object.getPrototypeOf(other.TruncatedStreamError)).toBe(other.RxOpenAIError);
  });

  it.each(names)('%s has its own brand under the global symbol, unlike any other class', (name) => {
    const cls = exported.find(([n]) => n === name)![1];
    expect(Object.hasOwn(cls, BRAND)).toBe(true);
    const brand = Object.getOwnPropertyDescriptor(cls, BRAND)?.value;
    expect(typeof brand).toBe('string');
    const others = exported
      .filter(([n]) => n !== name)
      .map(([, c]) => Object.getOwnPropertyDescriptor(c, BRAND)?.value);
    expect(others).not.toContain(brand);
  });

  it.each(names)('an error of the other copy is instanceof %s exactly when it is one, both ways', (name) => {
    const mine = exported.find(([n]) => n === name)![1];
    const theirs = other[name as keyof ErrorsModule] as abstract new (...args: never) => Error;
    for (const sampleName of names) {
      const expected = name === 'RxOpenAIError' || sampleName === name;
      expect(make(other, sampleName) instanceof mine, `${sampleName} (other copy) instanceof ${name}`).toBe(
        expected,
      );
      expect(make(api, sampleName) instanceof theirs, `${sampleName} instanceof ${name} (other copy)`).toBe(
        expected,
      );
      expect(make(api, sampleName) instanceof mine, `${sampleName} instanceof ${name}`).toBe(expected);
    }
  });

  it('keeps subclass semantics: a subclass of ours is its parent across copies, not the reverse', () => {
    class MyTruncated extends api.TruncatedStreamError {}
    const mine = new MyTruncated(1, 0);
    expect(mine).toBeInstanceOf(MyTruncated);
    expect(mine instanceof api.TruncatedStreamError).toBe(true);
    expect(mine instanceof other.TruncatedStreamError).toBe(true);
    expect(mine instanceof other.RxOpenAIError).toBe(true);
    expect(mine instanceof other.MalformedEventError).toBe(false);
    // A subclass without its own brand cannot claim its parent's instances, from this copy or the other.
    expect(new api.TruncatedStreamError(1, 0) instanceof MyTruncated).toBe(false);
    expect(new other.TruncatedStreamError(1, 0) instanceof MyTruncated).toBe(false);
    class MyRoot extends api.RxOpenAIError {}
    expect(new other.RxOpenAIError('x') instanceof MyRoot).toBe(false);
    expect(new MyRoot('x') instanceof other.RxOpenAIError).toBe(true);
  });

  it('recognises nothing else', () => {
    const lookalike = Object.assign(new Error('x'), { name: 'TruncatedStreamError' });
    for (const value of [null, undefined, 0, 'TruncatedStreamError', {}, [], lookalike, () => {}]) {
      expect(value instanceof api.TruncatedStreamError).toBe(false);
      expect(value instanceof api.RxOpenAIError).toBe(false);
    }
    expect(Object.create(null) instanceof api.RxOpenAIError).toBe(false);
  });

  it('toSafeError maps an error of the other copy to its own code, not internal_error', () => {
    expect(toSafeError(make(other, 'TruncatedStreamError')).code).toBe('stream_truncated');
    expect(toSafeError(make(other, 'MissingImageError')).code).toBe('missing_image');
    expect(toSafeError(make(other, 'ResponseFailedError')).code).toBe('server_error');
    expect(toSafeError(make(other, 'ResponseIncompleteError')).code).toBe('response_incomplete');
    expect(toSafeError(make(other, 'ResponseStreamError')).code).toBe('server_error');
    expect(toSafeError(make(other, 'ImageGenerationError')).code).toBe('moderation_blocked');
    expect(toSafeError(make(other, 'SequenceGapError'))).toEqual({
      code: 'sequence_gap',
      message: make(other, 'SequenceGapError').message,
    });
  });

  it('resumable() resumes after a TruncatedStreamError of the other copy, and passes on its other errors', async () => {
    const events = imageGenerationEvents({ images: 1, partials: 0 }).map((event) =>
      'response' in event ? { ...event, response: { ...event.response, background: true } } : event,
    ) as api.ResponseStreamEvent[];
    const failingWith = (error: Error) =>
      fakeResponsesClient(
        () =>
          new Observable<api.ResponseStreamEvent>((s) => {
            for (const event of events.slice(0, 3)) s.next(event);
            s.error(error);
          }),
        { retrieve: (_id, after) => events.filter((event) => event.sequence_number > (after ?? -1)) },
      );
    const params = { model: 'gpt-5', input: 'a fox', background: true } as const;
    const truncated = failingWith(make(other, 'TruncatedStreamError'));
    const received = await lastValueFrom(
      api.streamResponse(truncated, params).pipe(api.resumable(truncated, { backoff: 0 }), toArray()),
    );
    expect(received).toEqual(events);
    const gap = make(other, 'SequenceGapError');
    const failing = failingWith(gap);
    await expect(
      lastValueFrom(api.streamResponse(failing, params).pipe(api.resumable(failing, { backoff: 0 }))),
    ).rejects.toBe(gap);
    expect(failing.retrieveCalls).toEqual([]);
  });
});
