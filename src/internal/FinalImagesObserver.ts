// Internal: not part of the public API, not importable from the package.
import type { Subscriber } from 'rxjs';
import type { AnyFinalImage, ImageStreamEvent } from '../types';
import { FinalImageMatcher, type FinalImageSink } from './FinalImageMatcher';
import { OperatorObserver } from './operate';
import { ResponseBoundary } from './ResponseBoundary';

/**
 * The observer of the operators that emit final images (`withFinalImage`, `partialAndFinalImages`): the response
 * boundary, the matcher, and the matcher's sink itself (no callbacks to allocate per subscription). Final images
 * go to the output; a failed image is thrown, for `next` to turn into the output's error. Each operator writes
 * its own `next` (see `OperatorObserver`).
 */
export abstract class FinalImagesObserver
  extends OperatorObserver<ImageStreamEvent>
  implements FinalImageSink
{
  protected readonly boundary = new ResponseBoundary();
  protected readonly matcher = new FinalImageMatcher(this, this.boundary);

  constructor(destination: Subscriber<unknown>) {
    super(destination);
    destination.add(() => this.clear());
  }

  final(image: AnyFinalImage): void {
    this.destination.next(image);
  }

  /** A failed image is the output's error: thrown, for `next` to pass on. */
  failed(error: Error): never {
    throw error;
  }

  protected override end(): void {
    this.matcher.end();
  }

  /** Drops the response's state: a new response began, or the output closed. */
  protected clear(): void {
    this.matcher.clear();
  }
}
