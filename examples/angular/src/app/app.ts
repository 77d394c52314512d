import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { startWith, tap } from 'rxjs';
import { type ImageStateWithUrl, objectUrls } from 'rxjs-openai';
import { describeError } from './describe-error';
import { type GenerateRequest, ImageGenerationService } from './image-generation.service';

@Component({
  selector: 'app-root',
  templateUrl: './app.html',
  styleUrl: './app.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class App {
  private readonly generator = inject(ImageGenerationService);

  protected readonly prompt = signal('A lighthouse on a cliff at dawn, watercolor');
  protected readonly partialImages = signal<0 | 1 | 2 | 3>(2);
  /** The generation to run: a new object each time, so that the same prompt runs again. */
  private readonly request = signal<GenerateRequest | undefined>(undefined);
  private readonly finished = signal<GenerateRequest | undefined>(undefined);

  /** Each image's latest preview, then its final image, as object URLs revoked when no longer shown. */
  protected readonly images = rxResource({
    params: () => this.request(),
    stream: ({ params: { prompt, ...options } }) =>
      this.generator.generate(prompt, options).pipe(
        startWith([]),
        tap({ complete: () => this.finished.set(this.request()) }),
        objectUrls(),
      ),
  });

  protected readonly cancelled = computed(() => this.images.status() === 'local');
  protected readonly running = computed(
    () => this.images.isLoading() || (this.images.status() === 'resolved' && this.finished() !== this.request()),
  );
  protected readonly error = computed(() => {
    const error = this.images.error();
    return error ? describeError(error) : null;
  });
  protected readonly shown = computed(() => (this.images.hasValue() ? this.images.value() : []));
  protected readonly status = computed(() => {
    if (this.cancelled()) return 'Cancelled.';
    if (this.request() === undefined || this.error()) return '';
    const images = this.shown();
    if (this.running()) return images.length ? images.map(this.progress).join(' · ') : 'Waiting for the server…';
    return images.length === 1 ? 'Done: 1 image.' : `Done: ${images.length} images.`;
  });

  protected generate(): void {
    const prompt = this.prompt().trim();
    if (!prompt) return;
    const scenario = new URLSearchParams(globalThis.location?.search).get('scenario') ?? undefined;
    this.request.set({ prompt, partialImages: this.partialImages(), ...(scenario ? { scenario } : {}) });
  }

  /**
   * Stops the generation: setting the resource's value unsubscribes from the stream, which aborts the fetch,
   * and the relay then aborts its request to the API. (Setting `params` to `undefined` would not: in Angular
   * 22 that makes the resource idle but leaves the running stream subscribed.)
   */
  protected cancel(): void {
    if (this.running()) this.images.set([]);
  }

  /** One image's progress in words, e.g. `image 1: partial 2 of 3`. */
  protected readonly progress = (image: ImageStateWithUrl, index: number): string => {
    const name = `image ${index + 1}`;
    switch (image.status) {
      case 'in_progress':
        return `${name}: queued`;
      case 'generating':
        return `${name}: generating`;
      case 'partial':
        return `${name}: partial ${image.partials} of ${this.request()?.partialImages ?? image.partials}`;
      case 'completed':
        return `${name}: done`;
      case 'failed':
        return `${name}: failed (${image.error ? describeError(image.error) : 'no reason given'})`;
    }
  };

  protected setPartialImages(value: string): void {
    this.partialImages.set(Number(value) as 0 | 1 | 2 | 3);
  }
}
