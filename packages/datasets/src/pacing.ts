import { yieldToEventLoop } from '@rnnkit/core';
import { DatasetsError } from './errors.js';

/**
 * Milliseconds of iteration between two yields to the event loop. A pass that reads a big
 * source through `filter` or `shuffle` gives timers, I/O and `AbortSignal.timeout` a turn at
 * least this often; the cost is measured in `bench/windows.bench.ts` (see the README).
 */
export const YIELD_INTERVAL_MS = 8;

/** Elements between two looks at the clock (a power of two: the check is a mask). */
const CLOCK_EVERY = 16;

/** The clock of one pass, shared by every stage of its pipeline. */
interface PassClock {
  count: number;
  lastYield: number;
}

/** What every stage of one pass shares: its clock, and the signals that stop it. */
export interface PassContext {
  readonly clock: PassClock;
  readonly signals: readonly AbortSignal[];
}

const now: () => number = typeof performance !== 'undefined' ? () => performance.now() : () => Date.now();

/** A new pass: a fresh clock, no signals. */
export function passContext(): PassContext {
  return { clock: { count: 0, lastYield: now() }, signals: [] };
}

/** `context` with `signal` added; the clock stays shared. */
export function withSignals(context: PassContext, signal: AbortSignal): PassContext {
  return { clock: context.clock, signals: [...context.signals, signal] };
}

/**
 * Throws `DATASETS_ABORTED` when a signal of `context` has fired.
 * @throws DatasetsError `DATASETS_ABORTED`, with the signal's reason as `cause`.
 */
export function throwIfAborted(context: PassContext): void {
  for (const signal of context.signals) {
    if (signal.aborted) {
      throw new DatasetsError(
        'DATASETS_ABORTED',
        "The dataset pass was aborted: its AbortSignal fired (the reason is this error's cause).",
        { cause: signal.reason },
      );
    }
  }
}

/**
 * Called once per element a source yields: checks the signals, and every
 * {@link YIELD_INTERVAL_MS} returns a promise to await that yields to the event loop (then
 * checks the signals again). Returns `undefined` otherwise, so the common case costs no
 * `await`.
 * @throws DatasetsError `DATASETS_ABORTED`
 */
export function pace(context: PassContext): Promise<void> | undefined {
  if (context.signals.length > 0) throwIfAborted(context);
  const clock = context.clock;
  if ((++clock.count & (CLOCK_EVERY - 1)) !== 0) return undefined;
  if (now() - clock.lastYield < YIELD_INTERVAL_MS) return undefined;
  return yieldToEventLoop().then(() => {
    clock.lastYield = now();
    throwIfAborted(context);
  });
}
