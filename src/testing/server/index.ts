// The local Responses server of rxjs-openai/testing (Node only).
export { type MockImageSize, REALISTIC_IMAGE, renderMockImage, SMALL_IMAGE } from './images';
export type { MockApiError, MockImagesApiStream, MockScenario, MockStoredResponse } from './scenario';
export {
  type MockRequestInfo,
  type MockRequestRecord,
  type MockResponsesServer,
  type MockResponsesServerOptions,
  type MockUploadedFile,
  startMockResponsesServer,
} from './startMockResponsesServer';
export { toolTurnsScenario } from './toolTurns';
