import { describeValue } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
import { Dataset } from '../dataset.js';
import { DatasetsError } from '../errors.js';
import { allocate, requireCells } from '../size-limit.js';
import { check, isArrayLike } from '../validate.js';

/** A number, a sequence of numbers, or a sequence of feature vectors. */
export type NumericValue = number | ArrayLike<number> | ArrayLike<ArrayLike<number>>;

/**
 * One training example. Flat typed arrays may carry their shape (`xsShape`/`ysShape`, e.g.
 * a time-series window's `[inputSteps, features]`); nested arrays carry it themselves.
 */
export interface Example {
  readonly xs: NumericValue;
  readonly ys: NumericValue;
  readonly xsShape?: readonly number[];
  readonly ysShape?: readonly number[];
}

/** A batch as tensors; the receiver owns (and disposes) all of them. */
export interface TensorBatch {
  /** `[batch, …]` inputs. */
  readonly xs: tf.Tensor;
  /** `[batch, …]` targets. */
  readonly ys: tf.Tensor;
  /** `[batch, time]` float32, 1 where `xs` holds data and 0 on padding; only with `mask: true`. */
  readonly mask?: tf.Tensor;
}

/** Options of {@link tensorBatch} and {@link toTensors}. */
export interface TensorBatchOptions {
  /**
   * Dtype of `xs`; token ids want `'int32'`.
   * @default 'float32'
   */
  readonly xsDtype?: 'float32' | 'int32';
  /**
   * Dtype of `ys`.
   * @default 'float32'
   */
  readonly ysDtype?: 'float32' | 'int32';
  /**
   * Pad sequences of different lengths at the end (Keras `padding='post'`) with `padValue`
   * (default 0), to `maxLength` or, without it, to the longest in the batch. A sequence longer
   * than `maxLength` is an error (truncate with `padSequences` first). Without `padding`,
   * ragged batches are an error.
   * @default undefined (no padding)
   */
  readonly padding?: TensorPaddingOptions;
  /**
   * Also return a `[batch, time]` mask of the real (unpadded) steps of `xs`. tfjs-layers'
   * `fitDataset` ignores and does not dispose it: use it with your own loop.
   * @default false
   */
  readonly mask?: boolean;
}

/** How {@link TensorBatchOptions.padding} pads. */
export interface TensorPaddingOptions {
  /**
   * Value written into padded steps.
   * @default 0
   */
  readonly padValue?: number;
  /**
   * Length every sequence is padded to (an integer ≥ 1); longer ones are an error.
   * @default undefined (the longest in the batch)
   */
  readonly maxLength?: number;
}

/** The documented defaults of {@link TensorBatchOptions}. */
export const DEFAULT_TENSOR_BATCH_OPTIONS: Readonly<{
  xsDtype: 'float32' | 'int32';
  ysDtype: 'float32' | 'int32';
  padding: TensorPaddingOptions | undefined;
  mask: boolean;
}> = Object.freeze({ xsDtype: 'float32', ysDtype: 'float32', padding: undefined, mask: false });

const DTYPES = ['float32', 'int32'] as const;

interface ResolvedPadding {
  readonly padValue: number;
  readonly maxLength: number | undefined;
}

interface ResolvedTensorBatchOptions {
  readonly xsDtype: 'float32' | 'int32';
  readonly ysDtype: 'float32' | 'int32';
  readonly padding: ResolvedPadding | undefined;
  readonly mask: boolean;
}

function resolveTensorBatchOptions(options: TensorBatchOptions, where: string): ResolvedTensorBatchOptions {
  const merged = check.withDefaults(where, options, DEFAULT_TENSOR_BATCH_OPTIONS);
  let padding: ResolvedPadding | undefined;
  if (merged.padding !== undefined) {
    const given = check.options(`${where} padding`, merged.padding, ['padValue', 'maxLength']);
    padding = {
      padValue: check.number(where, 'padding.padValue', given.padValue ?? 0),
      maxLength:
        given.maxLength === undefined
          ? undefined
          : check.integer(where, 'padding.maxLength', given.maxLength, { min: 1 }),
    };
  }
  return {
    xsDtype: check.oneOf(where, 'xsDtype', merged.xsDtype, DTYPES),
    ysDtype: check.oneOf(where, 'ysDtype', merged.ysDtype, DTYPES),
    padding,
    mask: check.boolean(where, 'mask', merged.mask),
  };
}

interface Flattened {
  readonly values: number[];
  /** Shape of one example, e.g. `[]`, `[time]` or `[time, features]`. */
  readonly shape: number[];
}

/**
 * Stacks a batch of examples into tensors (`tf.tensor`, so call it where a backend is set).
 * Examples must agree in shape, except sequence length when `padding` is given.
 *
 * @returns new tensors owned by the caller.
 * @throws DatasetsError `DATASETS_EMPTY_INPUT` for an empty batch, `DATASETS_SHAPE_MISMATCH`
 *   for ragged examples without padding (or longer than `padding.maxLength`),
 *   `DATASETS_INVALID_INPUT` for non-numeric values or non-integers with an int32 dtype,
 *   `DATASETS_TOO_LARGE` when the padded batch would exceed `MAX_CELLS` (2³¹ − 1) values.
 * @example
 * const { xs, ys } = tensorBatch([{ xs: [1, 2, 3], ys: 4 }, { xs: [2, 3, 4], ys: 5 }], { xsDtype: 'int32' });
 * xs.shape; // [2, 3]
 */
export function tensorBatch(examples: readonly Example[], options: TensorBatchOptions = {}): TensorBatch {
  return stackBatch(examples, resolveTensorBatchOptions(options, 'tensorBatch'));
}

function stackBatch(examples: readonly Example[], options: ResolvedTensorBatchOptions): TensorBatch {
  if (!Array.isArray(examples) || examples.length === 0) {
    throw new DatasetsError(
      'DATASETS_EMPTY_INPUT',
      `tensorBatch needs a non-empty array of { xs, ys } examples, got ${describeValue(examples)}.`,
    );
  }
  const { xsDtype, ysDtype, padding, mask } = options;
  if (!mask) {
    const xsFast = stackUniform(examples, 'xs', xsDtype);
    const ysFast = xsFast && stackUniform(examples, 'ys', ysDtype);
    if (xsFast && ysFast) {
      return {
        xs: tf.tensor(xsFast.values, xsFast.shape, xsDtype),
        ys: tf.tensor(ysFast.values, ysFast.shape, ysDtype),
      };
    }
  }
  const xs = examples.map((example, index) => flattenField(example, 'xs', index));
  const ys = examples.map((example, index) => flattenField(example, 'ys', index));
  // Every check runs before the first tensor exists, so a bad batch leaks nothing.
  const xsStacked = stack(xs, 'xs', padding, xsDtype);
  const ysStacked = stack(ys, 'ys', padding, ysDtype);
  const xsValues = xsStacked.values;
  const ysValues = ysStacked.values;
  const steps = xsStacked.shape[1] ?? 0;
  return {
    xs: tf.tensor(xsValues, xsStacked.shape, xsDtype),
    ys: tf.tensor(ysValues, ysStacked.shape, ysDtype),
    ...(mask ? { mask: tf.tensor2d(maskValues(xs, steps), [examples.length, steps], 'float32') } : {}),
  };
}

/**
 * The tensor step of a pipeline: turns a dataset of example batches into a dataset of
 * {@link TensorBatch}es that tfjs-layers' `model.fitDataset()` accepts. Tensors are
 * created as each batch is read; the consumer disposes them (`fitDataset` does).
 *
 * @throws DatasetsError `DATASETS_INVALID_INPUT` when `batches` is not a `Dataset`,
 *   `DATASETS_INVALID_OPTION` for bad options; while iterating, what {@link tensorBatch} throws.
 * @example
 * const data = toTensors(Dataset.from(examples).shuffle(1024, 7).batch(64), { xsDtype: 'int32' });
 * await model.fitDataset(data, { epochs: 5 });
 */
export function toTensors(
  batches: Dataset<readonly Example[]>,
  options: TensorBatchOptions = {},
): Dataset<TensorBatch> {
  const resolved = resolveTensorBatchOptions(options, 'toTensors');
  if (!(batches instanceof Dataset)) {
    throw new DatasetsError(
      'DATASETS_INVALID_INPUT',
      `toTensors takes a Dataset of batches (arrays of { xs, ys }), got ${describeValue(batches)}. ` +
        'Wrap it with Dataset.from(…).batch(n), or call tensorBatch on one batch.',
    );
  }
  return batches.map((batch) => stackBatch(batch, resolved));
}

const INTEGER_ARRAYS = [Int8Array, Uint8Array, Int16Array, Uint16Array, Int32Array];

/**
 * The common case without per-element work: every example's field is a number, or a flat
 * typed array of one length without an explicit shape. Returns `null` for anything else
 * (the general path then validates and reports).
 */
function stackUniform(
  examples: readonly Example[],
  field: 'xs' | 'ys',
  dtype: 'float32' | 'int32',
): { values: Float32Array | Int32Array; shape: number[] } | null {
  const first = (examples[0] as unknown as Record<string, unknown> | null)?.[field];
  const scalar = typeof first === 'number';
  const width = scalar
    ? 1
    : ArrayBuffer.isView(first) && !(first instanceof DataView)
      ? (first as Float32Array).length
      : -1;
  if (width < 0) return null;
  const values =
    dtype === 'int32' ? new Int32Array(examples.length * width) : new Float32Array(examples.length * width);
  for (let row = 0; row < examples.length; row++) {
    const example = examples[row] as unknown as Record<string, unknown> | null;
    if (example === null || typeof example !== 'object' || example[`${field}Shape`] !== undefined)
      return null;
    const value = example[field];
    if (scalar) {
      if (
        typeof value !== 'number' ||
        !Number.isFinite(value) ||
        (dtype === 'int32' && !Number.isInteger(value))
      )
        return null;
      values[row] = value;
    } else {
      if (!ArrayBuffer.isView(value) || (value as Float32Array).length !== width) return null;
      const typed = value as Float32Array | Int32Array;
      // Integer arrays convert exactly; others are checked, so int32 never truncates silently.
      if (!INTEGER_ARRAYS.some((kind) => typed instanceof kind)) {
        for (let k = 0; k < width; k++) {
          const v = typed[k]!;
          if (!Number.isFinite(v) || (dtype === 'int32' && !Number.isInteger(v))) return null;
        }
      }
      values.set(typed, row * width);
    }
  }
  return { values, shape: scalar ? [examples.length] : [examples.length, width] };
}

function flattenField(example: unknown, field: 'xs' | 'ys', index: number): Flattened {
  const what = `examples[${index}].${field}`;
  if (example === null || typeof example !== 'object' || !(field in example)) {
    throw new DatasetsError(
      'DATASETS_INVALID_INPUT',
      `examples[${index}] must be an object { xs, ys }, got ${describeValue(example)}.`,
    );
  }
  const value = (example as Record<string, unknown>)[field];
  const shape = (example as Record<string, unknown>)[`${field}Shape`];
  if (shape === undefined) return flatten(value, what);
  const valid = Array.isArray(shape) && shape.every((size) => Number.isInteger(size) && size >= 0);
  const size = valid ? (shape as number[]).reduce((a, b) => a * b, 1) : -1;
  if (!isArrayLike(value) || size !== value.length) {
    throw new DatasetsError(
      'DATASETS_SHAPE_MISMATCH',
      `${what}Shape ${describeValue(shape)} does not fit ${what} (${describeValue(value)}); ` +
        'the shape must be whole numbers whose product is the number of values.',
    );
  }
  return { values: Array.from(value as ArrayLike<number>), shape: [...(shape as number[])] };
}

function flatten(value: unknown, what: string): Flattened {
  if (typeof value === 'number') return { values: [value], shape: [] };
  if (!isArrayLike(value)) {
    throw new DatasetsError(
      'DATASETS_INVALID_INPUT',
      `${what} must be a number or an array, got ${describeValue(value)}.`,
    );
  }
  if (value.length === 0 || typeof value[0] === 'number') {
    return { values: Array.from(value as ArrayLike<number>), shape: [value.length] };
  }
  const rows = Array.from(value as ArrayLike<unknown>);
  const width = isArrayLike(rows[0]) ? rows[0].length : -1;
  const values: number[] = [];
  rows.forEach((row, step) => {
    if (!isArrayLike(row) || row.length !== width) {
      throw new DatasetsError(
        'DATASETS_SHAPE_MISMATCH',
        `${what}[${step}] has ${isArrayLike(row) ? row.length : 'no'} features where ${width} were expected; every step needs the same number.`,
      );
    }
    for (let k = 0; k < row.length; k++) values.push(row[k] as number);
  });
  return { values, shape: [rows.length, width] };
}

function stack(
  items: readonly Flattened[],
  field: 'xs' | 'ys',
  padding: ResolvedPadding | undefined,
  dtype: 'float32' | 'int32',
): { values: Float32Array | Int32Array; shape: number[] } {
  const first = items[0]!.shape;
  const sameShape = items.every((item) => sameArray(item.shape, first));
  // Scalars (class labels) never pad; sequences pad only when asked, or to a fixed length.
  if (sameShape && (padding?.maxLength === undefined || first.length === 0)) {
    const values = toDtype(
      items.flatMap((item) => item.values),
      dtype,
      field,
    );
    return { values, shape: [items.length, ...first] };
  }
  const inner = first.slice(1);
  const paddable =
    first.length >= 1 &&
    items.every((item) => item.shape.length >= 1 && sameArray(item.shape.slice(1), inner));
  if (!padding || !paddable) {
    const index = items.findIndex((item) => !sameArray(item.shape, first));
    throw new DatasetsError(
      'DATASETS_SHAPE_MISMATCH',
      `${field} of example ${Math.max(index, 0)} has shape [${items[Math.max(index, 0)]!.shape}] but example 0 has [${first}]. ` +
        (paddable
          ? 'Pass padding: { padValue: 0 } to pad sequences to a common length, or pad them with padSequences.'
          : 'Only the sequence length (first dimension) may differ, and only with padding.'),
    );
  }
  const longest = Math.max(...items.map((item) => item.shape[0]!));
  const length = padding.maxLength ?? longest;
  if (longest > length) {
    throw new DatasetsError(
      'DATASETS_SHAPE_MISMATCH',
      `A ${field} sequence has ${longest} steps, more than padding.maxLength ${length}; truncate with padSequences first.`,
    );
  }
  const stepSize = inner.reduce((a, b) => a * b, 1);
  const shape = [items.length, length, ...inner];
  const cells = requireCells(
    'tensorBatch',
    shape,
    'Lower padding.maxLength, or leave it out to pad to the longest sequence of the batch.',
  );
  const value = padding.padValue;
  if (dtype === 'int32' && !Number.isInteger(value)) {
    throw new DatasetsError(
      'DATASETS_INVALID_INPUT',
      `padding.padValue ${describeValue(value)} cannot pad ${field} of dtype int32; pass an integer padValue.`,
    );
  }
  const values = allocate('tensorBatch', cells, 4, () =>
    dtype === 'int32' ? new Int32Array(cells) : new Float32Array(cells),
  );
  const row = length * stepSize;
  items.forEach((item, k) => {
    values.set(toDtype(item.values, dtype, field), k * row);
    if (value !== 0) values.fill(value, k * row + item.values.length, (k + 1) * row);
  });
  return { values, shape };
}

function maskValues(items: readonly Flattened[], length: number): Float32Array {
  const mask = new Float32Array(items.length * length);
  for (const [row, item] of items.entries()) mask.fill(1, row * length, row * length + (item.shape[0] ?? 1));
  return mask;
}

function toDtype(values: number[], dtype: 'float32' | 'int32', field: string): Float32Array | Int32Array {
  for (let k = 0; k < values.length; k++) {
    const value = values[k]!;
    if (
      typeof value !== 'number' ||
      !Number.isFinite(value) ||
      (dtype === 'int32' && !Number.isInteger(value))
    ) {
      throw new DatasetsError(
        'DATASETS_INVALID_INPUT',
        `${field} holds ${describeValue(value)}; ${dtype === 'int32' ? 'int32 needs integers' : 'values must be finite numbers'}.`,
      );
    }
  }
  return dtype === 'int32' ? Int32Array.from(values) : Float32Array.from(values);
}

function sameArray(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((value, k) => value === b[k]);
}
