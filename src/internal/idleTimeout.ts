// Internal: not part of the public API, not importable from the package.
import { asyncScheduler, type MonoTypeOperatorFunction, type SchedulerLike } from 'rxjs';
import { guardStream } from './guardStream';

/**
 * The default idle timeout of the sources, in milliseconds. The API sends `keepalive` events while a response
 * is quiet (the SDK's accumulator knows the type; undici's 300 s body timeout is what they avoid), and a
 * 1024x1024 image renders in 20 to 60 s with `generating` and previews in between: two minutes of silence
 * is far past any healthy gap, and well before undici would give up.
 */
export const DEFAULT_IDLE_TIMEOUT_MS = 120_000;

/** The idle timeout in force: `undefined` means the default; `0`, `Infinity` or a negative value turn it off. */
export function idleTimeoutMs(option: number | undefined): number {
  const ms = option ?? DEFAULT_IDLE_TIMEOUT_MS;
  return Number.isFinite(ms) && ms > 0 ? ms : 0;
}

/**
 * Errors with {@link StreamIdleError} when no value has arrived for `ms` milliseconds since subscription or
 * since the last value, and unsubscribes from the source (which aborts its request). `0` passes everything
 * through untouched. The idle half of {@link guardStream}, for a stream whose end is not checked (the relay's).
 */
export function idleTimeout<T extends { type: string }>(
  ms: number,
  scheduler: SchedulerLike = asyncScheduler,
): MonoTypeOperatorFunction<T> {
  return guardStream<T>({ idleMs: ms, scheduler });
}
