import * as tf from '@tensorflow/tfjs-core';
import {
  type GRULayerArgs,
  type LSTMLayerArgs,
  layers,
  type SimpleRNNLayerArgs,
} from '@tensorflow/tfjs-layers';
import { RnnModelsError } from '../errors.js';
import { checkRecurrentArgs } from './layer-args.js';
import {
  type CallKwargs,
  type FusedCell,
  GRUCell,
  type GRUCellArgs,
  LSTMCell,
  type LSTMCellArgs,
  PeepholeLSTMCell,
  SimpleRNNCell,
  type StepDropoutMasks,
} from './recurrent-cells.js';
import type { SeededDropoutLayer } from './seeded-dropout.js';

/** Options every fused recurrent layer adds to tfjs-layers' own. */
export interface FusedRecurrentArgs {
  /**
   * Seed of the dropout masks; each call draws from the next seed, so training is repeatable.
   * @default undefined (unseeded, like tfjs' `Dropout`)
   */
  seed?: number;
}

type FusedLayerArgs = SimpleRNNLayerArgs & FusedRecurrentArgs;
type Cell = layers.RNNCell & FusedCell & { dropout: number; recurrentDropout: number };

/**
 * A tfjs-layers `RNN` whose `call` runs the whole sequence through a fused kernel (one input
 * GEMM, one recurrent GEMM per step, hand-written BPTT) instead of tfjs' per-step loop. Masking,
 * `goBackwards`, `stateful`, initial states, dropout and `Bidirectional` keep tfjs-layers' (and
 * Keras') semantics. Activations the fused kernels cannot differentiate by hand fall back to
 * the per-step path with the same cell.
 */
abstract class FusedRecurrentLayer extends layers.RNN implements SeededDropoutLayer {
  private seedValue: number | undefined;
  /** Masks drawn since the seed was last set; each call's mask uses `seed + draws`. */
  private dropoutDraws = 0;

  /** Seed of the dropout masks; setting it (as `train({ seed })` does per step) restarts the count. */
  get seed(): number | undefined {
    return this.seedValue;
  }

  set seed(value: number | null | undefined) {
    this.seedValue = value ?? undefined;
    this.dropoutDraws = 0;
  }

  protected constructor(args: FusedLayerArgs & { cell: Cell }) {
    super(args);
    this.seed = args.seed;
  }

  /**
   * tfjs-layers frees only the weights when the last model using a layer is disposed; a stateful
   * layer also holds its state tensors (and those kept for BPTT since the last `resetStates()`),
   * which would otherwise stay allocated for the life of the process.
   */
  protected override disposeWeights(): number {
    const disposed = super.disposeWeights();
    if (this.stateful) {
      tf.dispose([...(this.states_ ?? []), ...(this.keptStates ?? []).flat()]);
      this.states_ = [];
      this.keptStates = [];
    }
    return disposed;
  }

  /** Checks concrete initial states before tfjs' own check, whose message does not say which state is wrong. */
  override apply(
    inputs: Parameters<layers.RNN['apply']>[0],
    kwargs?: CallKwargs,
  ): ReturnType<layers.RNN['apply']> {
    const first = Array.isArray(inputs) ? inputs[0] : inputs;
    const shape = (first as { shape?: unknown } | undefined)?.shape;
    if (Array.isArray(shape) && shape.length !== 3) {
      throw new RnnModelsError(
        'RNN_MODELS_SHAPE_MISMATCH',
        `${this.name} expects inputs [batch, time, features], received shape [${shape.join(', ')}]. ` +
          'Add a time axis (tf.expandDims) or a feature axis, or put an Embedding layer before it for ids.',
      );
    }
    const given = kwargs?.initialState as unknown;
    if (Array.isArray(given) && given.every((state) => state instanceof tf.Tensor)) {
      this.checkStates(given as tf.Tensor[], null);
    }
    return super.apply(inputs, kwargs);
  }

  private get fusedCell(): Cell {
    return this.cell as Cell;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: CallKwargs): tf.Tensor | tf.Tensor[] {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      if (x.rank !== 3) {
        throw new RnnModelsError(
          'RNN_MODELS_SHAPE_MISMATCH',
          `${this.name} expects inputs [batch, time, features], received shape [${x.shape.join(', ')}].`,
        );
      }
      const rawMask = kwargs?.mask as tf.Tensor | tf.Tensor[] | undefined | null;
      const mask = Array.isArray(rawMask) ? rawMask[0] : rawMask;
      const training = kwargs?.training === true;
      const cell = this.fusedCell;
      const initialState = this.initialStatesFor(x, kwargs?.initialState as tf.Tensor[] | undefined);
      const masks = this.dropoutMasks(x, training);

      let sequence = x;
      let stepMask = mask == null ? undefined : (tf.cast(tf.cast(mask, 'bool'), 'float32') as tf.Tensor2D);
      if (this.goBackwards) {
        sequence = tf.reverse(sequence, 1);
        if (stepMask !== undefined) stepMask = tf.reverse(stepMask, 1);
      }
      if (masks.input !== null) sequence = tf.mul(sequence, tf.expandDims(masks.input, 1));
      const run = cell.runSequence(sequence, initialState as tf.Tensor2D[], {
        ...(stepMask !== undefined ? { mask: stepMask } : {}),
        ...(masks.recurrent !== null ? { recurrentMask: masks.recurrent } : {}),
      });
      if (run === null) return this.perStepCall(inputs, mask ?? null, training, initialState, masks);

      if (this.stateful) this.resetStates(run.states, training);
      const output = this.returnSequences ? run.outputs : run.states[0]!;
      return this.returnState ? [output, ...run.states] : output;
    });
  }

  /** tfjs' per-step loop over the same cell, for activations the fused kernels do not cover. */
  private perStepCall(
    inputs: tf.Tensor | tf.Tensor[],
    mask: tf.Tensor | null,
    training: boolean,
    initialState: tf.Tensor[],
    masks: StepDropoutMasks,
  ): tf.Tensor | tf.Tensor[] {
    const cell = this.fusedCell;
    cell.stepMasks = masks;
    try {
      return super.call(inputs, { mask, training, initialState });
    } finally {
      cell.stepMasks = null;
    }
  }

  private initialStatesFor(x: tf.Tensor3D, given: tf.Tensor[] | undefined): tf.Tensor[] {
    const cell = this.fusedCell;
    const batch = x.shape[0];
    const states =
      given ??
      (this.stateful
        ? this.states_
        : Array.from({ length: cell.stateCount }, () => tf.zeros([batch, cell.units])));
    this.checkStates(states, batch);
    return states;
  }

  private checkStates(states: tf.Tensor[], batch: number | null): void {
    const cell = this.fusedCell;
    if (states.length !== cell.stateCount) {
      throw new RnnModelsError(
        'RNN_MODELS_SHAPE_MISMATCH',
        `${this.name} has ${cell.stateCount} state(s) but received ${states.length} initial state(s).`,
      );
    }
    for (const [index, state] of states.entries()) {
      if (state.rank !== 2 || (batch !== null && state.shape[0] !== batch) || state.shape[1] !== cell.units) {
        throw new RnnModelsError(
          'RNN_MODELS_SHAPE_MISMATCH',
          `${this.name} initial state ${index} must be [${batch ?? 'batch'}, ${cell.units}], received [${state.shape.join(', ')}].`,
        );
      }
    }
  }

  /** One mask per call, shared by all time steps; only while training. */
  private dropoutMasks(x: tf.Tensor3D, training: boolean): StepDropoutMasks {
    const cell = this.fusedCell;
    const draw = (rate: number, shape: [number, number]) => {
      if (!training || !(rate > 0 && rate < 1)) return null;
      const seed = this.seed === undefined ? undefined : this.seed + this.dropoutDraws++;
      return tf.dropout(tf.ones(shape), rate, undefined, seed) as tf.Tensor2D;
    };
    return {
      input: draw(cell.dropout, [x.shape[0], x.shape[2]]),
      recurrent: draw(cell.recurrentDropout, [x.shape[0], cell.units]),
    };
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config = super.getConfig();
    if (this.seed !== undefined) config.seed = this.seed;
    return config;
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config);
  }
}

/** Options of {@link SimpleRNN}: tfjs-layers' `SimpleRNNLayerArgs` with Keras' defaults, plus a dropout seed. */
export type SimpleRNNArgs = SimpleRNNLayerArgs & FusedRecurrentArgs;

/** Keras `SimpleRNN` with a fused sequence kernel. Weights: kernel, recurrent_kernel, bias. */
export class SimpleRNN extends FusedRecurrentLayer {
  static override className = 'RnnkitSimpleRNN';
  constructor(args: SimpleRNNArgs) {
    super({
      ...checkRecurrentArgs('SimpleRNN', args, 'simpleRNN'),
      cell: new SimpleRNNCell(args) as unknown as Cell,
    });
  }
}
tf.serialization.registerClass(SimpleRNN);

/** Options of {@link LSTM}: tfjs-layers' `LSTMLayerArgs` with Keras' defaults, plus a dropout seed. */
export type LSTMArgs = LSTMLayerArgs & LSTMCellArgs & FusedRecurrentArgs;

/** Keras `LSTM` (sigmoid gates, unit forget bias) with a fused sequence kernel. */
export class LSTM extends FusedRecurrentLayer {
  static override className = 'RnnkitLSTM';
  constructor(args: LSTMArgs) {
    super({ ...checkRecurrentArgs('LSTM', args, 'lstm'), cell: new LSTMCell(args) as unknown as Cell });
  }
}
tf.serialization.registerClass(LSTM);

/** Keras' peephole LSTM (`tf.keras.experimental.PeepholeLSTMCell` in an `RNN`) with a fused sequence kernel. */
export class PeepholeLSTM extends FusedRecurrentLayer {
  static override className = 'RnnkitPeepholeLSTM';
  constructor(args: LSTMArgs) {
    super({
      ...checkRecurrentArgs('PeepholeLSTM', args, 'lstm'),
      cell: new PeepholeLSTMCell(args) as unknown as Cell,
    });
  }
}
tf.serialization.registerClass(PeepholeLSTM);

/** Options of {@link GRU}: tfjs-layers' `GRULayerArgs` with Keras' defaults (`resetAfter: true`), plus a dropout seed. */
export type GRUArgs = GRULayerArgs & GRUCellArgs & FusedRecurrentArgs;

/** Keras `GRU` (both reset modes, reset-after by default) with a fused sequence kernel. */
export class GRU extends FusedRecurrentLayer {
  static override className = 'RnnkitGRU';
  constructor(args: GRUArgs) {
    super({ ...checkRecurrentArgs('GRU', args, 'gru'), cell: new GRUCell(args) as unknown as Cell });
  }
}
tf.serialization.registerClass(GRU);

/**
 * A fused `SimpleRNN` layer; a drop-in for `tf.layers.simpleRNN` with Keras' defaults.
 * @example
 * const layer = simpleRNN({ units: 32, returnSequences: true });
 */
export function simpleRNN(args: SimpleRNNArgs): SimpleRNN {
  return new SimpleRNN(checkRecurrentArgs('simpleRNN', args, 'simpleRNN'));
}

/**
 * A fused `LSTM` layer; a drop-in for `tf.layers.lstm` with Keras' defaults
 * (`recurrentActivation: 'sigmoid'`, `unitForgetBias: true`, glorotUniform kernels).
 * @example
 * const model = tf.sequential({ layers: [
 *   tf.layers.embedding({ inputDim: 90, outputDim: 64 }),
 *   lstm({ units: 256, returnSequences: true }),
 *   tf.layers.dense({ units: 90, activation: 'softmax' }),
 * ] });
 */
export function lstm(args: LSTMArgs): LSTM {
  return new LSTM(checkRecurrentArgs('lstm', args, 'lstm'));
}

/** A fused peephole LSTM layer (Keras' `PeepholeLSTMCell` semantics and weight names). */
export function peepholeLSTM(args: LSTMArgs): PeepholeLSTM {
  return new PeepholeLSTM(checkRecurrentArgs('peepholeLSTM', args, 'lstm'));
}

/**
 * A fused `GRU` layer; a drop-in for `tf.layers.gru` with Keras' defaults
 * (`resetAfter: true`, `recurrentActivation: 'sigmoid'`).
 * @example
 * const layer = gru({ units: 100, returnSequences: true });
 */
export function gru(args: GRUArgs): GRU {
  return new GRU(checkRecurrentArgs('gru', args, 'gru'));
}
