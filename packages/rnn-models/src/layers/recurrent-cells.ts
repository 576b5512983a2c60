import * as tf from '@tensorflow/tfjs-core';
import type {
  GRUCellLayerArgs,
  LayerVariable,
  LSTMCellLayerArgs,
  layers,
  Shape,
  SimpleRNNCellLayerArgs,
} from '@tensorflow/tfjs-layers';
import { RnnModelsError } from '../errors.js';
import {
  type CellActivations,
  type GruCandidateTerm,
  gruStep,
  lstmStep,
  simpleRnnStep,
} from '../ops/cell-steps.js';
import { type FusedActivationName, fusedActivation } from '../ops/fused-activations.js';
import { gruSequence } from '../ops/gru-sequence.js';
import { lstmSequence } from '../ops/lstm-sequence.js';
import { simpleRnnSequence } from '../ops/simple-rnn-sequence.js';
import { checkRecurrentArgs } from './layer-args.js';
import { orthogonal } from './orthogonal-initializer.js';
import { checkRecurrentSize } from './size-limits.js';

/** tfjs-layers' keyword arguments of `Layer.call`. */
export type CallKwargs = Parameters<InstanceType<typeof layers.RNN>['call']>[1];

/** Per-call dropout multipliers, the same at every time step (Keras' implementation 2). */
export interface StepDropoutMasks {
  /** `[batch, inputDim]`, or `null` without input dropout. */
  readonly input: tf.Tensor2D | null;
  /** `[batch, units]`, or `null` without recurrent dropout. */
  readonly recurrent: tf.Tensor2D | null;
}

/** What a fused cell needs to run a whole sequence. */
export interface SequenceRunOptions {
  /** `[batch, time]` float32 1/0; absent = every step counts. */
  readonly mask?: tf.Tensor2D;
  /** `[batch, units]` recurrent-dropout multiplier. */
  readonly recurrentMask?: tf.Tensor2D;
}

/** Every step's output `[batch, time, units]` and the final states (`[batch, units]` each). */
export interface SequenceRun {
  readonly outputs: tf.Tensor3D;
  readonly states: tf.Tensor2D[];
}

/** The part of our cells the fused recurrent layers call. */
export interface FusedCell {
  readonly units: number;
  /** Number of state tensors (LSTM: h and c). */
  readonly stateCount: number;
  /** Masks the per-step fallback path reads; set by the layer for the duration of one call. */
  stepMasks: StepDropoutMasks | null;
  /** Runs the whole sequence with the fused kernel, or returns `null` if an activation cannot be fused. */
  runSequence(x: tf.Tensor3D, states: tf.Tensor2D[], options: SequenceRunOptions): SequenceRun | null;
}

type StockSimpleRNNCell = ReturnType<typeof layers.simpleRNNCell>;
type StockLSTMCell = ReturnType<typeof layers.lstmCell>;
type StockGRUCell = ReturnType<typeof layers.gruCell>;

type StockCellClass<Instance, Args> = (new (
  args: Args,
) => Instance) &
  Pick<typeof layers.RNNCell, 'fromConfig'> & { className: string };

/**
 * The stock tfjs-layers cell class registered as `className`. Our cells extend them to inherit
 * tfjs' resolution of initializer/regularizer/constraint/activation identifiers, weight creation
 * and config serialization, and replace the maths.
 */
function stockCellClass<Instance, Args>(className: string): StockCellClass<Instance, Args> {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[className];
  if (entry === undefined) {
    throw new RnnModelsError(
      'RNN_MODELS_BACKEND_UNAVAILABLE',
      `tfjs-layers did not register '${className}'; install @tensorflow/tfjs-layers ^4.22 next to @rnnkit/rnn-models.`,
    );
  }
  return entry[0] as unknown as StockCellClass<Instance, Args>;
}

/**
 * Keras' initializers (tfjs-layers defaults to glorotNormal kernels). The recurrent kernel's
 * orthogonal initializer is ours (tfjs' is slow on wasm and warns on the console);
 * `'orthogonal'` given by name maps to ours too.
 */
function withKerasDefaults<Args extends SimpleRNNCellLayerArgs>(args: Args, extra: Partial<Args> = {}): Args {
  const filled: Record<string, unknown> = {
    kernelInitializer: 'glorotUniform',
    biasInitializer: 'zeros',
    ...extra,
  };
  for (const [key, value] of Object.entries(args)) {
    if (value !== undefined) filled[key] = value;
  }
  if (filled.recurrentInitializer === undefined || filled.recurrentInitializer === 'orthogonal') {
    filled.recurrentInitializer = orthogonal();
  }
  return filled as Args;
}

/** The fused activation behind a tfjs `Activation` object, or `undefined` if it cannot be fused. */
function fusedName(activation: { getClassName(): string }): FusedActivationName | undefined {
  return fusedActivation(activation.getClassName())?.name;
}

function lastDim(inputShape: Shape | Shape[]): number {
  const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
  const dim = shape[shape.length - 1];
  if (dim == null) {
    throw new RnnModelsError(
      'RNN_MODELS_SHAPE_MISMATCH',
      `A recurrent layer needs a known feature size (the last input dimension); received input shape [${shape.join(', ')}].`,
    );
  }
  return dim;
}

function stepInputs(inputs: tf.Tensor | tf.Tensor[], stateCount: number, cellName: string): tf.Tensor2D[] {
  const list = Array.isArray(inputs) ? inputs : [inputs];
  if (list.length !== stateCount + 1) {
    throw new RnnModelsError(
      'RNN_MODELS_SHAPE_MISMATCH',
      `${cellName} expects [input, ${stateCount} state tensor(s)], received ${list.length} tensor(s).`,
    );
  }
  return list as tf.Tensor2D[];
}

/** A cell's tfjs activations as the step functions of ops/cell-steps.ts. */
function activationsOf(cell: {
  readonly activation: { apply(z: tf.Tensor): tf.Tensor };
  readonly recurrentActivation: { apply(z: tf.Tensor): tf.Tensor };
}): CellActivations {
  return {
    activation: (z) => cell.activation.apply(z),
    recurrentActivation: (z) => cell.recurrentActivation.apply(z),
  };
}

function applyMask(value: tf.Tensor2D, mask: tf.Tensor2D | null | undefined): tf.Tensor2D {
  return mask == null ? value : (tf.mul(value, mask) as tf.Tensor2D);
}

/** Options of {@link SimpleRNNCell}: tfjs-layers' `SimpleRNNCellLayerArgs` with Keras' defaults. */
export type SimpleRNNCellArgs = SimpleRNNCellLayerArgs;

const StockSimpleRNNCellClass = stockCellClass<StockSimpleRNNCell, SimpleRNNCellLayerArgs>('SimpleRNNCell');

/** Keras `SimpleRNNCell` (`h = activation(x·W + h·U + b)`), fused over whole sequences by {@link SimpleRNN}. */
export class SimpleRNNCell extends StockSimpleRNNCellClass implements FusedCell {
  static override className = 'RnnkitSimpleRNNCell';
  readonly stateCount = 1;
  stepMasks: StepDropoutMasks | null = null;

  constructor(args: SimpleRNNCellArgs) {
    super(withKerasDefaults(checkRecurrentArgs('SimpleRNNCell', args, 'simpleRNN')));
  }

  override build(inputShape: Shape | Shape[]): void {
    checkRecurrentSize(`SimpleRNN layer (${this.name})`, lastDim(inputShape), this.units, 1);
    super.build(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: CallKwargs): tf.Tensor[] {
    return tf.tidy(() => {
      const [x, h] = stepInputs(inputs, 1, 'SimpleRNNCell') as [tf.Tensor2D, tf.Tensor2D];
      let z = tf.add(
        tf.matMul(applyMask(x, this.stepMasks?.input), this.kernel.read()),
        tf.matMul(applyMask(h, this.stepMasks?.recurrent), this.recurrentKernel.read()),
      );
      if (this.bias != null) z = tf.add(z, this.bias.read());
      const output = simpleRnnStep(z as tf.Tensor2D, (t) => this.activation.apply(t));
      return [output, output];
    });
  }

  runSequence(x: tf.Tensor3D, states: tf.Tensor2D[], options: SequenceRunOptions): SequenceRun | null {
    const activation = fusedName(this.activation);
    if (activation === undefined) return null;
    const result = simpleRnnSequence(
      x,
      states[0]!,
      {
        kernel: this.kernel.read() as tf.Tensor2D,
        recurrentKernel: this.recurrentKernel.read() as tf.Tensor2D,
        ...(this.bias != null ? { bias: this.bias.read() as tf.Tensor1D } : {}),
      },
      { activation, ...options },
    );
    return { outputs: result.outputs, states: [result.h] };
  }
}
tf.serialization.registerClass(SimpleRNNCell);

/** Options of {@link LSTMCell}: tfjs-layers' `LSTMCellLayerArgs` with Keras' defaults. */
export interface LSTMCellArgs extends LSTMCellLayerArgs {
  /**
   * Gate activation.
   * @default 'sigmoid' (Keras; tfjs-layers defaults to 'hardSigmoid')
   */
  recurrentActivation?: LSTMCellLayerArgs['recurrentActivation'];
  /**
   * Add 1 to the forget-gate bias at initialization (Jozefowicz et al.).
   * @default true (Keras; tfjs-layers defaults to false)
   */
  unitForgetBias?: boolean;
}

const StockLSTMCellClass = stockCellClass<StockLSTMCell, LSTMCellLayerArgs>('LSTMCell');

/** Keras `LSTMCell` (gates i, f, c, o; Keras' weight layout), fused over whole sequences by {@link LSTM}. */
export class LSTMCell extends StockLSTMCellClass implements FusedCell {
  static override className = 'RnnkitLSTMCell';
  readonly stateCount = 2;
  stepMasks: StepDropoutMasks | null = null;

  constructor(args: LSTMCellArgs) {
    super(
      withKerasDefaults(checkRecurrentArgs(new.target.className.replace(/^Rnnkit/, ''), args, 'lstm'), {
        recurrentActivation: 'sigmoid',
        unitForgetBias: true,
      }),
    );
  }

  override build(inputShape: Shape | Shape[]): void {
    checkRecurrentSize(`LSTM layer (${this.name})`, lastDim(inputShape), this.units, 4);
    // tfjs' unitForgetBias initializer leaves its temporary tensors behind (4 per build);
    // the weights themselves are variables, which tidy keeps.
    tf.tidy(() => super.build(inputShape));
  }

  /** Peephole weights `[units]` (input, forget, output), or `null` for a plain LSTM. */
  protected peepholeTensors(): { input: tf.Tensor1D; forget: tf.Tensor1D; output: tf.Tensor1D } | null {
    return null;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: CallKwargs): tf.Tensor[] {
    return tf.tidy(() => {
      const [x, h, c] = stepInputs(inputs, 2, 'LSTMCell') as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      let z = tf.add(
        tf.matMul(applyMask(x, this.stepMasks?.input), this.kernel.read()),
        tf.matMul(applyMask(h, this.stepMasks?.recurrent), this.recurrentKernel.read()),
      );
      if (this.bias != null) z = tf.add(z, this.bias.read());
      const { h: hNext, c: cNext } = lstmStep(z as tf.Tensor2D, c, activationsOf(this), {
        peephole: this.peepholeTensors() ?? undefined,
      });
      return [hNext, hNext, cNext];
    });
  }

  runSequence(x: tf.Tensor3D, states: tf.Tensor2D[], options: SequenceRunOptions): SequenceRun | null {
    const activation = fusedName(this.activation);
    const recurrentActivation = fusedName(this.recurrentActivation);
    if (activation === undefined || recurrentActivation === undefined) return null;
    const peephole = this.peepholeTensors();
    const result = lstmSequence(
      x,
      states[0]!,
      states[1]!,
      {
        kernel: this.kernel.read() as tf.Tensor2D,
        recurrentKernel: this.recurrentKernel.read() as tf.Tensor2D,
        ...(this.bias != null ? { bias: this.bias.read() as tf.Tensor1D } : {}),
        ...(peephole !== null ? { peephole } : {}),
      },
      { activation, recurrentActivation, ...options },
    );
    return { outputs: result.outputs, states: [result.h, result.c] };
  }
}
tf.serialization.registerClass(LSTMCell);

/**
 * Keras' `PeepholeLSTMCell` (Gers & Schmidhuber): the input and forget gates also see the
 * previous cell state, the output gate the new one, through per-unit weights.
 */
export class PeepholeLSTMCell extends LSTMCell {
  static override className = 'RnnkitPeepholeLSTMCell';
  inputGatePeephole: LayerVariable | null = null;
  forgetGatePeephole: LayerVariable | null = null;
  outputGatePeephole: LayerVariable | null = null;

  override build(inputShape: Shape | Shape[]): void {
    super.build(inputShape);
    // Keras initializes the peephole weights with the kernel initializer.
    const peephole = (name: string) =>
      this.addWeight(name, [this.units], undefined, this.kernelInitializer, undefined, true, undefined);
    this.inputGatePeephole = peephole('input_gate_peephole_weights');
    this.forgetGatePeephole = peephole('forget_gate_peephole_weights');
    this.outputGatePeephole = peephole('output_gate_peephole_weights');
    this.built = true;
  }

  protected override peepholeTensors(): { input: tf.Tensor1D; forget: tf.Tensor1D; output: tf.Tensor1D } {
    if (
      this.inputGatePeephole === null ||
      this.forgetGatePeephole === null ||
      this.outputGatePeephole === null
    ) {
      throw new RnnModelsError(
        'RNN_MODELS_INVALID_OPTION',
        'PeepholeLSTMCell was called before it was built.',
      );
    }
    return {
      input: this.inputGatePeephole.read() as tf.Tensor1D,
      forget: this.forgetGatePeephole.read() as tf.Tensor1D,
      output: this.outputGatePeephole.read() as tf.Tensor1D,
    };
  }
}
tf.serialization.registerClass(PeepholeLSTMCell);

/** Options of {@link GRUCell}: tfjs-layers' `GRUCellLayerArgs` with Keras' defaults. */
export interface GRUCellArgs extends GRUCellLayerArgs {
  /**
   * Gate activation.
   * @default 'sigmoid' (Keras; tfjs-layers defaults to 'hardSigmoid')
   */
  recurrentActivation?: GRUCellLayerArgs['recurrentActivation'];
  /**
   * Apply the reset gate after the recurrent product (`r ⊙ (h·U_h + b_h)`, Keras 2's default,
   * PyTorch's and cuDNN's formula, bias `[2, 3·units]`) instead of before it (`(r ⊙ h)·U_h`,
   * bias `[3·units]`; the only mode stock tfjs-layers supports).
   * @default true
   */
  resetAfter?: boolean;
}

const StockGRUCellClass = stockCellClass<StockGRUCell, GRUCellLayerArgs>('GRUCell');

/** Keras `GRUCell` (gates z, r, h; both reset modes), fused over whole sequences by {@link GRU}. */
export class GRUCell extends StockGRUCellClass implements FusedCell {
  static override className = 'RnnkitGRUCell';
  readonly stateCount = 1;
  readonly resetAfter: boolean;
  stepMasks: StepDropoutMasks | null = null;

  constructor(args: GRUCellArgs) {
    // tfjs' GRUCell rejects resetAfter: true; this class implements both modes itself.
    super({
      ...withKerasDefaults(checkRecurrentArgs('GRUCell', args, 'gru'), { recurrentActivation: 'sigmoid' }),
      resetAfter: false,
    });
    this.resetAfter = args.resetAfter ?? true;
  }

  override build(inputShape: Shape | Shape[]): void {
    checkRecurrentSize(`GRU layer (${this.name})`, lastDim(inputShape), this.units, 3);
    if (!this.resetAfter) {
      super.build(inputShape);
      return;
    }
    const inputDim = lastDim(inputShape);
    this.kernel = this.addWeight(
      'kernel',
      [inputDim, 3 * this.units],
      undefined,
      this.kernelInitializer,
      this.kernelRegularizer,
      true,
      this.kernelConstraint,
    );
    this.recurrentKernel = this.addWeight(
      'recurrent_kernel',
      [this.units, 3 * this.units],
      undefined,
      this.recurrentInitializer,
      this.recurrentRegularizer,
      true,
      this.recurrentConstraint,
    );
    // Keras' reset-after bias: row 0 for the input product, row 1 for the recurrent product.
    this.bias = (
      this.useBias
        ? this.addWeight(
            'bias',
            [2, 3 * this.units],
            undefined,
            this.biasInitializer,
            this.biasRegularizer,
            true,
            this.biasConstraint,
          )
        : null
    ) as typeof this.bias;
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: CallKwargs): tf.Tensor[] {
    return tf.tidy(() => {
      const [x, h] = stepInputs(inputs, 1, 'GRUCell') as [tf.Tensor2D, tf.Tensor2D];
      const units = this.units;
      const bias = this.bias?.read() ?? null;
      const hMasked = applyMask(h, this.stepMasks?.recurrent);
      let projected = tf.matMul(applyMask(x, this.stepMasks?.input), this.kernel.read());
      const recurrentKernel = this.recurrentKernel.read() as tf.Tensor2D;
      let recurrentZR: tf.Tensor2D;
      let term: GruCandidateTerm;
      if (this.resetAfter) {
        let inner = tf.matMul(hMasked, recurrentKernel);
        if (bias !== null) {
          const [inputBias, recurrentBias] = tf.unstack(bias);
          projected = tf.add(projected, inputBias!);
          inner = tf.add(inner, recurrentBias!);
        }
        const [zr, hh] = tf.split(inner, [2 * units, units], 1) as [tf.Tensor2D, tf.Tensor2D];
        recurrentZR = zr;
        term = { resetAfter: true, recurrentH: hh };
      } else {
        if (bias !== null) projected = tf.add(projected, bias);
        const [gatesKernel, candidateKernel] = tf.split(recurrentKernel, [2 * units, units], 1);
        recurrentZR = tf.matMul(hMasked, gatesKernel!);
        term = { resetAfter: false, product: (resetState) => tf.matMul(resetState, candidateKernel!) };
      }
      const [inputZR, inputH] = tf.split(projected, [2 * units, units], 1) as [tf.Tensor2D, tf.Tensor2D];
      // Keras and tfjs mix with the (recurrent-dropout-masked) previous state.
      const hNext = gruStep({ inputZR, inputH, recurrentZR, h: hMasked }, term, activationsOf(this)).h;
      return [hNext, hNext];
    });
  }

  runSequence(x: tf.Tensor3D, states: tf.Tensor2D[], options: SequenceRunOptions): SequenceRun | null {
    const activation = fusedName(this.activation);
    const recurrentActivation = fusedName(this.recurrentActivation);
    if (activation === undefined || recurrentActivation === undefined) return null;
    const result = gruSequence(
      x,
      states[0]!,
      {
        kernel: this.kernel.read() as tf.Tensor2D,
        recurrentKernel: this.recurrentKernel.read() as tf.Tensor2D,
        ...(this.bias != null ? { bias: this.bias.read() } : {}),
      },
      { resetAfter: this.resetAfter, activation, recurrentActivation, ...options },
    );
    return { outputs: result.outputs, states: [result.h] };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), resetAfter: this.resetAfter };
  }
}
tf.serialization.registerClass(GRUCell);
