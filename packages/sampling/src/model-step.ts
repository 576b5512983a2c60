import { describeValue } from '@rnnkit/core';
import type * as tf from '@tensorflow/tfjs-core';
import { throwIfAborted } from './abort.js';
import type { StepModel } from './types.js';
import { fail } from './validate.js';

// Driving a StepModel, shared by generate and beam search: every state handed back replaces
// (and frees) the one before it, and logits are read into plain arrays and freed at once.

/** Throws `SAMPLING_INVALID_INPUT` unless `model` has every StepModel member. */
export function checkModel(where: string, model: unknown): asserts model is StepModel<unknown> {
  const candidate = model as Partial<StepModel<unknown>> | null;
  if (
    candidate === null ||
    typeof candidate !== 'object' ||
    !Number.isInteger(candidate.vocabularySize) ||
    (candidate.vocabularySize ?? 0) < 1 ||
    typeof candidate.initialState !== 'function' ||
    typeof candidate.step !== 'function' ||
    typeof candidate.gatherState !== 'function' ||
    typeof candidate.disposeState !== 'function'
  ) {
    fail(
      'SAMPLING_INVALID_INPUT',
      `${where}: model must be a StepModel (vocabularySize, initialState, step, gatherState, disposeState), ` +
        `got ${describeValue(model)}. Wrap a tfjs-layers language model with toStepModel (@rnnkit/rnn-models) ` +
        'or windowedStepModel.',
    );
  }
}

function checkLogits(model: StepModel<unknown>, logits: tf.Tensor, batch: number): void {
  const [rows, columns] = logits.shape;
  if (logits.rank !== 2 || rows !== batch || columns !== model.vocabularySize || logits.dtype !== 'float32') {
    fail(
      'SAMPLING_INVALID_INPUT',
      `The model's step returned logits of shape [${logits.shape.join(', ')}] (${logits.dtype}); expected ` +
        `[${batch}, ${model.vocabularySize}] float32 (one row per input id, vocabularySize columns). ` +
        'Fix the StepModel: step must return [batch, vocabularySize] logits.',
    );
  }
}

/** Runs `model.step`, checks the logits' shape, reads them and frees them; `state` is kept. */
async function stepAndRead<State>(
  model: StepModel<State>,
  ids: Int32Array,
  state: State,
): Promise<{ logits: Float32Array; state: State }> {
  const { logits, state: next } = model.step(ids, state);
  try {
    checkLogits(model, logits, ids.length);
    return { logits: (await logits.data()) as Float32Array, state: next };
  } catch (error) {
    if (next !== state) model.disposeState(next);
    throw error;
  } finally {
    logits.dispose();
  }
}

/**
 * The model's state during one generation or search, owned here: the prompt is fed once
 * ({@link StepSession.start}), every later state replaces (and frees) the one before it, and
 * {@link StepSession.dispose} frees the last one — on success, error or abort alike.
 */
export class StepSession<State> {
  readonly #model: StepModel<State>;
  #state: State;
  /** `model.step` calls made so far. */
  steps: number;
  /** The last step's logits, `[rows × vocabularySize]`, as a plain array. */
  logits: Float32Array;

  private constructor(model: StepModel<State>, state: State, logits: Float32Array, steps: number) {
    this.#model = model;
    this.#state = state;
    this.logits = logits;
    this.steps = steps;
  }

  /** Feeds the prompt (batch 1, one step per id); on error or abort nothing is left behind. */
  static async start<State>(
    model: StepModel<State>,
    promptIds: readonly number[],
    signal: AbortSignal | null,
  ): Promise<StepSession<State>> {
    throwIfAborted(signal);
    let state = model.initialState(1);
    try {
      for (let t = 0; t < promptIds.length - 1; t++) {
        throwIfAborted(signal);
        const { logits, state: next } = model.step(Int32Array.of(promptIds[t]!), state);
        try {
          checkLogits(model, logits, 1);
        } finally {
          logits.dispose();
          if (next !== state) model.disposeState(state);
          state = next;
        }
      }
      throwIfAborted(signal);
      const last = await stepAndRead(model, Int32Array.of(promptIds.at(-1)!), state);
      if (last.state !== state) model.disposeState(state);
      return new StepSession(model, last.state, last.logits, promptIds.length);
    } catch (error) {
      model.disposeState(state);
      throw error;
    }
  }

  /** Reorders (or repeats, or drops) the rows of the state: row i becomes row `rows[i]`. */
  regather(rows: Int32Array): void {
    const gathered = this.#model.gatherState(this.#state, rows);
    this.#model.disposeState(this.#state);
    this.#state = gathered;
  }

  /** One step for the whole batch, one id per row; returns (and keeps) the new logits. */
  async step(ids: Int32Array): Promise<Float32Array> {
    const next = await stepAndRead(this.#model, ids, this.#state);
    if (next.state !== this.#state) this.#model.disposeState(this.#state);
    this.#state = next.state;
    this.steps += 1;
    this.logits = next.logits;
    return next.logits;
  }

  /** Frees the current state. */
  dispose(): void {
    this.#model.disposeState(this.#state);
  }
}
