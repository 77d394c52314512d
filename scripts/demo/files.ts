// Writes image files atomically: to a temporary name, then renamed, so no half-written image is ever seen.
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The file name of a final image or of preview `partialIndex`: `<item id>[.partial-<n>].<format>`. */
export function imageFileName(itemId: string, format: string, partialIndex?: number): string {
  const safeId = itemId.replace(/[^\w.-]/g, '_');
  const safeFormat = format.replace(/[^\w]/g, '') || 'png';
  return partialIndex === undefined
    ? `${safeId}.${safeFormat}`
    : `${safeId}.partial-${partialIndex}.${safeFormat}`;
}

/** Writes files into one folder; on abort, files not yet renamed are removed and never appear. */
export class ImageWriter {
  private readonly pending = new Set<Promise<unknown>>();
  private ready: Promise<unknown> | null = null;

  constructor(
    private readonly dir: string,
    private readonly signal: AbortSignal,
  ) {}

  /**
   * Writes `b64` (decoded) to `name` in the folder: to a temporary file first, renamed once complete.
   * Resolves with the path, or `null` if cancelled before the rename.
   */
  write(name: string, b64: string): Promise<string | null> {
    const task = this.writeAtomically(name, b64);
    this.pending.add(task);
    task.finally(() => this.pending.delete(task)).catch(() => undefined);
    return task;
  }

  /** Waits for the writes in flight (each removes its temporary file unless it was renamed). */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private async writeAtomically(name: string, b64: string): Promise<string | null> {
    this.ready ??= mkdir(this.dir, { recursive: true });
    await this.ready;
    if (this.signal.aborted) return null;
    const path = join(this.dir, name);
    const temp = join(this.dir, `.${name}.${randomBytes(4).toString('hex')}.tmp`);
    let renamed = false;
    try {
      await writeFile(temp, Buffer.from(b64, 'base64'));
      if (this.signal.aborted) return null;
      await rename(temp, path);
      renamed = true;
      return path;
    } finally {
      if (!renamed) await rm(temp, { force: true });
    }
  }
}
