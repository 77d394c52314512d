// rxjs-openai/testing for browsers: the whole kit except the local server (which needs node:http).
// Package consumers get this file under the `browser` export condition; index.ts re-exports all of it.

// Event factories
export { createEventFactory, type EventFactory } from './events';
// Fake client
export {
  type FakeCall,
  type FakeEventSource,
  type FakeResponsesClient,
  type FakeResponsesClientOptions,
  type FakeRetrieveCall,
  type FakeRetrieveSource,
  fakeResponsesClient,
} from './fakeResponsesClient';
// Marble helpers
// UI state fixtures
export { imageState } from './imageState';
export { eventMarbles } from './marbles';
export { SAMPLE_PNGS, type SamplePng } from './samplePngs';
// Realistic scenarios
export {
  type ImageEventOrder,
  type ImageGenerationEventsOptions,
  type ImageGenerationScenario,
  imageGenerationEvents,
  imageGenerationScenario,
  type ScenarioImage,
} from './scenarios';
