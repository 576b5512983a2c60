/**
 * Work generation, beam search and prompt feeding do between two yields to the event loop, in
 * milliseconds. After a yield the loop checks its AbortSignal at once, so a timer-driven abort
 * lands at most about this long (plus one model step) after its timer was due. The cost is one
 * macrotask per interval: a few microseconds every 4 ms, well under 1% of the time (measured in
 * `bench/generate.bench.ts`).
 */
export const YIELD_INTERVAL_MS = 4;
