// Long loops (generation, training, dataset passes) hand the event loop back regularly, so
// timers (a `setTimeout(() => controller.abort(), 50)`), intervals, I/O and other requests run
// while they work. A microtask (`await Promise.resolve()`, or awaiting a CPU tensor's data) is
// not enough: timers only run between macrotasks.

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
 * once `intervalMs` of work has passed since the last yield; the loop then awaits
 * {@link EventLoopPacer.yield}. Counting time rather than iterations keeps the pace
 * right for a toy model (microseconds a step) and a large one (milliseconds a step) alike.
 *
 * @example
 * const pacer = new EventLoopPacer(4);
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

  /** @param intervalMs work between two yields, in milliseconds: the longest a timer waits. */
  constructor(intervalMs: number) {
    this.#intervalMs = intervalMs;
  }

  /** Whether the loop has worked `intervalMs` since its last yield. */
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
