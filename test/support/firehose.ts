import { Observable } from 'rxjs';

/**
 * A synchronous source that emits `make(i)` for i = 0..count-1 as long as its subscriber is open, counting
 * what it produced: an operator cut by `take(n)` must stop it after exactly the events it needed.
 */
export function syncFirehose<T>(make: (i: number) => T, count = 100_000) {
  let produced = 0;
  const source = new Observable<T>((subscriber) => {
    for (let i = 0; i < count && !subscriber.closed; i++) {
      produced++;
      subscriber.next(make(i));
    }
    subscriber.complete();
  });
  return {
    source,
    get produced() {
      return produced;
    },
  };
}
