import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { orthogonal } from '../layers/orthogonal-initializer.js';
import { gru, lstm, simpleRNN } from '../layers/recurrent-layers.js';
import { checkRecurrentSize, checkTensorSize } from '../layers/size-limits.js';
import type {
  ActivationName,
  ResolvedEmbeddingOptions,
  ResolvedHeadOptions,
  ResolvedRecurrentStackOptions,
} from './shared-options.js';

type Layer = tfl.layers.Layer;
type Shape = (number | null)[];

/** Input shape arguments of a model's first layer (tfjs' `inputShape` / `batchInputShape`). */
export type FirstLayerInput = { inputShape: Shape } | { batchInputShape: Shape };

/** The first layer's input arguments: `[batch, …shape]` when the batch size is fixed, else `shape`. */
export function firstLayerInput(shape: Shape, batchSize: number | null): FirstLayerInput {
  return batchSize === null ? { inputShape: shape } : { batchInputShape: [batchSize, ...shape] };
}

/** The sizes a template's layers will have, for {@link checkTemplateSizes}. */
export interface TemplateSizes {
  readonly embedding?: { readonly vocabularySize: number; readonly embeddingDim: number };
  /** Features the first recurrent layer reads. */
  readonly inputs: number;
  readonly stack: ResolvedRecurrentStackOptions;
  readonly bidirectional: boolean;
  readonly hiddenUnits: readonly number[];
  /** Units of the output Dense layer. */
  readonly outputUnits: number;
}

const GATES = { lstm: 4, gru: 3, simple: 1 } as const;

/**
 * Checks every weight a template would build against the one-tensor limit (`MAX_TENSOR_BYTES`,
 * 2^31 bytes) before any layer exists, so an oversized option fails at once, allocates nothing
 * and names the size asked for.
 * @throws RnnModelsError `RNN_MODELS_TOO_LARGE`.
 */
export function checkTemplateSizes(where: string, sizes: TemplateSizes): void {
  const { embedding } = sizes;
  if (embedding !== undefined) {
    checkTensorSize(
      where,
      'Embedding matrix [vocabularySize, embeddingDim]',
      [embedding.vocabularySize, embedding.embeddingDim],
      'Use a smaller vocabularySize (e.g. keep the most frequent words) or embeddingDim.',
    );
  }
  let width = sizes.inputs;
  for (const units of sizes.stack.units) {
    checkRecurrentSize(where, width, units, GATES[sizes.stack.cell]);
    width = units * (sizes.bidirectional ? 2 : 1);
  }
  for (const units of [...sizes.hiddenUnits, sizes.outputUnits]) {
    checkTensorSize(where, 'Dense kernel [inputs, units]', [width, units], 'Use fewer units in the head.');
    width = units;
  }
}

const layerCounts = new Map<string, number>();

/**
 * Keras-style layer names — `lstm`, `lstm_1`, `batch_normalization_2` — unique in the process, so
 * `summary()` reads like the Keras notebooks' (tfjs' defaults are `rnnkit_lstm_RnnkitLSTM1`).
 */
export function layerName(kind: string): string {
  const count = layerCounts.get(kind) ?? 0;
  layerCounts.set(kind, count + 1);
  return count === 0 ? kind : `${kind}_${count}`;
}

/** Hands out `seed, seed + 1, …` in construction order, or `undefined` for unseeded models. */
export class SeedSequence {
  private offset = 0;
  constructor(private readonly seed: number | null) {}

  next(): number | undefined {
    return this.seed === null ? undefined : this.seed + this.offset++;
  }
}

/** Keras' Embedding (uniform ±0.05 initial weights), seeded when the model is. */
export function embeddingLayer(
  options: ResolvedEmbeddingOptions,
  seeds: SeedSequence,
  input: FirstLayerInput,
): Layer {
  const seed = seeds.next();
  return tfl.layers.embedding({
    inputDim: options.vocabularySize,
    outputDim: options.embeddingDim,
    maskZero: options.maskZero,
    name: layerName('embedding'),
    ...(seed === undefined ? {} : { embeddingsInitializer: tfl.initializers.randomUniform({ seed }) }),
    ...input,
  });
}

const RECURRENT_NAMES = { lstm: 'lstm', gru: 'gru', simple: 'simple_rnn' } as const;

/** Per-layer settings of {@link recurrentLayers}. */
export interface RecurrentLayersArgs {
  /** Whether the top layer returns sequences (lower ones always do). */
  readonly returnSequences: boolean;
  readonly bidirectional: boolean;
  readonly stateful: boolean;
  /** Input arguments when the stack starts the model. */
  readonly input?: FirstLayerInput;
}

/**
 * The recurrent stack, with the BatchNormalization/Dropout layers `head` asks for after each
 * recurrent layer. Every recurrent layer is one of rnnkit's fused layers, in `Bidirectional`
 * (concat) when asked.
 */
export function recurrentLayers(
  stack: ResolvedRecurrentStackOptions,
  head: ResolvedHeadOptions,
  seeds: SeedSequence,
  args: RecurrentLayersArgs,
): Layer[] {
  const result: Layer[] = [];
  stack.units.forEach((units, index) => {
    const top = index === stack.units.length - 1;
    const input = index === 0 ? args.input : undefined;
    const kernelSeed = seeds.next();
    const recurrentSeed = seeds.next();
    const dropoutSeed = seeds.next();
    const layerArgs = {
      units,
      name: layerName(RECURRENT_NAMES[stack.cell]),
      activation: stack.activation,
      dropout: stack.dropout,
      recurrentDropout: stack.recurrentDropout,
      returnSequences: top ? args.returnSequences : true,
      stateful: args.stateful,
      ...(kernelSeed === undefined
        ? {}
        : {
            kernelInitializer: tfl.initializers.glorotUniform({ seed: kernelSeed }),
            recurrentInitializer: orthogonal({ seed: recurrentSeed }),
            seed: dropoutSeed,
          }),
      ...(args.bidirectional || input === undefined ? {} : input),
    };
    const layer =
      stack.cell === 'lstm'
        ? lstm(layerArgs)
        : stack.cell === 'gru'
          ? gru({ ...layerArgs, resetAfter: stack.resetAfter })
          : simpleRNN(layerArgs);
    result.push(
      args.bidirectional
        ? tfl.layers.bidirectional({
            layer: layer as unknown as tfl.RNN,
            mergeMode: 'concat',
            name: layerName('bidirectional'),
            ...(input ?? {}),
          })
        : layer,
    );
    result.push(...normalizationAndDropout(head));
  });
  return result;
}

/** The hidden Dense layers of the head, each followed by the BatchNormalization/Dropout `head` asks for. */
export function hiddenDenseLayers(head: ResolvedHeadOptions, seeds: SeedSequence): Layer[] {
  return head.hiddenUnits.flatMap((units) => [
    denseLayer(units, head.hiddenActivation, seeds),
    ...normalizationAndDropout(head),
  ]);
}

/** A Dense layer with a seeded Glorot-uniform kernel when the model is seeded. */
export function denseLayer(units: number, activation: ActivationName, seeds: SeedSequence): Layer {
  const seed = seeds.next();
  return tfl.layers.dense({
    units,
    activation,
    name: layerName('dense'),
    ...(seed === undefined ? {} : { kernelInitializer: tfl.initializers.glorotUniform({ seed }) }),
  });
}

function normalizationAndDropout(head: ResolvedHeadOptions): Layer[] {
  const layers: Layer[] = [];
  if (head.batchNorm) layers.push(tfl.layers.batchNormalization({ name: layerName('batch_normalization') }));
  if (head.layerDropout > 0) {
    layers.push(tfl.layers.dropout({ rate: head.layerDropout, name: layerName('dropout') }));
  }
  return layers;
}

/**
 * tfjs' `Bidirectional` builds its backward layer from the forward layer's config, seeded
 * initializers included, so a seeded model would start with identical directions. This redraws
 * the backward kernels of every `Bidirectional` layer of a built model with their own seeds.
 */
export function reseedBackwardLayers(model: tfl.LayersModel, seeds: SeedSequence): void {
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'Bidirectional') continue;
    const backward = (layer as unknown as { backwardLayer: Layer }).backwardLayer;
    tf.tidy(() => {
      for (const weight of backward.weights) {
        const name = weight.originalName;
        const seed = seeds.next();
        if (name.endsWith('/recurrent_kernel')) {
          weight.write(orthogonal({ seed }).apply(weight.shape));
        } else if (name.endsWith('/kernel')) {
          weight.write(tfl.initializers.glorotUniform({ seed }).apply(weight.shape));
        }
      }
    });
  }
}
