// Long loops (generation, beam search, prompt feeding) hand the event loop back regularly, so
// timers (a `setTimeout(() => controller.abort(), 50)`), intervals, I/O and other requests run
// while they work. A microtask (`await Promise.resolve()`, or awaiting a CPU tensor's data) is
// not enough: timers only run between macrotasks.

/**
 * Work done between two yields, in milliseconds. After a yield the loop checks its
 * AbortSignal at once, so a timer-driven abort lands at most about this long (plus one model
 * step) after its timer was due. The cost is one macrotask per interval: a few microseconds
 * every 4 ms, well under 1% of the time (measured in `bench/generate.bench.ts`).
 */
export const YIELD_INTERVAL_MS = 4;

type Schedule = (resume: () => void) => void;

/** The part of a web `MessageChannel` used here (Node's typings lack `onmessage`). */
interface Channel {
  readonly port1: { onmessage: (() => void) | null; unref?: () => void };
  readonly port2: { postMessage(message: null): void };
}

/** The cheapest macrotask the platform has: `setImmediate` (Node, Bun, Deno), a `MessageChannel` message (browsers, workers), `setTimeout(0)`. */
function macrotaskScheduler(): Schedule {
  const scope = globalThis as unknown as {
    setImmediate?: (callback: () => void) => unknown;
    MessageChannel?: new () => Channel;
  };
  if (typeof scope.setImmediate === 'function') {
    const setImmediate = scope.setImmediate;
    return (resume) => void setImmediate(resume);
  }
  if (typeof scope.MessageChannel === 'function') {
    const channel = new scope.MessageChannel();
    const waiting: (() => void)[] = [];
    channel.port1.onmessage = () => waiting.shift()?.();
    // An open port would keep a worker alive: unref where the platform allows it.
    channel.port1.unref?.();
    return (resume) => {
      waiting.push(resume);
      channel.port2.postMessage(null);
    };
  }
  return (resume) => void setTimeout(resume, 0);
}

const schedule = macrotaskScheduler();

/** Resolves in a later macrotask, after pending timers and I/O have had their turn. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => schedule(resolve));
}

/**
 * Paces a long loop: {@link EventLoopPacer.due} is a clock read (tens of nanoseconds), true
 * once {@link YIELD_INTERVAL_MS} of work has passed since the last yield; the loop then
 * awaits {@link EventLoopPacer.yield}. Counting time rather than iterations keeps the pace
 * right for a toy model (microseconds a step) and a large one (milliseconds a step) alike.
 *
 * @example
 * const pacer = new EventLoopPacer();
 * for (…) {
 *   if (pacer.due()) await pacer.yield();
 *   throwIfAborted(signal);
 *   …
 * }
 */
export class EventLoopPacer {
  readonly #intervalMs: number;
  #last = performance.now();
  /** Yields made so far (the benchmark reports it). */
  yields = 0;

  constructor(intervalMs = YIELD_INTERVAL_MS) {
    this.#intervalMs = intervalMs;
  }

  /** Whether the loop has worked {@link YIELD_INTERVAL_MS} since its last yield. */
  due(): boolean {
    return performance.now() - this.#last >= this.#intervalMs;
  }

  /** Hands the event loop back for one macrotask and restarts the interval. */
  async yield(): Promise<void> {
    await yieldToEventLoop();
    this.yields += 1;
    this.#last = performance.now();
  }
}
