// rxjs-openai: RxJS operators for the OpenAI Responses API's streaming events.

// Errors
export {
  FunctionArgumentsError,
  FunctionArgumentsValidationError,
  ImageGenerationError,
  type ImageModerationDetails,
  MalformedEventError,
  McpCallError,
  MissingImageError,
  MissingOutputItemError,
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
  ToolRunError,
  TruncatedStreamError,
  UnsupportedImageCountError,
  type ValidationIssue,
} from './errors';
// Images
export {
  base64ToBytes,
  type ImageMimeType,
  type ImageModerationBlock,
  type ImageTurnRequest,
  imageBlob,
  imageDataUrl,
  imageMimeType,
  imageModerationOf,
  type NextImageTurnOptions,
  nextImageTurn,
  sniffImageMimeType,
} from './images/index';
// Operators
export { type Citation, citations, type TextAnnotation } from './operators/citations';
export { type CustomToolCall, customToolCalls } from './operators/customToolCalls';
export { finalResponse } from './operators/finalResponse';
export {
  type FunctionArgumentsSchema,
  type FunctionArgumentsSchemaResult,
  type FunctionCall,
  type FunctionCallOf,
  type FunctionCallsOptions,
  type FunctionSchemas,
  functionCalls,
  type InferSchemaOutput,
  type InvalidArgumentsHandling,
  type InvalidFunctionCall,
} from './operators/functionCalls';
export { imageStates } from './operators/imageStates';
export {
  type CodeInterpreterItemState,
  type CustomToolCallItemState,
  type FileSearchItemState,
  type FunctionCallItemState,
  type ImageItemState,
  type ItemState,
  itemStates,
  type McpCallItemState,
  type MessageItemState,
  type OtherItemState,
  type ReasoningItemState,
  type WebSearchItemState,
} from './operators/itemStates';
export { type McpCall, type McpCallItem, type McpCallsOptions, mcpCalls } from './operators/mcpCalls';
export { type ImageStateWithUrl, type ObjectUrlsOptions, objectUrls } from './operators/objectUrls';
export { ofType } from './operators/ofType';
export {
  type OutputItem,
  type OutputItemOf,
  type OutputItemType,
  outputItems,
} from './operators/outputItems';
export { type OutputText, outputText } from './operators/outputText';
export { partialAndFinalImages } from './operators/partialAndFinalImages';
export { partialImages } from './operators/partialImages';
export {
  type ReasoningSummary,
  type ReasoningTextKind,
  reasoningSummaries,
} from './operators/reasoningSummaries';
export { responseSnapshots } from './operators/responseSnapshots';
export { type ResumableOptions, resumable } from './operators/resumable';
export { textDeltas } from './operators/textDeltas';
export { throwOnFailure } from './operators/throwOnFailure';
export { withFinalImage } from './operators/withFinalImage';
// Sources
export { fromResponseStream } from './sources/fromResponseStream';
export {
  type FromServerSentEventsOptions,
  fromServerSentEvents,
  type ServerSentEventsInput,
  type ServerSentEventsResumeOptions,
} from './sources/fromServerSentEvents';
export { type ResumeResponseParams, resumeResponse } from './sources/resumeResponse';
export { type RunToolsOptions, runTools, type ToolFunction, type ToolRunEvent } from './sources/runTools';
export { type StreamImageEditParams, streamImageEdit } from './sources/streamImageEdit';
export {
  type StreamImageGenerationParams,
  streamImageGeneration,
} from './sources/streamImageGeneration';
export { type StreamResponseParams, streamResponse } from './sources/streamResponse';

// Types
export type {
  AnyFinalImage,
  AnyPartialImage,
  CancelOnUnsubscribeOptions,
  FinalImage,
  ImageAction,
  ImageBackground,
  ImageEditClient,
  ImageEditCompletedEvent,
  ImageEditParamsStreaming,
  ImageEditPartialImageEvent,
  ImageEditStreamEvent,
  ImageGenCompletedEvent,
  ImageGenerateParamsStreaming,
  ImageGenerationCallItem,
  ImageGenerationClient,
  ImageGenPartialImageEvent,
  ImageGenStreamEvent,
  ImageOutputFormat,
  ImageQuality,
  ImageSource,
  ImageState,
  ImageStatus,
  ImageStreamEvent,
  ImagesApiCompletedEvent,
  ImagesApiEventStream,
  ImagesApiFinalImage,
  ImagesApiPartialImage,
  ImagesApiPartialImageEvent,
  ImagesApiStreamEvent,
  ImagesClient,
  ImageUsage,
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
  ResponseStreamOptions,
  ResponsesClient,
  ResponsesFinalImage,
  ResponsesPartialImage,
  ResumableResponsesClient,
  StreamRequestOptions,
} from './types';
