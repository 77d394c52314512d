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
// The Images API: event factories, scenarios, a fake client; the Responses API's moderation block
export {
  createImagesApiEventFactory,
  type FakeImagesCall,
  type FakeImagesClient,
  type FakeImagesEventSource,
  fakeImagesClient,
  type ImagesApiEventFactory,
  type ImagesApiEventSettings,
  type ImagesApiKind,
  type ImagesApiScenario,
  type ImagesApiScenarioEnd,
  type ImagesApiScenarioOptions,
  imagesApiScenario,
  type ModeratedImageGenerationOptions,
  moderatedImageGenerationEvents,
  moderationMessage,
  SAMPLE_IMAGE_USAGE,
} from './imageApiEvents';
// Marble helpers
// UI state fixtures
export { imageState } from './imageState';
// Realistic scenarios of other items: tool calls, reasoning, web search, code interpreter
export {
  type CodeInterpreterScenario,
  type CodeInterpreterScenarioOptions,
  type CustomToolCallScenario,
  type CustomToolCallScenarioOptions,
  codeInterpreterScenario,
  customToolCallScenario,
  type FunctionCallScenario,
  type FunctionCallScenarioOptions,
  functionCallScenario,
  type ItemScenarioBaseOptions,
  type McpCallScenario,
  type McpCallScenarioOptions,
  mcpCallScenario,
  type ReasoningImageScenario,
  type ReasoningImageScenarioOptions,
  reasoningImageScenario,
  type ScenarioCitation,
  type ScenarioCustomToolCall,
  type ScenarioFunctionCall,
  type ScenarioMcpCall,
  type ToolCallEventOrder,
  type WebSearchScenario,
  type WebSearchScenarioOptions,
  webSearchScenario,
} from './itemScenarios';
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
