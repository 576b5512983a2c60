import * as tf from '@tensorflow/tfjs-core';
import type { SimpleRNNLayerArgs } from '@tensorflow/tfjs-layers';
import { validate } from '../errors.js';

/**
 * tfjs-layers' `LayerArgs`, plus what deserialization adds: `customObjects` (tfjs' loader puts it
 * into every config it passes to `fromConfig`) and `activityRegularizer` (every cell's `getConfig`
 * writes it).
 */
const LAYER_ARGS = [
  'name',
  'trainable',
  'inputShape',
  'batchInputShape',
  'batchSize',
  'dtype',
  'weights',
  'inputDType',
  'activityRegularizer',
  'customObjects',
] as const;

/** tfjs-layers' `BaseRNNLayerArgs` (without `cell`: the fused layers make their own) and `RNN.getConfig`'s `numConstants`. */
const RNN_ARGS = [
  'returnSequences',
  'returnState',
  'goBackwards',
  'stateful',
  'unroll',
  'inputDim',
  'inputLength',
  'numConstants',
] as const;

/** tfjs-layers' `SimpleRNNCellLayerArgs`, and the dropout seed the fused layers add. */
const SIMPLE_RNN_ARGS = [
  'units',
  'activation',
  'useBias',
  'kernelInitializer',
  'recurrentInitializer',
  'biasInitializer',
  'kernelRegularizer',
  'recurrentRegularizer',
  'biasRegularizer',
  'kernelConstraint',
  'recurrentConstraint',
  'biasConstraint',
  'dropout',
  'recurrentDropout',
  'dropoutFunc',
  'seed',
] as const;

/** Every name a fused layer or cell of each kind takes: what its `getConfig` writes is among them, so saved models load. */
const KNOWN_ARGS = {
  simpleRNN: [...SIMPLE_RNN_ARGS, ...RNN_ARGS, ...LAYER_ARGS],
  lstm: [
    ...SIMPLE_RNN_ARGS,
    'recurrentActivation',
    'unitForgetBias',
    'implementation',
    ...RNN_ARGS,
    ...LAYER_ARGS,
  ],
  gru: [
    ...SIMPLE_RNN_ARGS,
    'recurrentActivation',
    'resetAfter',
    'implementation',
    ...RNN_ARGS,
    ...LAYER_ARGS,
  ],
} as const;

/** Which argument list {@link checkRecurrentArgs} applies. */
export type RecurrentArgsKind = keyof typeof KNOWN_ARGS;

const BOOLEAN_ARGS = [
  'returnSequences',
  'returnState',
  'goBackwards',
  'stateful',
  'unroll',
  'useBias',
  'unitForgetBias',
  'resetAfter',
  'trainable',
] as const;

/**
 * Checks the arguments of a fused recurrent layer or cell: names (a misspelt one fails naming the
 * closest), `units` (an integer ≥ 1), the dropout rates (in [0, 1)), the seed (an integer or
 * unset), the boolean flags and activation names. The rest (initializers, regularizers,
 * constraints) tfjs-layers resolves itself. Returns `args`.
 *
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION`.
 */
export function checkRecurrentArgs<T extends object>(where: string, args: T, kind: RecurrentArgsKind): T {
  if (args !== null && typeof args === 'object' && 'cell' in args) {
    validate.invalid(
      where,
      'cell',
      (args as { cell: unknown }).cell,
      'is not an option: the layer makes its own cell',
      'Wrap a custom cell in tf.layers.rnn({ cell }) instead.',
    );
  }
  const given = validate.options(where, args, KNOWN_ARGS[kind]) as Record<string, unknown>;
  validate.integer(where, 'units', given['units'], { min: 1 });
  for (const name of ['dropout', 'recurrentDropout'] as const) {
    if (given[name] != null)
      validate.number(where, name, given[name], { min: 0, max: 1, maxExclusive: true });
  }
  validate.seed(where, 'seed', given['seed']);
  for (const name of BOOLEAN_ARGS) {
    if (given[name] != null) validate.boolean(where, name, given[name]);
  }
  for (const name of ['activation', 'recurrentActivation'] as const) {
    const activation = given[name];
    if (typeof activation === 'string' && !isRegisteredClass(activation)) {
      validate.oneOf(where, name, activation, ACTIVATION_NAMES);
    }
  }
  return args;
}

/** A tfjs-layers activation name (tfjs' `ActivationIdentifier`). */
export type ActivationName = NonNullable<SimpleRNNLayerArgs['activation']>;

/** Every activation tfjs-layers 4.22 knows by name. */
export const ACTIVATION_NAMES: readonly ActivationName[] = Object.freeze([
  'elu',
  'hardSigmoid',
  'linear',
  'relu',
  'relu6',
  'selu',
  'sigmoid',
  'softmax',
  'softplus',
  'softsign',
  'tanh',
  'swish',
  'mish',
  'gelu',
  'gelu_new',
] satisfies ActivationName[]);

/** Whether tfjs' serialization registry knows `className` (its built-in activations and any the user registered). */
function isRegisteredClass(className: string): boolean {
  return Object.hasOwn(tf.serialization.SerializationMap.getMap().classNameMap, className);
}
