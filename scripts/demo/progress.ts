// Live progress per image: redrawn in place on a terminal, plain lines otherwise.
import type { ImageState } from '../../src/index';

/** Where progress goes: a terminal (`isTTY`) gets a live block, anything else plain lines. */
export interface ProgressOutput {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/** Reports the demo's progress. */
export interface Progress {
  /** The images' states changed (an `imageStates()` emission). */
  states(list: readonly ImageState[]): void;
  /** A file was written. */
  wrote(path: string): void;
  /** The stream is over: prints what a terminal kept for the end (the paths). */
  end(): void;
}

/** `1234` → `1.2 KB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}

/** One image's line: id, status (with `partial n of N`), bytes of the latest image. */
export function describeImage(state: ImageState, partialsAsked: number): string {
  const bytes = state.b64 ? `  ${formatBytes(Buffer.byteLength(state.b64, 'base64'))}` : '';
  switch (state.status) {
    case 'in_progress':
      return `${state.itemId}  started`;
    case 'generating':
      return `${state.itemId}  generating`;
    case 'partial':
      return `${state.itemId}  partial ${state.partials} of ${Math.max(partialsAsked, state.partials)}${bytes}`;
    case 'completed':
      return `${state.itemId}  completed${bytes}`;
    case 'failed':
      return `${state.itemId}  failed: ${state.error?.message ?? 'unknown error'}`;
  }
}

/**
 * Creates the progress reporter for `out`.
 *
 * @param out Standard output, or any writer (tests pass their own).
 * @param partialsAsked The partial previews asked for per image (the N of "partial n of N").
 * @return The reporter.
 */
export function createProgress(out: ProgressOutput, partialsAsked: number): Progress {
  return out.isTTY ? new LiveProgress(out, partialsAsked) : new PlainProgress(out, partialsAsked);
}

/** A line per change, and a line per file written: for logs and pipes. */
class PlainProgress implements Progress {
  private readonly last = new Map<string, string>();
  constructor(
    private readonly out: ProgressOutput,
    private readonly partialsAsked: number,
  ) {}

  states(list: readonly ImageState[]): void {
    for (const state of list) {
      const line = describeImage(state, this.partialsAsked);
      if (this.last.get(state.itemId) === line) continue;
      this.last.set(state.itemId, line);
      this.out.write(`${line}\n`);
    }
  }

  wrote(path: string): void {
    this.out.write(`  wrote ${path}\n`);
  }

  end(): void {
    this.last.clear();
  }
}

/** A block of one line per image, redrawn in place; the paths are listed at the end. */
class LiveProgress implements Progress {
  private drawn = 0;
  private readonly paths: string[] = [];
  constructor(
    private readonly out: ProgressOutput,
    private readonly partialsAsked: number,
  ) {}

  states(list: readonly ImageState[]): void {
    // Up to the block's first line, then rewrite every line of it.
    let text = this.drawn > 0 ? `\x1b[${this.drawn}A` : '';
    for (const state of list)
      text += `\r\x1b[2K${bar(state, this.partialsAsked)} ${describeImage(state, this.partialsAsked)}\n`;
    this.drawn = list.length;
    this.out.write(text);
  }

  wrote(path: string): void {
    this.paths.push(path);
  }

  end(): void {
    for (const path of this.paths) this.out.write(`  wrote ${path}\n`);
    this.paths.length = 0;
  }
}

function bar(state: ImageState, partialsAsked: number): string {
  const steps = partialsAsked + 2;
  const done =
    state.status === 'completed'
      ? steps
      : state.status === 'partial'
        ? 1 + state.partials
        : state.status === 'generating'
          ? 1
          : 0;
  const filled = Math.min(steps, done);
  return `[${'#'.repeat(filled)}${'.'.repeat(steps - filled)}]`;
}
