// Internal barrel of the image helpers; the package exports them from its main entry.
export { base64ToBytes } from './bytes';
export { imageBlob, imageDataUrl } from './dataUrls';
export { type ImageMimeType, imageMimeType, sniffImageMimeType } from './mimeType';
export { type ImageModerationBlock, imageModerationOf } from './moderation';
export { type ImageTurnRequest, type NextImageTurnOptions, nextImageTurn } from './nextImageTurn';
