// The page of the browser-relay end-to-end test: the README's browser snippet (`generate`), rendered plainly.
import type { Subscription } from 'rxjs';
import type { ImageStateWithUrl } from '../../../src/index';
import { generate } from '../../readme/relay-browser';

interface PageState {
  lists: number;
  /** Every object URL the page was given, in order. */
  urls: string[];
  latest: readonly ImageStateWithUrl[];
  error: { name: string; code: string | null; message: string } | null;
}

const state: PageState = { lists: 0, urls: [], latest: [], error: null };
let subscription: Subscription | undefined;

function render(images: readonly ImageStateWithUrl[]): void {
  const list = document.getElementById('images')!;
  for (const image of images) {
    let img = document.getElementById(image.itemId) as HTMLImageElement | null;
    if (!img) {
      img = document.createElement('img');
      img.id = image.itemId;
      list.append(img);
    }
    if (image.url && img.getAttribute('src') !== image.url) img.src = image.url;
    img.dataset.status = image.status;
  }
}

Object.assign(window, {
  pageState: state,
  start(prompt: string) {
    subscription = generate(prompt).subscribe({
      next: (images) => {
        state.lists++;
        state.latest = images;
        for (const image of images)
          if (image.url && !state.urls.includes(image.url)) state.urls.push(image.url);
        render(images);
      },
      error: (error: Error & { code?: string | null }) => {
        state.error = { name: error.name, code: error.code ?? null, message: error.message };
        document.getElementById('error')!.textContent = error.message;
      },
    });
  },
  stop() {
    subscription?.unsubscribe();
  },
  /** Whether an object URL still resolves (a revoked one fails to fetch). */
  async alive(url: string): Promise<boolean> {
    try {
      await (await fetch(url)).arrayBuffer();
      return true;
    } catch {
      return false;
    }
  },
});
