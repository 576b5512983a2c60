import { describeValue } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
import type { StepModel } from './types.js';
import { check, fail } from './validate.js';

/**
 * What {@link windowedStepModel} needs of a model: tfjs-layers' `LayersModel` (and
 * `Sequential`) fits. `outputs` is read only to find the vocabulary size.
 */
export interface WindowedModel {
  /** Ids `[batch, sequenceLength]` → `[batch, vocab]` (or `[batch, sequenceLength, vocab]`, last step used). */
  predict(x: tf.Tensor): tf.Tensor | tf.Tensor[];
  /** The model's symbolic outputs; the last dimension of the first is the vocabulary size. */
  readonly outputs?: readonly { readonly shape: readonly (number | null)[] }[];
}

/** What the wrapped model outputs. */
export type WindowedOutputs = 'probabilities' | 'logits';

/** Options of {@link windowedStepModel}. */
export interface WindowedStepModelOptions {
  /** Ids per window: the `sequenceLength` (Keras `maxlen`) the model was trained on; an integer ≥ 1. Required. */
  readonly sequenceLength: number;
  /**
   * `'probabilities'` (a softmax output layer, turned into logits with a clamped log) or
   * `'logits'` (a linear output layer, used as is).
   * @default 'probabilities'
   */
  readonly outputs?: WindowedOutputs;
  /**
   * The id that fills a window before `sequenceLength` ids have been fed (pre-padding, as Keras'
   * `pad_sequences` default).
   * @default 0
   */
  readonly padId?: number;
  /**
   * Logits per row. `null`: the last dimension of `model.outputs[0]`.
   * @default null
   */
  readonly vocabularySize?: number | null;
}

/** {@link WindowedStepModelOptions} with every default filled in. */
export interface ResolvedWindowedStepModelOptions {
  readonly sequenceLength: number;
  readonly outputs: WindowedOutputs;
  readonly padId: number;
  readonly vocabularySize: number | null;
}

/** The documented defaults of the optional {@link WindowedStepModelOptions} fields. */
export const DEFAULT_WINDOWED_STEP_MODEL_OPTIONS: Readonly<
  Required<Omit<WindowedStepModelOptions, 'sequenceLength'>>
> = Object.freeze({ outputs: 'probabilities', padId: 0, vocabularySize: null });

const WHERE = 'windowedStepModel';

/**
 * Validates {@link WindowedStepModelOptions} and fills in the defaults. Internal: the resolved
 * shape is not API.
 *
 * @throws SamplingError `SAMPLING_INVALID_OPTION` for unknown keys (naming the closest known
 *   one), a missing or non-positive `sequenceLength`, an unknown `outputs`, a negative `padId`
 *   or a bad `vocabularySize`.
 */
export function resolveWindowedStepModelOptions(
  options: WindowedStepModelOptions,
): ResolvedWindowedStepModelOptions {
  const merged = check.withDefaults(WHERE, options, DEFAULT_WINDOWED_STEP_MODEL_OPTIONS, ['sequenceLength']);
  return {
    sequenceLength: check.integer(WHERE, 'sequenceLength', merged.sequenceLength, { min: 1 }),
    outputs: check.oneOf<WindowedOutputs>(WHERE, 'outputs', merged.outputs, ['probabilities', 'logits']),
    padId: check.integer(WHERE, 'padId', merged.padId, { min: 0, max: 2 ** 31 - 1 }),
    vocabularySize:
      merged.vocabularySize === null
        ? null
        : check.integer(WHERE, 'vocabularySize', merged.vocabularySize, { min: 1 }),
  };
}

/**
 * State of a {@link windowedStepModel}: the last `sequenceLength` ids of each row, row-major
 * `[batch × sequenceLength]`. Plain numbers, no tensors.
 */
export interface WindowState {
  /** Rows in the batch. */
  readonly batchSize: number;
  /** `int32`, `[batchSize * sequenceLength]`: row b is `windows[b*sequenceLength … (b+1)*sequenceLength)`, oldest first. */
  readonly windows: Int32Array;
}

/** The smallest positive normal float32: probabilities are clamped to it before the log. */
const TINY = 1.1754943508222875e-38;

/** A {@link StepModel} over a fixed-window model; see {@link windowedStepModel}. */
export interface WindowedStepModel extends StepModel<WindowState> {
  /** Ids per window. */
  readonly sequenceLength: number;
}

/**
 * Adapts a model trained many-to-one on fixed windows — ids `[batch, sequenceLength]` → the next
 * token's distribution `[batch, vocab]`, as the Keras poetry notebook's 10-character model —
 * to a {@link StepModel}. The state is the last `sequenceLength` ids of each row; each `step` slides
 * the window by one id and runs the whole model on it.
 *
 * This re-feeding is the correct semantics for such models, not a slow approximation: they
 * were trained to predict from exactly `sequenceLength` ids starting from a zero state, so carrying a
 * recurrent state across windows would ask them something they never learned. Before `sequenceLength`
 * ids have been fed, the window is pre-padded with `padId`. For models trained on whole
 * sequences (`mode: 'shifted'`), use `toStepModel` from `@rnnkit/rnn-models`, which costs one
 * recurrent step per token instead of `sequenceLength`.
 *
 * Probability outputs become logits as `log(max(p, 1.1754944e-38))` (the smallest normal
 * float32), so `softmax(logits)` gives the model's probabilities back and zero probabilities
 * stay practically impossible. A model output of `[batch, sequenceLength, vocab]` (a sequence model)
 * is also accepted: the last time step is used.
 *
 * Tensors: the model is borrowed, never disposed. States hold no tensors
 * (`disposeState` does nothing); each step's input and intermediates are freed inside
 * `tf.tidy`; the returned logits `[batch, vocab]` float32 belong to the caller.
 *
 * @throws SamplingError `SAMPLING_INVALID_OPTION` (see {@link resolveWindowedStepModelOptions},
 *   no vocabulary size can be found, or a `padId` not below it); `step` throws
 *   `SAMPLING_INVALID_INPUT` for ids of the wrong count or outside the vocabulary, or a model
 *   output that is not a `[batch, vocab]` tensor.
 * @example
 * const poetry = languageModel({ vocabularySize: 28, sequenceLength: 10, mode: 'next', units: 128 });
 * // … train …
 * const stepModel = windowedStepModel(poetry, { sequenceLength: 10 });
 * const { text } = await generate(stepModel, { prompt: 'the moon ', decoder: vocab, maxNewTokens: 200, topK: 5 });
 */
export function windowedStepModel(
  model: WindowedModel,
  options: WindowedStepModelOptions,
): WindowedStepModel {
  if (model === null || typeof model !== 'object' || typeof model.predict !== 'function') {
    check.invalid(WHERE, 'model', model, 'must have predict()', 'Pass a tfjs-layers LayersModel.');
  }
  const { sequenceLength, outputs, padId, vocabularySize: given } = resolveWindowedStepModelOptions(options);
  const inferred = model.outputs?.[0]?.shape.at(-1);
  const vocabularySize = given ?? (typeof inferred === 'number' && inferred > 0 ? inferred : null);
  if (vocabularySize === null) {
    check.invalid(
      WHERE,
      'vocabularySize',
      null,
      'could not be read from model.outputs[0].shape',
      'Pass vocabularySize (the number of output units).',
    );
  }
  if (padId >= vocabularySize) {
    check.invalid(
      WHERE,
      'padId',
      padId,
      `must be a token id below vocabularySize (${vocabularySize}): it fills the windows the model reads`,
      'Pass the id the model was trained with as padding (Keras pads with 0).',
    );
  }

  const checkWindows = (state: WindowState, what: string) => {
    if (
      state === null ||
      typeof state !== 'object' ||
      !(state.windows instanceof Int32Array) ||
      state.windows.length !== state.batchSize * sequenceLength
    ) {
      fail(
        'SAMPLING_INVALID_INPUT',
        `${what}: state is not a WindowState of this model (sequenceLength ${sequenceLength}).`,
      );
    }
  };

  return {
    vocabularySize,
    sequenceLength,
    initialState(batchSize: number): WindowState {
      check.integer(WHERE, 'batchSize', batchSize, { min: 1 });
      return { batchSize, windows: new Int32Array(batchSize * sequenceLength).fill(padId) };
    },
    step(ids: Int32Array, state: WindowState) {
      checkWindows(state, 'step');
      if (ids === null || typeof ids !== 'object' || ids.length !== state.batchSize) {
        fail(
          'SAMPLING_INVALID_INPUT',
          `step: got ${describeValue(ids)} as ids for a state of ${state.batchSize} rows; pass an Int32Array of one id per row.`,
        );
      }
      for (let row = 0; row < ids.length; row++) {
        const id = ids[row] as unknown;
        if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= vocabularySize) {
          fail(
            'SAMPLING_INVALID_INPUT',
            `step: ids[${row}] is ${describeValue(id)}; ids must be integers in 0 … ${vocabularySize - 1} (the vocabulary).`,
          );
        }
      }
      const windows = new Int32Array(state.windows.length);
      for (let row = 0; row < state.batchSize; row++) {
        const start = row * sequenceLength;
        windows.set(state.windows.subarray(start + 1, start + sequenceLength), start);
        windows[start + sequenceLength - 1] = ids[row]!;
      }
      const logits = tf.tidy(() => {
        const output = model.predict(
          tf.tensor2d(windows, [state.batchSize, sequenceLength], 'int32'),
        ) as unknown;
        let y = (Array.isArray(output) ? output[0] : output) as tf.Tensor;
        // Duck-typed: a model built with another copy of tfjs returns tensors that fail instanceof.
        if (y === null || typeof y !== 'object' || !Array.isArray(y.shape) || typeof y.rank !== 'number') {
          fail(
            'SAMPLING_INVALID_INPUT',
            `step: the model's predict returned ${describeValue(output)}, not a tensor; expected [${state.batchSize}, ` +
              `${vocabularySize}]. Wrap a tfjs-layers LayersModel (or a model whose predict returns a tensor).`,
          );
        }
        if (y.rank === 3 && y.shape[0] === state.batchSize && y.shape[2] === vocabularySize) {
          y = tf.squeeze(tf.slice(y, [0, y.shape[1]! - 1, 0], [-1, 1, -1]), [1]);
        }
        if (y.rank !== 2 || y.shape[0] !== state.batchSize || y.shape[1] !== vocabularySize) {
          fail(
            'SAMPLING_INVALID_INPUT',
            `step: the model returned shape [${y.shape.join(', ')}] for windows [${state.batchSize}, ${sequenceLength}]; ` +
              `expected [${state.batchSize}, ${vocabularySize}]. Wrap a next-token (many-to-one) model, or pass ` +
              'the right vocabularySize.',
          );
        }
        const asFloat = y.dtype === 'float32' ? y : tf.cast(y, 'float32');
        return (outputs === 'logits' ? asFloat : tf.log(tf.maximum(asFloat, TINY))) as tf.Tensor2D;
      });
      return { logits, state: { batchSize: state.batchSize, windows } };
    },
    gatherState(state: WindowState, rows: Int32Array): WindowState {
      checkWindows(state, 'gatherState');
      const windows = new Int32Array(rows.length * sequenceLength);
      rows.forEach((source, row) => {
        if (!Number.isInteger(source) || source < 0 || source >= state.batchSize) {
          fail('SAMPLING_INVALID_INPUT', `gatherState: row ${source} is outside 0 … ${state.batchSize - 1}.`);
        }
        windows.set(
          state.windows.subarray(source * sequenceLength, (source + 1) * sequenceLength),
          row * sequenceLength,
        );
      });
      return { batchSize: rows.length, windows };
    },
    disposeState(): void {},
  };
}
