// rxjs-openai: RxJS operators for the OpenAI Responses API's streaming events.

// Errors
export {
  ImageGenerationError,
  MissingImageError,
  ResponseFailedError,
  ResponseIncompleteError,
  ResponseStreamError,
  RxOpenAIError,
  TruncatedStreamError,
} from './errors';
// Operators
export { imageStates } from './operators/imageStates';
export { ofType } from './operators/ofType';
export { partialImages } from './operators/partialImages';
export { throwOnFailure } from './operators/throwOnFailure';
export { withFinalImage } from './operators/withFinalImage';
// Sources
export { fromResponseStream } from './sources/fromResponseStream';
export { type StreamResponseParams, streamResponse } from './sources/streamResponse';

// Types
export type {
  FinalImage,
  ImageGenerationCallItem,
  ImageState,
  ImageStatus,
  PartialImage,
  Response,
  ResponseCreateParamsStreaming,
  ResponseEventStream,
  ResponseImageGenCallCompletedEvent,
  ResponseImageGenCallPartialImageEvent,
  ResponseStreamEvent,
  ResponseStreamEventOf,
  ResponseStreamEventType,
  ResponsesClient,
  StreamRequestOptions,
} from './types';
