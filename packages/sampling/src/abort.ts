import { SamplingError } from './errors.js';

/**
 * Throws `SAMPLING_ABORTED` if `signal` is aborted; the error's `cause` is the signal's reason.
 * Generation and beam search call it before every model step.
 */
export function throwIfAborted(signal: AbortSignal | null): void {
  if (signal?.aborted) {
    throw new SamplingError(
      'SAMPLING_ABORTED',
      'Generation was cancelled through its AbortSignal; the tensors it held were released.',
      { cause: signal.reason },
    );
  }
}
