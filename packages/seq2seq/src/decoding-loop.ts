import { EventLoopPacer } from '@rnnkit/core';
import { SamplingError } from '@rnnkit/sampling';
import type { DecoderStepModel, DecoderStepState } from './decoder-step-model.js';

// What translate's batched decoders share: pacing with abort checks, and one step whose
// state replaces (and frees) the one before it.

/** Work between two yields to the event loop, in ms: as `@rnnkit/sampling`'s generate and beamSearch. */
const YIELD_INTERVAL_MS = 4;

/**
 * Hands the event loop back every few milliseconds of decoding and checks the signal, throwing
 * the error `generate` and `beamSearch` throw (`SamplingError` `SAMPLING_ABORTED`, the signal's
 * reason as `cause`), so translate rejects the same way whichever decoder runs.
 */
export class DecodingPace {
  readonly #pacer = new EventLoopPacer(YIELD_INTERVAL_MS);
  readonly #signal: AbortSignal | null;

  constructor(signal: AbortSignal | null) {
    this.#signal = signal;
  }

  /** Throws `SAMPLING_ABORTED` if the signal has fired. */
  throwIfAborted(): void {
    if (this.#signal?.aborted) {
      throw new SamplingError(
        'SAMPLING_ABORTED',
        'translate was cancelled through its AbortSignal; the tensors it held were released.',
        { cause: this.#signal.reason },
      );
    }
  }

  /** Yields if a few ms of work have passed since the last yield, then checks the signal. */
  async checkpoint(): Promise<void> {
    if (this.#pacer.due()) await this.#pacer.yield();
    this.throwIfAborted();
  }
}

/**
 * The decoder state of one batch while it is decoded, owned here: {@link DecodingRows.step} and
 * {@link DecodingRows.keep} replace (and free) it, {@link DecodingRows.dispose} frees the last
 * one — call it in a `finally`. Logits cross back as plain arrays only.
 */
export class DecodingRows {
  readonly #model: DecoderStepModel;
  #state: DecoderStepState;

  /** Starts from the step model's initial state, one row per source it holds. */
  constructor(model: DecoderStepModel) {
    this.#model = model;
    this.#state = model.initialState(model.sourceCount);
  }

  /** One decoder step for every row (one id each); returns the logits `[rows × vocabulary]`. */
  async step(ids: Int32Array): Promise<Float32Array> {
    const { logits, state } = this.#model.step(ids, this.#state);
    this.#model.disposeState(this.#state);
    this.#state = state;
    try {
      return (await logits.data()) as Float32Array;
    } finally {
      logits.dispose();
    }
  }

  /** Keeps (reorders, repeats) rows of the state: row i becomes old row `rows[i]`. */
  keep(rows: Int32Array): void {
    const gathered = this.#model.gatherState(this.#state, rows);
    this.#model.disposeState(this.#state);
    this.#state = gathered;
  }

  /** Frees the current state. */
  dispose(): void {
    this.#model.disposeState(this.#state);
  }
}
