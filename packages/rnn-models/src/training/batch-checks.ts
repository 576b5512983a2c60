import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { RnnModelsError } from '../errors.js';
import type { Batch } from './data-source.js';
import { getLoss, type LossFunction, type LossName } from './losses.js';

/**
 * What `train` checks in every batch of its default step, so that bad data fails with an error
 * naming the batch, position and value instead of training silently on garbage (tfjs' one-hot
 * of an out-of-range class is all zeros, a NaN id gathers row 0):
 *
 * - shapes, before anything runs: `xs` fits the model's inputs, `ys` its output as the loss
 *   reads it (built-in losses only), one batch size throughout;
 * - values, as one small reduction per checked tensor computed with the step and read back
 *   with its loss (no extra sync): Embedding ids are integers in [0, inputDim), other float
 *   inputs are finite, sparse targets are integers in [0, classes), binary targets are in
 *   [0, 1], other targets of a built-in loss are finite, mask weights are finite and ≥ 0.
 *
 * A custom `step` or loss function decides what its data mean; only structure is checked then.
 */
export interface BatchRules {
  /** One rule per model input (`null`: no value check, e.g. int32 features). */
  readonly inputs: readonly (ValueRule | null)[];
  /** Model input shapes, batch dimension first (`null` = any). */
  readonly inputShapes: readonly (readonly (number | null)[])[];
  /** Target rule and the target shapes the loss accepts; `null` for a custom loss function. */
  readonly targets: {
    readonly rule: ValueRule;
    readonly shapes: readonly (readonly (number | null)[])[];
    /** The model's output shape, for messages. */
    readonly output: readonly (number | null)[];
  } | null;
  readonly mask: ValueRule;
  /** The model's output shape; `ys` lacking only its trailing unit axis gets it (see `needsUnitAxis`). */
  readonly output: readonly (number | null)[];
}

/** A rule on every element of a tensor: a count of offending elements, and the test that finds one. */
export interface ValueRule {
  /** What a valid element is, for messages: `'an integer class id in [0, 3)'`. */
  readonly describe: string;
  /** Why the rule holds, and how to fix the data. */
  readonly fix: string;
  isBad(value: number): boolean;
  /** The number of offending elements as a float32 scalar. Runs inside a tidy. */
  countBad(tensor: tf.Tensor): tf.Scalar;
}

/** The largest finite float32. */
const MAX_FLOAT32 = 3.4028234663852886e38;

function countOf(bad: tf.Tensor): tf.Scalar {
  return tf.sum(tf.cast(bad, 'float32'));
}

/** Integers in `[0, end)` (`end` may be Infinity). NaN fails every comparison, so it counts as bad. */
function integerRange(end: number, describe: string, fix: string): ValueRule {
  return {
    describe,
    fix,
    isBad: (v) => !(Number.isInteger(v) && v >= 0 && v < end),
    countBad: (t) => {
      const x = tf.cast(t, 'float32');
      let ok = tf.greaterEqual(x, 0);
      if (Number.isFinite(end)) ok = tf.logicalAnd(ok, tf.less(x, end));
      if (t.dtype !== 'int32') ok = tf.logicalAnd(ok, tf.equal(x, tf.floor(x)));
      return countOf(tf.logicalNot(ok));
    },
  };
}

function closedRange(min: number, max: number, describe: string, fix: string): ValueRule {
  return {
    describe,
    fix,
    isBad: (v) => !(v >= min && v <= max),
    countBad: (t) => {
      const x = tf.cast(t, 'float32');
      return countOf(tf.logicalNot(tf.logicalAnd(tf.greaterEqual(x, min), tf.lessEqual(x, max))));
    },
  };
}

function finite(describe: string, fix: string): ValueRule {
  return closedRange(-MAX_FLOAT32, MAX_FLOAT32, describe, fix);
}

const MASK_RULE = closedRange(
  0,
  MAX_FLOAT32,
  'a finite weight ≥ 0',
  'A mask weighs loss values: 1 on real steps, 0 on padding.',
);

/** Built-in losses whose targets are probabilities or classes, by identity of the loss function. */
function targetRule(loss: LossFunction, classes: number | null): ValueRule {
  if (loss === getLoss('sparseCategoricalCrossentropy')) {
    return integerRange(
      classes ?? Number.POSITIVE_INFINITY,
      `an integer class id in [0, ${classes ?? '∞'})`,
      `sparseCategoricalCrossentropy reads targets as class ids${classes === null ? '' : ` of the model's ${classes} output units`}: ` +
        'fix the labels, or give the output layer as many units as there are classes.',
    );
  }
  if (loss === getLoss('binaryCrossentropy')) {
    return closedRange(
      0,
      1,
      'a probability in [0, 1]',
      'binaryCrossentropy targets are 0/1 labels or probabilities.',
    );
  }
  return finite('a finite number', 'Remove or impute NaN/Infinity targets before training.');
}

const TARGET_SHAPE_LOSSES: readonly LossName[] = [
  'meanSquaredError',
  'meanAbsoluteError',
  'meanAbsolutePercentageError',
  'meanSquaredLogarithmicError',
  'squaredHinge',
  'hinge',
  'categoricalHinge',
  'logcosh',
  'categoricalCrossentropy',
  'binaryCrossentropy',
  'kullbackLeiblerDivergence',
  'poisson',
  'cosineProximity',
];

/**
 * The checks `train` runs on each batch of `model` with `loss`; `null` with a custom step (its
 * batches may be anything).
 */
export function batchRules(
  model: LayersModel,
  loss: LossFunction | undefined,
  customStep: boolean,
): BatchRules | null {
  if (customStep) return null;
  const inputs = model.inputs.map((input) => {
    for (const layer of model.layers) {
      if (layer.getClassName() !== 'Embedding') continue;
      const reads = layer.inboundNodes.some((node) => node.inputTensors[0] === input);
      if (!reads) continue;
      const inputDim = (layer as unknown as { inputDim: number }).inputDim;
      return integerRange(
        inputDim,
        `an integer id in [0, ${inputDim})`,
        `The model's Embedding layer ${layer.name} has inputDim ${inputDim}: map unknown tokens to an id below it (an OOV id), or build the Embedding with a larger inputDim.`,
      );
    }
    return input.dtype === 'float32'
      ? finite('a finite number', 'Remove or impute NaN/Infinity features before training.')
      : null;
  });
  const output = model.outputs[0]!.shape;
  let targets: BatchRules['targets'] = null;
  if (loss !== undefined) {
    const classes = output[output.length - 1] ?? null;
    const sparse = loss === getLoss('sparseCategoricalCrossentropy');
    const builtIn = sparse || TARGET_SHAPE_LOSSES.some((name) => getLoss(name) === loss);
    if (builtIn) {
      targets = {
        rule: targetRule(loss, classes),
        shapes: sparse ? [output.slice(0, -1), [...output.slice(0, -1), 1]] : [output],
        output,
      };
    }
  }
  return {
    inputs,
    inputShapes: model.inputs.map((input) => input.shape),
    targets,
    mask: MASK_RULE,
    output,
  };
}

/**
 * Whether targets of `shape` lack the trailing unit axis of the model's `output` shape
 * (`[batch]` against `[batch, 1]`, `[batch, time]` against `[batch, time, 1]`).
 */
export function needsUnitAxis(shape: readonly number[], output: readonly (number | null)[]): boolean {
  return (
    output.length >= 2 &&
    output[output.length - 1] === 1 &&
    shape.length === output.length - 1 &&
    shape.every((dim, i) => output[i] === null || output[i] === dim)
  );
}

function fits(shape: readonly number[], expected: readonly (number | null)[]): boolean {
  return shape.length === expected.length && expected.every((dim, i) => dim === null || dim === shape[i]);
}

function shapeText(shape: readonly (number | null)[]): string {
  return `[${shape.map((dim, i) => (dim === null ? (i === 0 ? 'batch' : '*') : dim)).join(', ')}]`;
}

/**
 * Checks a batch's shapes against the model before anything runs.
 * @throws RnnModelsError `RNN_MODELS_SHAPE_MISMATCH` naming the batch, the tensor, its shape and the one expected.
 */
export function checkBatchShapes(batch: Batch, rules: BatchRules, where: string): void {
  const xs = Array.isArray(batch.xs) ? (batch.xs as tf.Tensor[]) : [batch.xs as tf.Tensor];
  const fail = (message: string): never => {
    throw new RnnModelsError('RNN_MODELS_SHAPE_MISMATCH', `${where}: ${message}`);
  };
  if (xs.length !== rules.inputShapes.length) {
    fail(`xs holds ${xs.length} tensor(s) but the model has ${rules.inputShapes.length} input(s).`);
  }
  const size = xs[0]!.shape[0];
  xs.forEach((x, i) => {
    const expected = rules.inputShapes[i]!;
    const name = xs.length === 1 ? 'xs' : `xs[${i}]`;
    if (!fits(x.shape, expected)) {
      fail(
        `${name} has shape [${x.shape.join(', ')}] but the model's input is ${shapeText(expected)}. ` +
          'Reshape the batch (ids [batch, time], features [batch, time, features]) or rebuild the model for it.',
      );
    }
    if (x.shape[0] !== size)
      fail(`${name} has ${x.shape[0]} rows but xs[0] has ${size}: one batch size throughout.`);
  });
  if (batch.ys.shape[0] !== size) {
    fail(`ys has ${batch.ys.shape[0]} rows but xs has ${size}: every input row needs its target.`);
  }
  if (
    rules.targets !== null &&
    !rules.targets.shapes.some((shape) => fits(batch.ys.shape, shape)) &&
    !needsUnitAxis(batch.ys.shape, rules.output)
  ) {
    fail(
      `ys has shape [${batch.ys.shape.join(', ')}] but the loss expects ${rules.targets.shapes.map(shapeText).join(' or ')} ` +
        `for the model's output ${shapeText(rules.targets.output)}. ${targetShapeFix(batch.ys.shape, rules.targets)}`,
    );
  }
  if (batch.mask !== undefined && batch.mask.shape[0] !== size) {
    fail(`mask has ${batch.mask.shape[0]} rows but xs has ${size}.`);
  }
}

/** How to fix targets of the wrong shape: one-hot against sparse labels, or the general rule. */
function targetShapeFix(shape: readonly number[], targets: NonNullable<BatchRules['targets']>): string {
  const output = targets.output;
  const sparse = targets.shapes.length > 1;
  if (sparse && fits(shape, output)) {
    return (
      'These look like one-hot labels (one value per class): use loss ' +
      "'categoricalCrossentropy' for one-hot labels, or pass class ids (ys.argMax(-1))."
    );
  }
  const ids = [output.slice(0, -1), [...output.slice(0, -1), 1]];
  if (!sparse && (output[output.length - 1] ?? 1) > 1 && ids.some((ids) => fits(shape, ids))) {
    return (
      "These look like integer class ids: use loss 'sparseCategoricalCrossentropy' for integer " +
      'labels, or one-hot them (tf.oneHot(ys, classes)) for this loss.'
    );
  }
  return (
    'Give one target per output value (class ids for sparseCategoricalCrossentropy); a [batch] ' +
    'target for a [batch, 1] output is reshaped for you.'
  );
}

/** The tensors of a batch the rules check, each with its rule and name. */
function checkedTensors(
  batch: Batch,
  rules: BatchRules,
): { name: string; tensor: tf.Tensor; rule: ValueRule }[] {
  const xs = Array.isArray(batch.xs) ? (batch.xs as tf.Tensor[]) : [batch.xs as tf.Tensor];
  const list: { name: string; tensor: tf.Tensor; rule: ValueRule }[] = [];
  xs.forEach((tensor, i) => {
    const rule = rules.inputs[i];
    if (rule) list.push({ name: xs.length === 1 ? 'xs' : `xs[${i}]`, tensor, rule });
  });
  if (rules.targets !== null) list.push({ name: 'ys', tensor: batch.ys, rule: rules.targets.rule });
  if (batch.mask !== undefined) list.push({ name: 'mask', tensor: batch.mask, rule: rules.mask });
  return list;
}

/**
 * One float32 count of offending elements per checked tensor, `[checks]`; `null` when nothing
 * is checked. The caller owns the result and reads it with the step's other scalars.
 */
export function badValueCounts(batch: Batch, rules: BatchRules): tf.Tensor1D | null {
  const list = checkedTensors(batch, rules);
  if (list.length === 0) return null;
  return tf.tidy(() => tf.stack(list.map(({ tensor, rule }) => rule.countBad(tensor))) as tf.Tensor1D);
}

/**
 * The error for the first offending element, when `counts` (read from {@link badValueCounts})
 * shows one; `null` otherwise. Reads the offending tensor (failure path only).
 */
export function invalidInputError(
  batch: Batch,
  rules: BatchRules,
  counts: ArrayLike<number>,
  where: string,
): RnnModelsError | null {
  const list = checkedTensors(batch, rules);
  for (let i = 0; i < list.length; i++) {
    if (counts[i] === 0) continue;
    const { name, tensor, rule } = list[i]!;
    const values = tensor.dataSync();
    const flat = values.findIndex((v) => rule.isBad(v));
    if (flat < 0) continue;
    const position: number[] = [];
    let rest = flat;
    for (let axis = tensor.rank - 1; axis >= 0; axis--) {
      position.unshift(rest % tensor.shape[axis]!);
      rest = Math.floor(rest / tensor.shape[axis]!);
    }
    const bad = Math.round(counts[i]!);
    return new RnnModelsError(
      'RNN_MODELS_INVALID_INPUT',
      `${where}: ${name}[${position.join(', ')}] is ${values[flat]}, but each value must be ${rule.describe}` +
        `${bad > 1 ? ` (${bad} values of this batch are not)` : ''}. ${rule.fix} No update was applied for this batch.`,
    );
  }
  return null;
}
