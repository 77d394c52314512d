import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { startWith, tap } from 'rxjs';
import { type ImageState, objectUrls } from 'rxjs-openai';
import { describeError, describeProgress } from './describe';
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
  protected readonly partialImages = signal(2);
  /** The Responses API's image tool, or the Images API: the same operators and the same page for both. */
  protected readonly api = signal<'responses' | 'images'>('responses');
  /** The generation to run: a new object per click, so that the same prompt runs again. */
  private readonly request = signal<GenerateRequest | undefined>(undefined);
  private readonly finished = signal<GenerateRequest | undefined>(undefined);

  /** Each image's latest preview, then its final image, with an object URL revoked once not shown. */
  protected readonly images = rxResource({
    params: () => this.request(),
    stream: ({ params }) => {
      const { prompt, ...options } = params;
      return this.generator.generate(prompt, options).pipe(
        startWith([]), // the resource resolves at once, and a response without images still ends
        tap({ complete: () => this.finished.set(params) }),
        objectUrls(), // holds the last URLs until the next request, Cancel or destroy
      );
    },
  });

  protected readonly shown = computed(() => (this.images.hasValue() ? this.images.value() : []));
  protected readonly running = computed(
    () =>
      this.images.isLoading() || (this.images.status() === 'resolved' && this.finished() !== this.request()),
  );
  protected readonly error = computed(() => {
    const error = this.images.error();
    return error ? describeError(error) : null;
  });
  protected readonly progress = (image: ImageState, i: number) =>
    describeProgress(image, i, this.request()?.partialImages ?? 0);
  protected readonly status = computed(() => {
    if (this.images.status() === 'local') return 'Cancelled.';
    if (!this.request() || this.error()) return '';
    const images = this.shown();
    if (this.running()) return images.map(this.progress).join(' · ') || 'Waiting for the server…';
    return images.length === 1 ? 'Done: 1 image.' : `Done: ${images.length} images.`;
  });

  protected generate(): void {
    const scenario = new URLSearchParams(location.search).get('scenario'); // the relay's test scenarios
    this.request.set({
      prompt: this.prompt().trim(),
      partialImages: this.partialImages(),
      ...(this.api() === 'images' ? { api: 'images' as const } : {}),
      ...(scenario ? { scenario } : {}),
    });
  }

  /**
   * Setting the resource's value unsubscribes from the stream: the fetch is aborted, and the service asks the
   * relay to cancel the generation (`POST /api/cancel`), which stops it on the API's side. (In Angular 22,
   * `params` becoming `undefined` would leave the stream running.)
   */
  protected cancel(): void {
    if (this.running()) this.images.set([]);
  }
}
