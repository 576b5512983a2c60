import { describeValue } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { RnnModelsError, validate } from '../errors.js';
import { checkLayersModel, readLive } from '../inspect/arguments.js';
import { checkTensorSize } from '../layers/size-limits.js';
import { modelChain } from './model-chain.js';
import type { RecurrentStepKind } from './recurrent-step.js';
import { compileStepProgram, type StepProgram } from './step-program.js';

/**
 * The recurrent state of a {@link RnnStepModel} for a batch of rows. Treat it as opaque: pass it
 * back to the step model that made it. Ownership: whoever receives a state (from `initialState`,
 * `step` or `gatherState`) owns its tensors and frees them with `disposeState` once they are no
 * longer needed; the tensors are `tf.keep`-ed, so an enclosing `tf.tidy` does not free them.
 */
export interface RnnStepState {
  /** Rows in the batch. */
  readonly batchSize: number;
  /**
   * Per recurrent layer, in model order: `[h]` (GRU, SimpleRNN) or `[h, c]` (LSTMs), each
   * `[batchSize, units]` float32.
   */
  readonly layers: readonly (readonly tf.Tensor2D[])[];
}

/** One recurrent layer of a {@link RnnStepModel}, as its state is laid out. */
export interface StepStateLayout {
  readonly layerName: string;
  readonly kind: RecurrentStepKind;
  readonly units: number;
  /** Tensors per row: 2 for LSTMs (`h`, `c`), 1 otherwise (`h`). */
  readonly stateCount: number;
}

/**
 * A language model run one token at a time. Satisfies `StepModel<RnnStepState>` of
 * `@rnnkit/sampling` (declared there; rnn-models implements it structurally and does not
 * import sampling), so `generate`, `stream` and `beamSearch` take it directly.
 *
 * The step model holds the model's layers, not copies of their weights: every step reads the
 * current weight variables, so training the model further changes what the next step computes.
 * It owns no tensors and has nothing to dispose; keep the model alive while you use it.
 */
export interface RnnStepModel {
  /** Logits per row: the output Dense's units. */
  readonly vocabularySize: number;
  /** Ids `step` accepts lie in `[0, inputVocabularySize)`: the Embedding's `inputDim`. */
  readonly inputVocabularySize: number;
  /** Whether id 0 is padding (the Embedding has `maskZero`): a 0 leaves that row's state unchanged. */
  readonly maskZero: boolean;
  /** The recurrent layers whose states {@link RnnStepState} carries, in model order. */
  readonly stateLayout: readonly StepStateLayout[];
  /**
   * Zero states for `batchSize` rows (what `model.predict` starts every sequence from).
   * @returns a new state; the caller owns it (`disposeState`).
   * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` unless `batchSize` is a positive integer;
   *   `RNN_MODELS_TOO_LARGE` when a state tensor (`batchSize × units` values) would exceed one
   *   tensor's limit (2^31 bytes), which tfjs would otherwise reserve without a word.
   */
  initialState(batchSize: number): RnnStepState;
  /**
   * Feeds one token id per row and returns the next-token logits and the next state.
   *
   * Logits are the output Dense's pre-activation `[batch, vocabularySize]` float32: with a
   * softmax output, `softmax(logits)` is exactly what the model predicts (the logits themselves
   * are what a `logits: true` model outputs); with a linear output, they are its output.
   *
   * With `maskZero`, a row whose id is 0 keeps its state, and its logits repeat the previous
   * step's, as `model.predict` treats padding.
   *
   * @param ids `[batch]` token ids (`ids.length === state.batchSize`), in `[0, inputVocabularySize)`.
   * @param state the state after the previous token; neither disposed nor changed.
   * @returns new tensors, both owned by the caller: `logits` (tracked by an enclosing `tf.tidy`
   *   like any op result) and `state` (kept; free it with `disposeState`).
   * @throws RnnModelsError `RNN_MODELS_SHAPE_MISMATCH` when `ids.length` differs from the batch
   *   or the state does not belong to this model, `RNN_MODELS_INVALID_OPTION` for an id out of
   *   range or a disposed state.
   */
  step(ids: Int32Array, state: RnnStepState): { logits: tf.Tensor2D; state: RnnStepState };
  /**
   * A new state whose row `i` is row `rows[i]` of `state`: beam reordering, or expanding one
   * prompt's state to several rows. `rows.length` may differ from the batch.
   * @returns a new state owned by the caller; `state` is neither disposed nor changed.
   * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` for an empty `rows` or a row out of range.
   */
  gatherState(state: RnnStepState, rows: Int32Array): RnnStepState;
  /** Frees the state's tensors (a second call does nothing). */
  disposeState(state: RnnStepState): void;
}

/** Options of {@link toStepModel}. */
export interface ToStepModelOptions {
  /**
   * Receives warnings — currently one: the model's top recurrent layer returns only its last
   * output (`returnSequences: false`, a `'next'`-mode model trained many-to-one on fixed
   * windows), so stepping it past its training window is outside what it learned.
   * @default Node's process.emitWarning (nothing in browsers)
   */
  readonly onWarning?: (message: string) => void;
}

/** {@link ToStepModelOptions} with every default filled in. */
export interface ResolvedToStepModelOptions {
  readonly onWarning: (message: string) => void;
}

/** The documented defaults of {@link ToStepModelOptions}. */
export const DEFAULT_TO_STEP_MODEL_OPTIONS: Readonly<ResolvedToStepModelOptions> = Object.freeze({
  onWarning: (message: string): void => {
    if (typeof process !== 'undefined' && typeof process.emitWarning === 'function')
      process.emitWarning(message);
  },
});

const WHERE = 'toStepModel';

/**
 * Validates {@link ToStepModelOptions} and fills in {@link DEFAULT_TO_STEP_MODEL_OPTIONS}.
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` for a value of the wrong type.
 * @example
 * resolveToStepModelOptions({}).onWarning === DEFAULT_TO_STEP_MODEL_OPTIONS.onWarning; // true
 */
export function resolveToStepModelOptions(options: ToStepModelOptions = {}): ResolvedToStepModelOptions {
  const { onWarning } = validate.withDefaults(WHERE, options ?? null, DEFAULT_TO_STEP_MODEL_OPTIONS);
  if (typeof onWarning !== 'function') {
    validate.invalid(WHERE, 'onWarning', onWarning, 'must be a function (message: string) => void');
  }
  return { onWarning };
}

/**
 * Turns a trained language model into a step model: the prompt is consumed once and every new
 * token costs one step (one embedding lookup, one cell update per recurrent layer, the output
 * Dense), instead of re-running the whole window through `model.predict`.
 *
 * The model must be a chain `Embedding → …` → `Dense(vocabularySize)`: any mix of rnnkit and
 * tfjs-layers `LSTM`, `GRU` (reset-after or before), `SimpleRNN` and rnnkit `PeepholeLSTM`
 * (each with its own activations and `useBias`), with `Dropout`-type layers (the identity at
 * inference), `BatchNormalization` (moving statistics), `LayerNormalization`, `Dense` of any
 * activation, `Activation`, and `TimeDistributed` around those in between. Both
 * `languageModel` modes work: `'shifted'` (every step's output) and `'next'` (many-to-one;
 * stepping computes what `predict` gives for the same prefix), and stateful models (the step
 * model keeps its own states; the layers' stored states are neither read nor changed).
 *
 * A `'next'` model trained on fixed windows never saw longer contexts; for such models
 * `windowedStepModel` of `@rnnkit/sampling` (re-feeds the last `sequenceLength` tokens) matches training,
 * and `onWarning` says so.
 *
 * Weights are shared, not copied: see {@link RnnStepModel}.
 *
 * @param model a built `LayersModel` (e.g. from `languageModel` or `tfl.loadLayersModel`).
 *   Not changed; keep it alive (not disposed) while the step model is used.
 * @param options see {@link ToStepModelOptions}.
 * @returns a step model satisfying `@rnnkit/sampling`'s `StepModel<RnnStepState>`; it holds no tensors.
 * @throws RnnModelsError `RNN_MODELS_UNSUPPORTED_MODEL` naming the layer that cannot be stepped and why
 *   (`Bidirectional`, `goBackwards`, a non-Embedding first layer, branches or merges, a layer after the
 *   output Dense, an unknown layer), or when the model is not built; `RNN_MODELS_INVALID_OPTION` for bad options.
 * @example
 * const model = languageModel({ vocabularySize: 90, embeddingDim: 64, units: 256 });
 * // … train …
 * const lm = toStepModel(model);
 * let state = lm.initialState(1);
 * let logits: tf.Tensor2D | undefined;
 * for (const id of promptIds) {
 *   logits?.dispose();
 *   const out = lm.step(Int32Array.of(id), state);
 *   lm.disposeState(state); // the caller frees old states
 *   ({ logits, state } = out);
 * }
 * // logits [1, 90]: the first new token's scores
 */
export function toStepModel(model: tfl.LayersModel, options: ToStepModelOptions = {}): RnnStepModel {
  const { onWarning } = resolveToStepModelOptions(options);
  checkLayersModel(WHERE, 'model', model);
  const program = compileStepProgram(modelChain(model, WHERE), WHERE);
  const top = program.recurrent[program.recurrent.length - 1];
  if (top !== undefined && !top.returnSequences && !top.stateful) {
    onWarning(
      `${WHERE}: the top recurrent layer '${top.layerName}' of model '${model.name}' returns only its last ` +
        "output (returnSequences: false): the model was likely trained many-to-one on fixed windows ('next' " +
        'mode) and never saw longer contexts. Stepping it is exact for contexts up to that window; for ' +
        'generation beyond it, windowedStepModel of @rnnkit/sampling re-feeds the last window as in training.',
    );
  }
  return new ChainStepModel(program);
}

/** The step model behind {@link toStepModel}. */
class ChainStepModel implements RnnStepModel {
  readonly vocabularySize: number;
  readonly inputVocabularySize: number;
  readonly maskZero: boolean;
  readonly stateLayout: readonly StepStateLayout[];

  constructor(private readonly program: StepProgram) {
    this.vocabularySize = program.vocabularySize;
    this.inputVocabularySize = program.embedding.inputDim;
    this.maskZero = program.embedding.maskZero;
    this.stateLayout = Object.freeze(
      program.recurrent.map(({ layerName, kind, units, stateCount }) =>
        Object.freeze({ layerName, kind, units, stateCount }),
      ),
    );
  }

  initialState(batchSize: number): RnnStepState {
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new RnnModelsError(
        'RNN_MODELS_INVALID_OPTION',
        `${WHERE}: initialState(batchSize) needs a positive integer, got ${describeValue(batchSize)}.`,
      );
    }
    for (const { layerName, units } of this.program.recurrent) {
      checkTensorSize(
        `${WHERE}: initialState(${batchSize})`,
        `state of layer '${layerName}' [batchSize, units]`,
        [batchSize, units],
        'Step fewer rows at a time.',
      );
    }
    const layers = this.program.recurrent.map(({ units, stateCount }) =>
      Array.from({ length: stateCount }, () => tf.keep(tf.zeros([batchSize, units])) as tf.Tensor2D),
    );
    return freezeState(batchSize, layers);
  }

  step(ids: Int32Array, state: RnnStepState): { logits: tf.Tensor2D; state: RnnStepState } {
    this.checkState(state, 'step');
    const batch = state.batchSize;
    if (ids == null || typeof ids.length !== 'number' || ids.length !== batch) {
      throw new RnnModelsError(
        'RNN_MODELS_SHAPE_MISMATCH',
        `${WHERE}: step(ids, state) needs one id per state row: ${batch} id(s), got ${ids == null ? describeValue(ids) : `${ids.length}`}.`,
      );
    }
    const { embedding, stages, logits: output } = this.program;
    // A disposed model's variables are all disposed: check one before any op runs.
    readLive(`${WHERE}: step`, embedding.table);
    let masked = false;
    for (let row = 0; row < batch; row++) {
      const id = ids[row]!;
      if (!Number.isInteger(id) || id < 0 || id >= embedding.inputDim) {
        throw new RnnModelsError(
          'RNN_MODELS_INVALID_OPTION',
          `${WHERE}: step ids[${row}] is ${describeValue(id)}; ids must be integers in [0, ${embedding.inputDim}) ` +
            `(the input size of Embedding '${embedding.layerName}').`,
        );
      }
      if (id === 0 && embedding.maskZero) masked = true;
    }
    const result = tf.tidy(() => {
      let x = tf.gather(embedding.table.read(), tf.tensor1d(ids, 'int32')) as tf.Tensor2D;
      // Padding rows (id 0 under maskZero) keep their states: s·m + s_prev·(1 − m), m ∈ {0, 1}.
      let keepMask: { real: tf.Tensor2D; padding: tf.Tensor2D } | null = null;
      if (masked) {
        const real = tf.tensor2d(
          Float32Array.from(ids, (id) => (id === 0 ? 0 : 1)),
          [batch, 1],
        );
        keepMask = { real, padding: tf.sub(1, real) };
      }
      const next: tf.Tensor2D[][] = [];
      for (const stage of stages) {
        if (stage.kind === 'map') {
          x = stage.apply(x);
          continue;
        }
        const previous = state.layers[stage.slot]!;
        let states = stage.cell.step(x, previous);
        if (keepMask !== null) {
          const { real, padding } = keepMask;
          states = states.map(
            (s, i) => tf.add(tf.mul(s, real), tf.mul(previous[i]!, padding)) as tf.Tensor2D,
          );
        }
        next.push(states);
        x = states[0]!;
      }
      const bias = output.bias?.read() as tf.Tensor1D | undefined;
      const kernel = output.kernel.read() as tf.Tensor2D;
      const logits = (
        bias === undefined ? tf.matMul(x, kernel) : tf.fused.matMul({ a: x, b: kernel, bias })
      ) as tf.Tensor2D;
      return { logits, next };
    });
    for (const states of result.next) for (const tensor of states) tf.keep(tensor);
    return { logits: result.logits, state: freezeState(batch, result.next) };
  }

  gatherState(state: RnnStepState, rows: Int32Array): RnnStepState {
    this.checkState(state, 'gatherState');
    if (rows == null || typeof rows.length !== 'number' || rows.length === 0) {
      throw new RnnModelsError(
        'RNN_MODELS_INVALID_OPTION',
        `${WHERE}: gatherState(state, rows) needs at least one row index, got ${rows == null ? describeValue(rows) : 'none'}.`,
      );
    }
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      if (!Number.isInteger(row) || row < 0 || row >= state.batchSize) {
        throw new RnnModelsError(
          'RNN_MODELS_INVALID_OPTION',
          `${WHERE}: gatherState rows[${i}] is ${describeValue(row)}; rows must be integers in [0, ${state.batchSize}) (the state's batch).`,
        );
      }
    }
    const layers = tf.tidy(() => {
      const index = tf.tensor1d(rows, 'int32');
      return state.layers.map((tensors) => tensors.map((tensor) => tf.gather(tensor, index) as tf.Tensor2D));
    });
    for (const tensors of layers) for (const tensor of tensors) tf.keep(tensor);
    return freezeState(rows.length, layers);
  }

  disposeState(state: RnnStepState): void {
    if (state == null || !Array.isArray(state.layers)) return;
    for (const tensors of state.layers) tf.dispose(tensors as tf.Tensor2D[]);
  }

  /** A state from this model (layer count, shapes) whose tensors are alive. */
  private checkState(state: RnnStepState, method: string): void {
    const layout = this.stateLayout;
    const layers: readonly (readonly tf.Tensor2D[])[] | undefined = state?.layers;
    const fromHere =
      layers !== undefined &&
      Number.isInteger(state.batchSize) &&
      Array.isArray(layers as unknown) &&
      layers.length === layout.length &&
      layers.every(
        (tensors, slot) =>
          tensors.length === layout[slot]!.stateCount &&
          tensors.every(
            (tensor) =>
              tensor instanceof tf.Tensor &&
              tensor.rank === 2 &&
              tensor.shape[0] === state.batchSize &&
              tensor.shape[1] === layout[slot]!.units,
          ),
      );
    if (!fromHere) {
      throw new RnnModelsError(
        'RNN_MODELS_SHAPE_MISMATCH',
        `${WHERE}: ${method} received a state this step model did not make (it expects ` +
          `${layout.map((l) => `${l.stateCount}×[batch, ${l.units}]`).join(', ') || 'no tensors'}); ` +
          'start from initialState(batchSize) and pass each step the state the previous step returned.',
      );
    }
    if (layers.some((tensors) => tensors.some((tensor) => tensor.isDisposed))) {
      throw new RnnModelsError(
        'RNN_MODELS_INVALID_OPTION',
        `${WHERE}: ${method} received a disposed state; dispose a state only after the step that consumes it.`,
      );
    }
  }
}

function freezeState(batchSize: number, layers: tf.Tensor2D[][]): RnnStepState {
  return Object.freeze({ batchSize, layers: Object.freeze(layers.map((tensors) => Object.freeze(tensors))) });
}
