// rxjs-openai/testing: the kit for users' own tests (event factories, scenarios, a fake client).

// Event factories
export { createEventFactory, type EventFactory } from './events';
// Fake client
export {
  type FakeCall,
  type FakeEventSource,
  type FakeResponsesClient,
  fakeResponsesClient,
} from './fakeResponsesClient';
// Marble helpers
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
