import { describeValue, EventLoopPacer } from '@rnnkit/core';
import type * as tf from '@tensorflow/tfjs-core';
import { throwIfAborted } from './abort.js';
import { YIELD_INTERVAL_MS } from './event-loop.js';
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

/** Whether `value` looks like a tfjs tensor (duck-typed: a second copy of tfjs makes `instanceof` lie). */
function isTensor(value: unknown): value is tf.Tensor {
  const candidate = value as Partial<tf.Tensor> | null;
  return (
    candidate !== null &&
    typeof candidate === 'object' &&
    Array.isArray(candidate.shape) &&
    typeof candidate.dtype === 'string' &&
    typeof candidate.data === 'function' &&
    typeof candidate.dispose === 'function'
  );
}

/** Frees what a faulty step returned, without letting a second fault hide the first. */
function disposeQuietly(dispose: () => void): void {
  try {
    dispose();
  } catch {
    // The step's own fault is the error worth reporting.
  }
}

/**
 * Runs `model.step` and checks what it returns: `{ logits, state }` with logits a float32
 * tensor `[ids.length, vocabularySize]`. On a fault, what it returned is freed (the new state
 * only if it is not `state`, which stays the caller's) and `SAMPLING_INVALID_INPUT` says what
 * came back and what was expected.
 */
function takeStep<State>(
  where: string,
  model: StepModel<State>,
  ids: Int32Array,
  state: State,
): { logits: tf.Tensor2D; state: State } {
  const output = model.step(ids, state) as unknown;
  const fix =
    'Fix the StepModel: step(ids, state) must return { logits, state }, logits a [batch, vocabularySize] float32 tensor.';
  if (output === null || typeof output !== 'object') {
    fail('SAMPLING_INVALID_INPUT', `${where}: the model's step returned ${describeValue(output)}. ${fix}`);
  }
  const { logits, state: next } = output as { logits?: unknown; state?: State };
  const freeState = () => {
    if (next !== undefined && next !== state) disposeQuietly(() => model.disposeState(next));
  };
  if (!isTensor(logits)) {
    freeState();
    fail(
      'SAMPLING_INVALID_INPUT',
      `${where}: the model's step returned logits ${describeValue(logits)}, not a tensor. ${fix}`,
    );
  }
  const [rows, columns] = logits.shape;
  if (
    logits.rank !== 2 ||
    rows !== ids.length ||
    columns !== model.vocabularySize ||
    logits.dtype !== 'float32'
  ) {
    disposeQuietly(() => logits.dispose());
    freeState();
    fail(
      'SAMPLING_INVALID_INPUT',
      `${where}: the model's step returned logits of shape [${logits.shape.join(', ')}] (${logits.dtype}); expected ` +
        `[${ids.length}, ${model.vocabularySize}] float32 (one row per input id, vocabularySize columns). ${fix}`,
    );
  }
  return { logits: logits as tf.Tensor2D, state: next as State };
}

/** Runs `model.step`, checks and reads the logits and frees them; `state` is kept. */
async function stepAndRead<State>(
  where: string,
  model: StepModel<State>,
  ids: Int32Array,
  state: State,
): Promise<{ logits: Float32Array; state: State }> {
  const { logits, state: next } = takeStep(where, model, ids, state);
  try {
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
 * {@link StepSession.dispose} frees the last one — on success, error or abort alike. It also
 * paces the loop that drives it: {@link StepSession.due} / {@link StepSession.yield} hand the
 * event loop back every few milliseconds of work (see `event-loop.ts`), and
 * {@link StepSession.checkpoint} does that and then checks the signal.
 */
export class StepSession<State> {
  readonly #where: string;
  readonly #model: StepModel<State>;
  readonly #signal: AbortSignal | null;
  readonly #pacer: EventLoopPacer;
  #state: State;
  /** `model.step` calls made so far. */
  steps: number;
  /** The last step's logits, `[rows × vocabularySize]`, as a plain array. */
  logits: Float32Array;

  private constructor(
    where: string,
    model: StepModel<State>,
    signal: AbortSignal | null,
    pacer: EventLoopPacer,
    state: State,
    logits: Float32Array,
    steps: number,
  ) {
    this.#where = where;
    this.#model = model;
    this.#signal = signal;
    this.#pacer = pacer;
    this.#state = state;
    this.logits = logits;
    this.steps = steps;
  }

  /**
   * Feeds the prompt (batch 1, one step per id), yielding to the event loop every few
   * milliseconds and checking `signal` before each step; on error or abort nothing is left
   * behind.
   */
  static async start<State>(
    where: string,
    model: StepModel<State>,
    promptIds: readonly number[],
    signal: AbortSignal | null,
  ): Promise<StepSession<State>> {
    const pacer = new EventLoopPacer(YIELD_INTERVAL_MS);
    throwIfAborted(signal);
    let state = model.initialState(1);
    try {
      for (let t = 0; t < promptIds.length - 1; t++) {
        if (pacer.due()) await pacer.yield();
        throwIfAborted(signal);
        const next = takeStep(where, model, Int32Array.of(promptIds[t]!), state);
        next.logits.dispose();
        if (next.state !== state) model.disposeState(state);
        state = next.state;
      }
      if (pacer.due()) await pacer.yield();
      throwIfAborted(signal);
      const last = await stepAndRead(where, model, Int32Array.of(promptIds.at(-1)!), state);
      if (last.state !== state) model.disposeState(state);
      return new StepSession(where, model, signal, pacer, last.state, last.logits, promptIds.length);
    } catch (error) {
      model.disposeState(state);
      throw error;
    }
  }

  /** Whether the loop has worked a few milliseconds since it last yielded (a clock read). */
  due(): boolean {
    return this.#pacer.due();
  }

  /** Hands the event loop back for one macrotask (timers, I/O, other requests), then checks the signal. */
  async yield(): Promise<void> {
    await this.#pacer.yield();
    throwIfAborted(this.#signal);
  }

  /** Yields if {@link StepSession.due}, then checks the signal: call once per loop iteration. */
  async checkpoint(): Promise<void> {
    if (this.#pacer.due()) await this.#pacer.yield();
    throwIfAborted(this.#signal);
  }

  /** Yields made so far (for tests and the benchmark). */
  get yields(): number {
    return this.#pacer.yields;
  }

  /** Reorders (or repeats, or drops) the rows of the state: row i becomes row `rows[i]`. */
  regather(rows: Int32Array): void {
    const gathered = this.#model.gatherState(this.#state, rows);
    this.#model.disposeState(this.#state);
    this.#state = gathered;
  }

  /** One step for the whole batch, one id per row; returns (and keeps) the new logits. */
  async step(ids: Int32Array): Promise<Float32Array> {
    throwIfAborted(this.#signal);
    const next = await stepAndRead(this.#where, this.#model, ids, this.#state);
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
