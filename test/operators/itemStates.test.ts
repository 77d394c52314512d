import { from, lastValueFrom, NEVER, take, throwError, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  finalResponse,
  type ItemState,
  imageStates,
  itemStates,
  MissingOutputItemError,
  ResponseFailedError,
  type ResponseStreamEvent,
} from '../../src/index';
import {
  codeInterpreterScenario,
  createEventFactory,
  functionCallScenario,
  imageGenerationScenario,
  reasoningImageScenario,
  webSearchScenario,
} from '../../src/testing/index';
import { syncFirehose } from '../support/firehose';
import { testScheduler } from '../support/marbles';

const lastList = (events: readonly ResponseStreamEvent[]) =>
  lastValueFrom(from(events).pipe(itemStates(), toArray())).then((lists) => lists.at(-1)!);

describe('itemStates', () => {
  it('reasoning before the image: the summary shows while the image is still generating, then both are done', async () => {
    const { events, image: served, reasoning: servedReasoning } = reasoningImageScenario();
    const lists = await lastValueFrom(from(events).pipe(itemStates(), toArray()));
    const thinking = lists.find((list) => list.some((s) => s.type === 'reasoning' && s.summary !== ''))!;
    expect(thinking.some((s) => s.type === 'image_generation_call' && s.status === 'completed')).toBe(false);
    const last = lists.at(-1)!;
    const reasoning = last.find((s) => s.type === 'reasoning');
    const image = last.find((s) => s.type === 'image_generation_call');
    expect(reasoning?.type === 'reasoning' && reasoning.summary.length > 0).toBe(true);
    expect(image?.type === 'image_generation_call' && image.status).toBe('completed');
    expect(image?.type === 'image_generation_call' && image.b64).toBe(served.b64);
    expect(reasoning?.type === 'reasoning' && reasoning.summary).toBe(servedReasoning.summary.join('\n\n'));
  });

  it('a message with its text so far and its URL citations, after the web search', async () => {
    const { events } = webSearchScenario();
    const final = await lastValueFrom(from(events).pipe(finalResponse()));
    const last = await lastList(events);
    expect(last.map((s) => s.type)).toEqual(final.output.map((item) => item.type));
    const message = last.find((s) => s.type === 'message');
    const finalMessage = final.output.find((item) => item.type === 'message')!;
    expect(message?.type === 'message' && message.text).toBe(
      finalMessage.type === 'message' &&
        finalMessage.content.map((p) => (p.type === 'output_text' ? p.text : '')).join(''),
    );
    expect(message?.type === 'message' && message.annotations.length).toBeGreaterThan(0);
    expect(last.find((s) => s.type === 'web_search_call')?.status).toBe('completed');
  });

  it('function calls show their arguments growing, then complete; parallel calls stay apart', async () => {
    const { events, calls } = functionCallScenario({ calls: 2, interleave: true });
    const lists = await lastValueFrom(from(events).pipe(itemStates(), toArray()));
    const argsOf = (list: readonly ItemState[], callId: string) =>
      list.flatMap((s) => (s.type === 'function_call' && s.callId === callId ? [s.arguments] : []))[0];
    for (const call of calls) {
      const seen = lists.map((list) => argsOf(list, call.callId)).filter((a): a is string => a !== undefined);
      // Each step extends the one before, and ends with the call's arguments.
      for (let i = 1; i < seen.length; i++) expect(seen[i]!.startsWith(seen[i - 1]!)).toBe(true);
      expect(seen.at(-1)).toBe(call.arguments);
    }
    expect(lists.at(-1)!.every((s) => s.status === 'completed')).toBe(true);
  });

  it('code interpreter: its code so far, then its outputs, the image included', async () => {
    const { events } = codeInterpreterScenario();
    const last = await lastList(events);
    const run = last.find((s) => s.type === 'code_interpreter_call');
    expect(run?.type === 'code_interpreter_call' && run.code.length).toBeGreaterThan(0);
    expect(run?.type === 'code_interpreter_call' && run.outputs.some((o) => o.type === 'image')).toBe(true);
  });

  it('image generation calls are exactly what imageStates() gives', async () => {
    const { events } = imageGenerationScenario({ images: 2, partials: 2, interleave: true, text: 'Two.' });
    const items = await lastValueFrom(from(events).pipe(itemStates(), toArray()));
    const images = await lastValueFrom(from(events).pipe(imageStates(), toArray()));
    // The image entries of each list, leaving out the lists in which only the text changed.
    const imagePart = items
      .map((list) => list.flatMap((s) => (s.type === 'image_generation_call' ? [s] : [])))
      .filter((list) => list.length > 0);
    const changed = (list: readonly ItemState[], before: readonly ItemState[] | undefined) =>
      !before || list.length !== before.length || list.some((s, k) => s !== before[k]);
    const distinct = imagePart.filter((list, i) => changed(list, imagePart[i - 1]));
    expect(distinct.map((list) => list.map(({ type: _type, ...image }) => image))).toEqual(images);
  });

  it('an entry that did not change keeps its identity', async () => {
    const { events } = reasoningImageScenario();
    const lists = await lastValueFrom(from(events).pipe(itemStates(), toArray()));
    const last = lists.at(-1)!;
    const before = lists.at(-2)!;
    const unchanged = last.filter((state) => before.includes(state));
    expect(unchanged.length).toBeGreaterThan(0);
    for (let i = 1; i < lists.length; i++) expect(lists[i]).not.toBe(lists[i - 1]);
  });

  it('starts afresh at a new response', async () => {
    const one = webSearchScenario();
    const two = functionCallScenario({ calls: 1 });
    const lists = await lastValueFrom(from([...one.events, ...two.events]).pipe(itemStates(), toArray()));
    expect(lists.at(-1)!.map((s) => s.type)).toEqual(['function_call']);
  });

  it('an item announced that never finishes is MissingOutputItemError, never a silent end', async () => {
    const e = createEventFactory();
    const message = e.message('msg_lost', 'Hi');
    const events = [
      e.created(),
      e.outputItemAdded({ ...message, status: 'in_progress', content: [] }, 0),
      e.completed({ output: [] }),
    ];
    const error = await lastList(events).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(MissingOutputItemError);
    expect(error).toMatchObject({ itemId: 'msg_lost', outputIndex: 0, itemType: 'message' });
  });

  it('errors with the typed error of a failed response', async () => {
    const e = createEventFactory();
    await expect(lastList([e.created(), e.failed()])).rejects.toBeInstanceOf(ResponseFailedError);
  });

  it('the RxJS checklist: source error, empty, never, unsubscribe, a firehose cut by take', () => {
    const e = createEventFactory();
    const boom = new Error('boom');
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      expectObservable(throwError(() => boom).pipe(itemStates())).toBe('#', undefined, boom);
      expectObservable(cold<ResponseStreamEvent>('|').pipe(itemStates())).toBe('|');
      expectObservable(NEVER.pipe(itemStates())).toBe('');
      const source = cold('a-b', { a: e.created() as ResponseStreamEvent, b: e.inProgress() });
      expectObservable(source.pipe(itemStates()), '^-!').toBe('');
      expectSubscriptions(source.subscriptions).toBe('^-!');
    });
    const { events } = functionCallScenario({ calls: 3 });
    const firehose = syncFirehose((i) => events[i % events.length]!, 100_000);
    const got: unknown[] = [];
    firehose.source.pipe(itemStates(), take(2)).subscribe((list) => got.push(list));
    expect(got).toHaveLength(2);
    expect(firehose.produced).toBeLessThan(events.length);
  });
});
