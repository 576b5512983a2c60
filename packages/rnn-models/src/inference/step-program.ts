import * as tf from '@tensorflow/tfjs-core';
import type { LayerVariable, layers } from '@tensorflow/tfjs-layers';
import { RnnModelsError } from '../errors.js';
import type { ChainLink } from './model-chain.js';
import { isRecurrentLayer, type RecurrentStep, recurrentStep } from './recurrent-step.js';
import { isMatMulActivation, type LayerActivation, stepActivation } from './step-activations.js';

type Layer = layers.Layer;

/** A stateless per-step transform (`[batch, features]` in and out): Dense, normalization, activation, identity. */
export interface MapStage {
  readonly kind: 'map';
  readonly layerName: string;
  /** New tensor (or `x` itself for identity layers); call inside a `tf.tidy`. */
  apply(x: tf.Tensor2D): tf.Tensor2D;
}

/** A recurrent layer and the slot of its states in the step state. */
export interface RecurrentStage {
  readonly kind: 'recurrent';
  readonly slot: number;
  readonly cell: RecurrentStep;
}

export type Stage = MapStage | RecurrentStage;

/** A chain model compiled into per-step stages. Holds the layers' variables, never copies of them. */
export interface StepProgram {
  readonly embedding: {
    readonly layerName: string;
    readonly table: LayerVariable;
    /** Ids must lie in `[0, inputDim)`. */
    readonly inputDim: number;
    /** Id 0 is padding: its step leaves every recurrent state unchanged (tfjs' and Keras' masking). */
    readonly maskZero: boolean;
  };
  /** Everything between the Embedding and the output Dense, in order. */
  readonly stages: readonly Stage[];
  readonly recurrent: readonly RecurrentStep[];
  /** The output Dense: its pre-activation is the logits. */
  readonly logits: {
    readonly layerName: string;
    readonly kernel: LayerVariable;
    readonly bias: LayerVariable | null;
  };
  readonly vocabularySize: number;
}

/** Layers that are the identity at inference. */
const IDENTITY_CLASSES: ReadonlySet<string> = new Set([
  'Dropout',
  'SpatialDropout1D',
  'GaussianNoise',
  'GaussianDropout',
  'AlphaDropout',
]);

/** Output activations whose logits are the pre-activation, up to a per-row constant. */
const LOGIT_ACTIVATIONS: ReadonlySet<string> = new Set(['linear', 'softmax', 'logSoftmax']);

const SUPPORTED =
  'Supported layers: Embedding first; then rnnkit or tfjs-layers LSTM, GRU, SimpleRNN, PeepholeLSTM; ' +
  'Dropout (and the noise layers), BatchNormalization, LayerNormalization, Dense, Activation, ' +
  'TimeDistributed around those; a Dense with the vocabulary size last.';

/** Private fields of tfjs-layers classes we read. */
interface EmbeddingFields {
  readonly inputDim: number;
  readonly maskZero?: boolean;
  readonly embeddings?: LayerVariable | null;
}
interface DenseFields {
  readonly units: number;
  readonly activation: LayerActivation;
  readonly kernel?: LayerVariable | null;
  readonly bias?: LayerVariable | null;
}
interface BatchNormalizationFields {
  readonly axis: number;
  readonly epsilon: number;
  readonly gamma?: LayerVariable | null;
  readonly beta?: LayerVariable | null;
  readonly movingMean?: LayerVariable | null;
  readonly movingVariance?: LayerVariable | null;
}
interface LayerNormalizationFields {
  readonly axis: number | number[];
  readonly epsilon: number;
  readonly gamma?: LayerVariable | null;
  readonly beta?: LayerVariable | null;
}

function unsupported(where: string, layer: Layer, why: string): RnnModelsError {
  return new RnnModelsError(
    'RNN_MODELS_UNSUPPORTED_MODEL',
    `${where}: layer '${layer.name}' (${layer.getClassName()}) ${why}`,
  );
}

/** The layer inside a `TimeDistributed` (which applies it to every step alike), else the layer itself. */
function unwrap(layer: Layer): Layer {
  return layer.getClassName() === 'TimeDistributed' ? (layer as unknown as { layer: Layer }).layer : layer;
}

function isDense(layer: Layer): boolean {
  return unwrap(layer).getClassName() === 'Dense';
}

/**
 * Compiles the layers of a chain model (see `modelChain`) into per-step stages.
 *
 * @throws RnnModelsError `RNN_MODELS_UNSUPPORTED_MODEL` naming the first layer that cannot be stepped and why.
 */
export function compileStepProgram(links: readonly ChainLink[], where: string): StepProgram {
  const first = links[0];
  if (first === undefined || first.layer.getClassName() !== 'Embedding') {
    const got = first === undefined ? 'no layers' : `'${first.layer.name}' (${first.layer.getClassName()})`;
    throw new RnnModelsError(
      'RNN_MODELS_UNSUPPORTED_MODEL',
      `${where}: the model's first layer must be an Embedding (it steps token ids), received ${got}. ${SUPPORTED}`,
    );
  }
  const embedding = first.layer as unknown as EmbeddingFields;
  if (embedding.embeddings == null) {
    throw unsupported(where, first.layer, 'has no weights yet; build the model first.');
  }
  let outputIndex = -1;
  for (let index = links.length - 1; index > 0; index--) {
    if (isDense(links[index]!.layer)) {
      outputIndex = index;
      break;
    }
  }
  if (outputIndex < 0) {
    throw new RnnModelsError(
      'RNN_MODELS_UNSUPPORTED_MODEL',
      `${where}: the model has no Dense output layer; the last layers must be Dense(vocabularySize) ` +
        `(optionally followed by Activation or Dropout). ${SUPPORTED}`,
    );
  }
  const outputLayer = links[outputIndex]!.layer;
  const output = unwrap(outputLayer) as unknown as DenseFields;
  checkOutputActivations(where, outputLayer, output, links.slice(outputIndex + 1));
  if (output.kernel == null)
    throw unsupported(where, outputLayer, 'has no weights yet; build the model first.');

  const stages: Stage[] = [];
  const recurrent: RecurrentStep[] = [];
  let manyToOne: RecurrentStep | null = null;
  for (const link of links.slice(1, outputIndex)) {
    const { layer } = link;
    if (manyToOne !== null && isRecurrentLayer(unwrap(layer))) {
      throw unsupported(
        where,
        layer,
        `follows '${manyToOne.layerName}', which returns only its last output.`,
      );
    }
    if (link.outputIndex !== 0) {
      throw unsupported(
        where,
        layer,
        `feeds its output ${link.outputIndex} (a state) forward; only the main output can be stepped.`,
      );
    }
    if (isRecurrentLayer(layer)) {
      const cell = recurrentStep(layer, where);
      stages.push({ kind: 'recurrent', slot: recurrent.length, cell });
      recurrent.push(cell);
      if (!cell.returnSequences) manyToOne = cell;
      continue;
    }
    stages.push(mapStage(link, where));
  }
  return {
    embedding: {
      layerName: first.layer.name,
      table: embedding.embeddings,
      inputDim: embedding.inputDim,
      maskZero: embedding.maskZero === true,
    },
    stages,
    recurrent,
    logits: { layerName: outputLayer.name, kernel: output.kernel, bias: output.bias ?? null },
    vocabularySize: output.units,
  };
}

/** The output Dense's activation and any Activation layers after it must leave the logits recoverable. */
function checkOutputActivations(
  where: string,
  outputLayer: Layer,
  output: DenseFields,
  after: readonly ChainLink[],
): void {
  const activations: string[] = [output.activation.getClassName()];
  for (const { layer } of after) {
    const inner = unwrap(layer);
    const name = inner.getClassName();
    if (IDENTITY_CLASSES.has(name)) continue;
    if (name === 'Activation') {
      activations.push((inner as unknown as { activation: LayerActivation }).activation.getClassName());
      continue;
    }
    throw unsupported(
      where,
      layer,
      `follows the output Dense '${outputLayer.name}'; only Activation and Dropout layers may come after it.`,
    );
  }
  const nonLinear = activations.filter((name) => name !== 'linear');
  if (nonLinear.some((name) => !LOGIT_ACTIVATIONS.has(name)) || nonLinear.length > 1) {
    throw unsupported(
      where,
      outputLayer,
      `is the output layer, but its scores go through ${activations.join(' then ')}; logits can be read ` +
        "only before a single softmax or logSoftmax (or from a linear output). Use activation 'softmax' or 'linear'.",
    );
  }
}

function mapStage(link: ChainLink, where: string): MapStage {
  const { layer } = link;
  const inner = unwrap(layer);
  const name = inner.getClassName();
  const layerName = layer.name;
  const lastAxis = link.inputShape.length - 1;
  if (IDENTITY_CLASSES.has(name) || (name === 'Flatten' && link.inputShape.length === 2)) {
    return { kind: 'map', layerName, apply: (x) => x };
  }
  switch (name) {
    case 'Dense': {
      const dense = inner as unknown as DenseFields;
      const kernel = dense.kernel;
      if (kernel == null) throw unsupported(where, layer, 'has no weights yet; build the model first.');
      const bias = dense.bias ?? null;
      const activationName = dense.activation.getClassName();
      if (isMatMulActivation(dense.activation)) {
        const activation = activationName as tf.fused.Activation;
        return {
          kind: 'map',
          layerName,
          apply: (x) =>
            tf.fused.matMul({
              a: x,
              b: kernel.read() as tf.Tensor2D,
              ...(bias === null ? {} : { bias: bias.read() }),
              activation,
            }) as tf.Tensor2D,
        };
      }
      const activation = stepActivation(dense.activation);
      return {
        kind: 'map',
        layerName,
        apply: (x) =>
          activation(
            tf.fused.matMul({
              a: x,
              b: kernel.read() as tf.Tensor2D,
              ...(bias === null ? {} : { bias: bias.read() }),
            }),
          ) as tf.Tensor2D,
      };
    }
    case 'Activation': {
      const activation = stepActivation((inner as unknown as { activation: LayerActivation }).activation);
      return { kind: 'map', layerName, apply: (x) => activation(x) as tf.Tensor2D };
    }
    case 'BatchNormalization': {
      const bn = inner as unknown as BatchNormalizationFields;
      if (bn.axis !== -1 && bn.axis !== lastAxis) {
        throw unsupported(
          where,
          layer,
          `normalizes axis ${bn.axis}; only the feature axis (-1) can be stepped.`,
        );
      }
      const { movingMean, movingVariance, epsilon } = bn;
      if (movingMean == null || movingVariance == null) {
        throw unsupported(where, layer, 'has no weights yet; build the model first.');
      }
      const gamma = bn.gamma ?? null;
      const beta = bn.beta ?? null;
      // Inference: (x − movingMean) / √(movingVariance + ε) · γ + β, as tfjs-layers computes it.
      return {
        kind: 'map',
        layerName,
        apply: (x) =>
          tf.batchNorm(
            x,
            movingMean.read() as tf.Tensor1D,
            movingVariance.read() as tf.Tensor1D,
            beta?.read() as tf.Tensor1D | undefined,
            gamma?.read() as tf.Tensor1D | undefined,
            epsilon,
          ),
      };
    }
    case 'LayerNormalization': {
      const ln = inner as unknown as LayerNormalizationFields;
      const axes = Array.isArray(ln.axis) ? ln.axis : [ln.axis];
      if (axes.length !== 1 || (axes[0] !== -1 && axes[0] !== lastAxis)) {
        throw unsupported(
          where,
          layer,
          `normalizes axes [${axes.join(', ')}]; only the feature axis (-1) can be stepped.`,
        );
      }
      const gamma = ln.gamma ?? null;
      const beta = ln.beta ?? null;
      const { epsilon } = ln;
      return {
        kind: 'map',
        layerName,
        apply: (x) => {
          const { mean, variance } = tf.moments(x, -1, true);
          let y: tf.Tensor = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon)));
          if (gamma !== null) y = tf.mul(y, gamma.read());
          if (beta !== null) y = tf.add(y, beta.read());
          return y as tf.Tensor2D;
        },
      };
    }
    case 'Bidirectional':
      throw unsupported(
        where,
        layer,
        'is bidirectional: its backward direction reads the sequence from its end, which does not exist ' +
          'yet while generating, so it cannot be run one token at a time. Generate with a unidirectional model.',
      );
    case 'Masking':
      throw unsupported(
        where,
        layer,
        "masks steps by their embedded values, which a step model cannot see coming; use Embedding's maskZero instead.",
      );
    case 'Embedding':
      throw unsupported(where, layer, 'is a second Embedding; only the first layer may be one.');
    default:
      if (inner !== layer) {
        throw unsupported(where, layer, `wraps ${name}, which cannot be stepped. ${SUPPORTED}`);
      }
      throw unsupported(where, layer, `cannot be stepped. ${SUPPORTED}`);
  }
}
