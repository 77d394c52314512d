// rxjs-openai: RxJS operators for the OpenAI Responses API's streaming events.

// Errors
export {
  ImageGenerationError,
  MalformedEventError,
  MissingImageError,
  RelayHttpError,
  ResponseFailedError,
  ResponseIncompleteError,
  ResponseStreamError,
  ResumeFailedError,
  ResumeNotPossibleError,
  type ResumeNotPossibleReason,
  RxOpenAIError,
  SequenceGapError,
  StreamIdleError,
  TruncatedStreamError,
} from './errors';
// Images
export {
  base64ToBytes,
  type ImageMimeType,
  imageBlob,
  imageDataUrl,
  imageMimeType,
  sniffImageMimeType,
} from './images/index';
// Operators
export { finalResponse } from './operators/finalResponse';
export { imageStates } from './operators/imageStates';
export { type ImageStateWithUrl, type ObjectUrlsOptions, objectUrls } from './operators/objectUrls';
export { ofType } from './operators/ofType';
export { type OutputText, outputText } from './operators/outputText';
export { partialAndFinalImages } from './operators/partialAndFinalImages';
export { partialImages } from './operators/partialImages';
export { responseSnapshots } from './operators/responseSnapshots';
export { type ResumableOptions, resumable } from './operators/resumable';
export { textDeltas } from './operators/textDeltas';
export { throwOnFailure } from './operators/throwOnFailure';
export { withFinalImage } from './operators/withFinalImage';
// Sources
export { fromResponseStream } from './sources/fromResponseStream';
export { fromServerSentEvents, type ServerSentEventsInput } from './sources/fromServerSentEvents';
export { type ResumeResponseParams, resumeResponse } from './sources/resumeResponse';
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
  ResponseRetrieveStreamQuery,
  ResponseStreamEvent,
  ResponseStreamEventOf,
  ResponseStreamEventType,
  ResponsesClient,
  ResumableResponsesClient,
  StreamRequestOptions,
} from './types';
