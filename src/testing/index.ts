// rxjs-openai/testing: the kit for users' own tests (event factories, scenarios, a fake client).

// Everything that also runs in browsers: event factories, the fake client, marble helpers, scenarios.
export * from './browser';
// Record and replay a real stream (Node only: files)
export { readRecordedEvents, recordEvents } from './recording';
// Local Responses server (Node only: not in the browser build, see browser.ts)
export {
  type MockApiError,
  type MockImageSize,
  type MockImagesApiStream,
  type MockRequestInfo,
  type MockRequestRecord,
  type MockResponsesServer,
  type MockResponsesServerOptions,
  type MockScenario,
  type MockStoredResponse,
  type MockUploadedFile,
  REALISTIC_IMAGE,
  renderMockImage,
  SMALL_IMAGE,
  startMockResponsesServer,
  toolTurnsScenario,
} from './server/index';
