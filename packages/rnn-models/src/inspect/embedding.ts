import type * as tfl from '@tensorflow/tfjs-layers';
import { PCA } from 'ml-pca';
import { RnnModelsError, validate } from '../errors.js';
import { checkLayersModel, checkStrings, readLive } from './arguments.js';

/** An embedding table as a plain row-major array: row `id` is `values.subarray(id · dim, (id + 1) · dim)`. */
export interface EmbeddingMatrix {
  readonly values: Float32Array;
  /** `[vocab, dim]`. */
  readonly shape: readonly [number, number];
}

/** Options of {@link embeddingMatrix}. */
export interface EmbeddingMatrixOptions {
  /**
   * Name of the `Embedding` layer to read (also inside nested models).
   * @default undefined (the first Embedding layer, depth-first in layer order)
   */
  readonly layerName?: string;
}

/**
 * The weights of a model's `Embedding` layer, `[vocab, dim]`: row `id` is the vector of token `id`.
 *
 * Ownership: returns a plain copy (`Float32Array`), no tensors.
 *
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` when `model` is not a model, has no Embedding layer, or
 *   `layerName` names no layer or a layer that is not an Embedding (or is not built).
 * @example
 * const { values, shape } = embeddingMatrix(model);            // first Embedding layer
 * const [vocab, dim] = shape;
 * const vectorOfA = values.subarray(idOfA * dim, (idOfA + 1) * dim);
 */
export function embeddingMatrix(
  model: tfl.LayersModel,
  options: EmbeddingMatrixOptions = {},
): EmbeddingMatrix {
  checkLayersModel('embeddingMatrix', 'model', model);
  const { layerName } = validate.options('embeddingMatrix', options, ['layerName']);
  const all = flattenLayers(model);
  const layer =
    layerName === undefined
      ? all.find((candidate) => candidate.getClassName() === 'Embedding')
      : all.find((candidate) => candidate.name === layerName);
  if (layer === undefined) {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      layerName === undefined
        ? `embeddingMatrix: model '${model.name}' has no Embedding layer.`
        : `embeddingMatrix: model '${model.name}' has no layer '${layerName}'; its layers are ${all.map((l) => `'${l.name}'`).join(', ')}.`,
    );
  }
  const weights = layer.weights;
  if (layer.getClassName() !== 'Embedding' || weights.length !== 1 || weights[0]!.shape.length !== 2) {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      `embeddingMatrix: layer '${layer.name}' is a ${layer.getClassName()}${layer.getClassName() === 'Embedding' ? ' without built weights' : ''}; ` +
        'pass the name of a built Embedding layer as layerName.',
    );
  }
  const variable = weights[0]!;
  const [vocab, dim] = variable.shape as [number, number];
  // Copy: on the cpu backend dataSync() hands out the variable's own buffer.
  return { values: Float32Array.from(readLive('embeddingMatrix', variable).dataSync()), shape: [vocab, dim] };
}

/** Every layer of a model, descending into nested models, in layer order. */
function flattenLayers(model: { layers: tfl.layers.Layer[] }): tfl.layers.Layer[] {
  return model.layers.flatMap((layer) => {
    const nested = (layer as unknown as { layers?: tfl.layers.Layer[] }).layers;
    return Array.isArray(nested) ? [layer, ...flattenLayers({ layers: nested })] : [layer];
  });
}

/** Options of {@link projectEmbeddings2d}. */
export interface ProjectEmbeddings2dOptions {
  /**
   * One label per row (e.g. the token strings), returned alongside the points for plotting.
   * @default the row ids as strings: '0', '1', …
   */
  readonly labels?: readonly string[];
  /**
   * Subtract the mean vector before the PCA (standard PCA). Without centering the first
   * component mostly points at the mean and explained variance is of the uncentered second moment.
   * @default true
   */
  readonly center?: boolean;
}

/** Defaults of {@link ProjectEmbeddings2dOptions} (`labels` depends on the matrix). */
export const DEFAULT_PROJECT_EMBEDDINGS_2D_OPTIONS: Readonly<{ center: boolean }> = Object.freeze({
  center: true,
});

/** Validated options of {@link projectEmbeddings2d} with every default filled in. */
export interface ResolvedProjectEmbeddings2dOptions {
  readonly labels: readonly string[];
  readonly center: boolean;
}

/** Validates options against a matrix of `rows` rows and fills in the defaults. */
export function resolveProjectEmbeddings2dOptions(
  rows: number,
  options: ProjectEmbeddings2dOptions = {},
): ResolvedProjectEmbeddings2dOptions {
  validate.options('projectEmbeddings2d', options, ['labels', 'center']);
  const center = validate.boolean(
    'projectEmbeddings2d',
    'center',
    options.center ?? DEFAULT_PROJECT_EMBEDDINGS_2D_OPTIONS.center,
  );
  const labels = options.labels ?? Array.from({ length: rows }, (_, id) => String(id));
  checkStrings('projectEmbeddings2d', 'labels', labels);
  if (labels.length !== rows) {
    throw new RnnModelsError(
      'RNN_MODELS_SHAPE_MISMATCH',
      `projectEmbeddings2d: labels has ${labels.length} entries but the matrix has ${rows} rows; pass one label per row.`,
    );
  }
  return { labels, center };
}

/** 2-D PCA coordinates of the rows of an embedding matrix. */
export interface EmbeddingProjection {
  /** `[x, y]` = coordinates on principal components 1 and 2, one per row. */
  readonly points: readonly (readonly [number, number])[];
  /** One label per point (the `labels` option, or row ids). */
  readonly labels: readonly string[];
  /** Share of the total variance each of the two components explains (0…1). */
  readonly explainedVariance: readonly [number, number];
}

/**
 * Projects the rows of an embedding matrix onto their first two principal components (PCA by SVD,
 * mljs' `ml-pca`), for a scatter plot of the learned embeddings (see `embeddingScatterSvg` in
 * `@rnnkit/metrics/plots`).
 *
 * The sign of a principal component is arbitrary; it is fixed here so that the largest-magnitude
 * entry of each component vector is positive, so the same matrix always gives the same picture.
 * A matrix with one column gets `y = 0`; rows on one line get `y ≈ 0`.
 *
 * Ownership: plain arrays in and out, no tensors.
 *
 * @param matrix `[vocab, dim]` rows — an {@link EmbeddingMatrix} or nested arrays.
 * @throws RnnModelsError `RNN_MODELS_SHAPE_MISMATCH` for fewer than 2 rows, ragged rows, a
 *   `values` length that does not match `shape`, or a `labels` length other than the row count;
 *   `RNN_MODELS_INVALID_OPTION` for a non-boolean `center`, labels that are not strings, or an
 *   entry that is not a finite number (naming its row and column).
 * @example
 * const projection = projectEmbeddings2d(embeddingMatrix(model), { labels: vocabulary });
 * projection.points[3]; // [x, y] of token 3
 * projection.explainedVariance; // e.g. [0.31, 0.17]
 */
export function projectEmbeddings2d(
  matrix: EmbeddingMatrix | readonly (readonly number[])[],
  options: ProjectEmbeddings2dOptions = {},
): EmbeddingProjection {
  const rows = toRows(matrix);
  const { labels, center } = resolveProjectEmbeddings2dOptions(rows.length, options);
  if (rows.length < 2) {
    throw new RnnModelsError(
      'RNN_MODELS_SHAPE_MISMATCH',
      `projectEmbeddings2d needs at least 2 rows to find principal components, received ${rows.length}.`,
    );
  }
  const pca = new PCA(rows, { center, method: 'SVD' });
  const vectors = pca.getEigenvectors(); // [dim, components]
  const components = Math.min(2, vectors.columns);
  const projected = pca.predict(rows, { nComponents: components });
  const signs = Array.from({ length: components }, (_, j) => {
    const column = vectors.getColumn(j);
    let largest = 0;
    for (const value of column) if (Math.abs(value) > Math.abs(largest)) largest = value;
    return largest < 0 ? -1 : 1;
  });
  const points = rows.map((_, i): [number, number] => [
    signs[0]! * projected.get(i, 0),
    components > 1 ? signs[1]! * projected.get(i, 1) : 0,
  ]);
  const explained = pca.getExplainedVariance();
  return {
    points,
    labels: [...labels],
    explainedVariance: [finiteOr0(explained[0]), finiteOr0(explained[1])],
  };
}

function finiteOr0(value: number | undefined): number {
  return value !== undefined && Number.isFinite(value) ? value : 0;
}

function toRows(matrix: EmbeddingMatrix | readonly (readonly number[])[]): number[][] {
  const rows = rowsOf(matrix);
  for (const [r, row] of rows.entries()) {
    const c = row.findIndex((value) => typeof value !== 'number' || !Number.isFinite(value));
    if (c >= 0) {
      validate.invalid(
        'projectEmbeddings2d',
        `matrix[${r}][${c}]`,
        row[c],
        'must be a finite number',
        'Check the model for NaN weights (training diverged?) or pass finite vectors.',
      );
    }
  }
  return rows;
}

function rowsOf(matrix: EmbeddingMatrix | readonly (readonly number[])[]): number[][] {
  if (matrix === null || typeof matrix !== 'object') {
    validate.invalid(
      'projectEmbeddings2d',
      'matrix',
      matrix,
      'must be an EmbeddingMatrix { values, shape } or an array of rows',
    );
  }
  if (isRowList(matrix)) {
    if (matrix.some((row) => !Array.isArray(row) && !ArrayBuffer.isView(row))) {
      validate.invalid('projectEmbeddings2d', 'matrix', matrix, 'must be an array of number arrays');
    }
    const list = matrix;
    const width = list[0]?.length ?? 0;
    if (list.some((row) => row.length !== width) || width === 0) {
      throw new RnnModelsError(
        'RNN_MODELS_SHAPE_MISMATCH',
        'projectEmbeddings2d: matrix rows must all have the same, non-zero length.',
      );
    }
    return list.map((row) => [...row]);
  }
  const { values, shape } = matrix as Partial<EmbeddingMatrix>;
  if (!(ArrayBuffer.isView(values) || Array.isArray(values)) || !Array.isArray(shape) || shape.length !== 2) {
    validate.invalid(
      'projectEmbeddings2d',
      'matrix',
      matrix,
      'must be an EmbeddingMatrix { values: Float32Array, shape: [vocab, dim] } or an array of rows',
    );
  }
  const [vocab, dim] = matrix.shape;
  if (
    !Number.isSafeInteger(vocab) ||
    !Number.isSafeInteger(dim) ||
    matrix.values.length !== vocab * dim ||
    dim < 1
  ) {
    throw new RnnModelsError(
      'RNN_MODELS_SHAPE_MISMATCH',
      `projectEmbeddings2d: values has ${matrix.values.length} entries but shape [${vocab}, ${dim}] needs ${vocab * dim}.`,
    );
  }
  return Array.from({ length: vocab }, (_, r) => Array.from(matrix.values.slice(r * dim, (r + 1) * dim)));
}

function isRowList(
  matrix: EmbeddingMatrix | readonly (readonly number[])[],
): matrix is readonly (readonly number[])[] {
  return Array.isArray(matrix);
}
