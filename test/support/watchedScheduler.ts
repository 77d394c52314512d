import { type SchedulerAction, type Subscription, VirtualTimeScheduler } from 'rxjs';

/**
 * A virtual clock that records the delay of every timer set on it and tells when one is set, so that a test can
 * run it then, not sooner (for sources whose bodies arrive asynchronously while their time limits are virtual).
 */
export class WatchedScheduler extends VirtualTimeScheduler {
  readonly delays: number[] = [];
  private readonly waiters: Array<() => void> = [];

  /** Resolves once some action is scheduled. */
  scheduled(): Promise<void> {
    if (this.actions.length > 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  override schedule<T>(
    work: (this: SchedulerAction<T>, state?: T) => void,
    delay = 0,
    state?: T,
  ): Subscription {
    this.delays.push(delay);
    const subscription = super.schedule(work, delay, state);
    for (const wake of this.waiters.splice(0)) wake();
    return subscription;
  }
}
