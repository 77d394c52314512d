// rxjs-openai/testing: the kit for users' own tests (event factories, scenarios, a fake client).

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
// Local Responses server (Node only: not in the browser build, see browser.ts)
export {
  type MockApiError,
  type MockImageSize,
  type MockRequestInfo,
  type MockRequestRecord,
  type MockResponsesServer,
  type MockResponsesServerOptions,
  type MockScenario,
  type MockStoredResponse,
  REALISTIC_IMAGE,
  renderMockImage,
  SMALL_IMAGE,
  startMockResponsesServer,
} from './server/index';
