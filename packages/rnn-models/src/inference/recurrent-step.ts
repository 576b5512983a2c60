import * as tf from '@tensorflow/tfjs-core';
import type { LayerVariable, layers } from '@tensorflow/tfjs-layers';
import { RnnModelsError } from '../errors.js';
import { type CellActivations, gruStep, lstmStep, simpleRnnStep } from '../ops/cell-steps.js';
import { type LayerActivation, stepActivation } from './step-activations.js';

/** The recurrent cells {@link recurrentStep} can step, by the cell's class name (ours and tfjs-layers'). */
export type RecurrentStepKind = 'lstm' | 'peepholeLSTM' | 'gru' | 'simpleRNN';

const CELL_KINDS: Readonly<Record<string, RecurrentStepKind>> = {
  LSTMCell: 'lstm',
  RnnkitLSTMCell: 'lstm',
  RnnkitPeepholeLSTMCell: 'peepholeLSTM',
  GRUCell: 'gru',
  RnnkitGRUCell: 'gru',
  SimpleRNNCell: 'simpleRNN',
  RnnkitSimpleRNNCell: 'simpleRNN',
};

/** One recurrent layer, stepped one token at a time. */
export interface RecurrentStep {
  readonly kind: RecurrentStepKind;
  readonly layerName: string;
  readonly units: number;
  /** 2 for LSTMs (`[h, c]`), else 1 (`[h]`). */
  readonly stateCount: 1 | 2;
  /** Whether the layer returns its whole sequence (`false`: many-to-one, nothing recurrent may follow). */
  readonly returnSequences: boolean;
  readonly stateful: boolean;
  /**
   * One step: `x` `[batch, inputDim]` and the states (`[batch, units]` each) → the new states,
   * `[h]` or `[h, c]`; the output is `h`. Reads the layer's weight variables now (never copies or
   * caches them). Creates new tensors: call inside a `tf.tidy`. Disposes nothing.
   */
  step(x: tf.Tensor2D, states: readonly tf.Tensor2D[]): tf.Tensor2D[];
}

/** The cell fields we read: tfjs-layers' cells and ours (recurrent-cells.ts) share them. */
interface CellFields {
  readonly units: number;
  readonly kernel?: LayerVariable | null;
  readonly recurrentKernel?: LayerVariable | null;
  readonly bias?: LayerVariable | null;
  readonly activation: LayerActivation;
  readonly recurrentActivation?: LayerActivation;
  readonly resetAfter?: boolean;
  readonly inputGatePeephole?: LayerVariable | null;
  readonly forgetGatePeephole?: LayerVariable | null;
  readonly outputGatePeephole?: LayerVariable | null;
  getClassName(): string;
}

/** The `RNN` fields we read. */
interface RnnFields {
  readonly cell?: CellFields;
  readonly returnSequences?: boolean;
  readonly goBackwards?: boolean;
  readonly stateful?: boolean;
}

/** Whether `layer` is a recurrent layer (an `RNN` with a cell), supported or not. */
export function isRecurrentLayer(layer: layers.Layer): boolean {
  return (layer as unknown as RnnFields).cell !== undefined;
}

/**
 * The step function of a recurrent layer: rnnkit's `LSTM`, `PeepholeLSTM`, `GRU` (both reset
 * modes), `SimpleRNN`, tfjs-layers' `LSTM`, `GRU`, `SimpleRNN`, or `tf.layers.rnn` over one of
 * those cells, with the layer's own activations, `useBias` and reset mode.
 *
 * @throws RnnModelsError `RNN_MODELS_UNSUPPORTED_MODEL` for `goBackwards`, stacked or unknown
 *   cells, or a layer that is not built.
 */
export function recurrentStep(layer: layers.Layer, where: string): RecurrentStep {
  const rnn = layer as unknown as RnnFields;
  const cell = rnn.cell;
  const describe = `layer '${layer.name}' (${layer.getClassName()}${cell ? ` with ${cell.getClassName()}` : ''})`;
  const kind = cell === undefined ? undefined : CELL_KINDS[cell.getClassName()];
  if (cell === undefined || kind === undefined) {
    throw new RnnModelsError(
      'RNN_MODELS_UNSUPPORTED_MODEL',
      `${where}: ${describe} is not a recurrent layer it can step; supported cells are LSTM, ` +
        'peephole LSTM, GRU and SimpleRNN (one cell per layer; stack layers instead of StackedRNNCells).',
    );
  }
  if (rnn.goBackwards === true) {
    throw new RnnModelsError(
      'RNN_MODELS_UNSUPPORTED_MODEL',
      `${where}: ${describe} has goBackwards: true — it reads the sequence from its end, which does ` +
        'not exist yet while generating, so it cannot be run one token at a time.',
    );
  }
  const kernel = cell.kernel;
  const recurrentKernel = cell.recurrentKernel;
  if (kernel == null || recurrentKernel == null) {
    throw new RnnModelsError(
      'RNN_MODELS_UNSUPPORTED_MODEL',
      `${where}: ${describe} has no weights yet; build the model first.`,
    );
  }
  const bias = cell.bias ?? null;
  const units = cell.units;
  const activation = stepActivation(cell.activation);
  const recurrentActivation = cell.recurrentActivation
    ? stepActivation(cell.recurrentActivation)
    : activation;
  const common = {
    layerName: layer.name,
    units,
    returnSequences: rnn.returnSequences === true,
    stateful: rnn.stateful === true,
  };
  const weights: Weights = { kernel, recurrentKernel, bias };
  switch (kind) {
    case 'lstm':
    case 'peepholeLSTM': {
      const peephole = kind === 'peepholeLSTM' ? peepholeVariables(cell, describe, where) : null;
      return {
        kind,
        ...common,
        stateCount: 2,
        step: (x, [h, c]) => lstmStepOf(x, h!, c!, weights, peephole, { activation, recurrentActivation }),
      };
    }
    case 'gru': {
      const resetAfter = cell.resetAfter === true;
      return {
        kind,
        ...common,
        stateCount: 1,
        step: (x, [h]) =>
          resetAfter
            ? gruResetAfterStep(x, h!, weights, units, { activation, recurrentActivation })
            : gruResetBeforeStep(x, h!, weights, units, { activation, recurrentActivation }),
      };
    }
    case 'simpleRNN':
      return {
        kind,
        ...common,
        stateCount: 1,
        step: (x, [h]) => [
          simpleRnnStep(tf.add(project(x, weights), tf.matMul(h!, recurrentKernel.read())), activation),
        ],
      };
  }
}

interface Weights {
  readonly kernel: LayerVariable;
  readonly recurrentKernel: LayerVariable;
  readonly bias: LayerVariable | null;
}

interface PeepholeVariables {
  readonly input: LayerVariable;
  readonly forget: LayerVariable;
  readonly output: LayerVariable;
}

function peepholeVariables(cell: CellFields, describe: string, where: string): PeepholeVariables {
  const { inputGatePeephole: input, forgetGatePeephole: forget, outputGatePeephole: output } = cell;
  if (input == null || forget == null || output == null) {
    throw new RnnModelsError(
      'RNN_MODELS_UNSUPPORTED_MODEL',
      `${where}: ${describe} has no peephole weights yet; build the model first.`,
    );
  }
  return { input, forget, output };
}

/**
 * `x·W + b` in one op. The bias must be the layer's variable itself: the wasm backend caches the
 * packed weights per (weights, bias) pair, so a bias tensor made afresh each step re-packs them.
 */
function project(x: tf.Tensor2D, { kernel, bias }: Weights): tf.Tensor2D {
  const b = bias?.read() as tf.Tensor1D | undefined;
  return b === undefined
    ? tf.matMul(x, kernel.read() as tf.Tensor2D)
    : (tf.fused.matMul({ a: x, b: kernel.read() as tf.Tensor2D, bias: b }) as tf.Tensor2D);
}

/** Keras' LSTM (gates i, f, c, o), with Keras' peephole connections when given. */
function lstmStepOf(
  x: tf.Tensor2D,
  h: tf.Tensor2D,
  c: tf.Tensor2D,
  weights: Weights,
  peephole: PeepholeVariables | null,
  activations: CellActivations,
): tf.Tensor2D[] {
  const z = tf.add(project(x, weights), tf.matMul(h, weights.recurrentKernel.read() as tf.Tensor2D));
  const next = lstmStep(z as tf.Tensor2D, c, activations, {
    ...(peephole === null
      ? {}
      : {
          peephole: {
            input: peephole.input.read(),
            forget: peephole.forget.read(),
            output: peephole.output.read(),
          },
        }),
  });
  return [next.h, next.c];
}

/** Keras 2's GRU default (`r ⊙ (h·U_h + b_h)`, bias `[2, 3·units]`: input row, recurrent row). */
function gruResetAfterStep(
  x: tf.Tensor2D,
  h: tf.Tensor2D,
  weights: Weights,
  units: number,
  activations: CellActivations,
): tf.Tensor2D[] {
  let projected = tf.matMul(x, weights.kernel.read() as tf.Tensor2D);
  let inner = tf.matMul(h, weights.recurrentKernel.read() as tf.Tensor2D);
  if (weights.bias !== null) {
    // Separate adds, not the fused product's bias: the rows are new tensors every step, and
    // the wasm backend re-packs the weights for every bias tensor it has not seen.
    const [inputBias, recurrentBias] = tf.unstack(weights.bias.read());
    projected = tf.add(projected, inputBias!);
    inner = tf.add(inner, recurrentBias!);
  }
  const [inputZR, inputH] = tf.split(projected, [2 * units, units], 1) as [tf.Tensor2D, tf.Tensor2D];
  const [recurrentZR, recurrentH] = tf.split(inner, [2 * units, units], 1) as [tf.Tensor2D, tf.Tensor2D];
  return [gruStep({ inputZR, inputH, recurrentZR, h }, { resetAfter: true, recurrentH }, activations).h];
}

/** The original GRU (`(r ⊙ h)·U_h`, bias `[3·units]`): tfjs-layers' only mode. */
function gruResetBeforeStep(
  x: tf.Tensor2D,
  h: tf.Tensor2D,
  weights: Weights,
  units: number,
  activations: CellActivations,
): tf.Tensor2D[] {
  const recurrentKernel = weights.recurrentKernel.read() as tf.Tensor2D;
  const [inputZR, inputH] = tf.split(project(x, weights), [2 * units, units], 1) as [
    tf.Tensor2D,
    tf.Tensor2D,
  ];
  // Products with the whole recurrent kernel, then the columns needed: cutting U's columns
  // apart would copy the weights on every step (and caching the cut would need invalidation).
  const [recurrentZR] = tf.split(tf.matMul(h, recurrentKernel), [2 * units, units], 1) as [tf.Tensor2D];
  const product = (resetState: tf.Tensor2D) =>
    (
      tf.split(tf.matMul(resetState, recurrentKernel), [2 * units, units], 1) as [tf.Tensor2D, tf.Tensor2D]
    )[1];
  return [gruStep({ inputZR, inputH, recurrentZR, h }, { resetAfter: false, product }, activations).h];
}
