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
 * One step for the whole batch: feeds `ids` (one per row), frees `state` once replaced, and
 * returns the next state with the logits `[rows × vocabularySize]` as a plain array.
 */
export async function advance<State>(
  model: StepModel<State>,
  ids: Int32Array,
  state: State,
): Promise<{ logits: Float32Array; state: State }> {
  const next = await stepAndRead(model, ids, state);
  if (next.state !== state) model.disposeState(state);
  return next;
}

/** `state` reordered to `rows` (`gatherState`); the old state is freed. */
export function regather<State>(model: StepModel<State>, state: State, rows: Int32Array): State {
  const gathered = model.gatherState(state, rows);
  model.disposeState(state);
  return gathered;
}

/**
 * Feeds the prompt once (batch 1) and returns the last logits, the state and the steps made.
 * On error or abort the state is freed.
 */
export async function feedPrompt<State>(
  model: StepModel<State>,
  promptIds: readonly number[],
  signal: AbortSignal | null,
): Promise<{ logits: Float32Array; state: State; steps: number }> {
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
    const last = await advance(model, Int32Array.of(promptIds.at(-1)!), state);
    state = last.state;
    return { logits: last.logits, state, steps: promptIds.length };
  } catch (error) {
    model.disposeState(state);
    throw error;
  }
}
