// Internal: not part of the public API, not importable from the package.
import {
  asyncScheduler,
  type MonoTypeOperatorFunction,
  Observable,
  type SchedulerAction,
  type SchedulerLike,
  type Subscriber,
} from 'rxjs';
import { StreamIdleError } from '../errors';
import { sequenceNumberOf } from './events';
import { OperatorObserver } from './operate';

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
 * through untouched.
 *
 * Cheaper than RxJS's `timeout({ each })`, which schedules a new timer for every value: this keeps one timer
 * and reads the clock per value; when the timer fires early (values came meanwhile) it sleeps for the time
 * left. On RxJS schedulers, so marble tests run it in virtual time.
 */
export function idleTimeout<T>(
  ms: number,
  scheduler: SchedulerLike = asyncScheduler,
): MonoTypeOperatorFunction<T> {
  if (ms <= 0) return (source) => source;
  return (source) =>
    new Observable<T>((subscriber) => {
      source.subscribe(new IdleObserver<T>(subscriber, ms, scheduler));
    });
}

/** Counts values and stamps the last one's time; one scheduled action checks the silence. */
class IdleObserver<T> extends OperatorObserver<T> {
  private last: number;
  private count = 0;
  private lastSequenceNumber: number | null = null;

  constructor(
    destination: Subscriber<T>,
    ms: number,
    private readonly scheduler: SchedulerLike,
  ) {
    super(destination);
    this.last = scheduler.now();
    const observer = this;
    destination.add(
      scheduler.schedule(function (this: SchedulerAction<unknown>) {
        const silent = scheduler.now() - observer.last;
        if (silent < ms) this.schedule(undefined, ms - silent);
        else observer.error(new StreamIdleError(ms, observer.count, observer.lastSequenceNumber));
      }, ms),
    );
  }

  next(value: T): void {
    if (this.closed) return;
    this.last = this.scheduler.now();
    this.count++;
    this.lastSequenceNumber = sequenceNumberOf(value) ?? this.lastSequenceNumber;
    this.destination.next(value);
  }
}
