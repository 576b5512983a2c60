import * as tf from '@tensorflow/tfjs-core';
import { initializers, type Shape } from '@tensorflow/tfjs-layers';
import { RnnModelsError, validate } from '../errors.js';

/** Options of {@link orthogonal} and {@link Orthogonal}: Keras' and tfjs' `Orthogonal` arguments. */
export interface OrthogonalArgs {
  /**
   * Factor the orthogonal matrix is multiplied by. Any finite number.
   * @default 1
   */
  readonly gain?: number;
  /**
   * Seed of tfjs' normal generator (`tf.randomNormal`): the same seed gives the same matrix, and
   * the same matrix as tfjs' stock `Orthogonal` initializer with that seed (up to float32
   * rounding). Unset (or `null`, as Keras configs write it): a different matrix every call.
   * @default undefined
   */
  readonly seed?: number | null;
}

/** {@link OrthogonalArgs} with every default filled in. */
export interface ResolvedOrthogonalArgs {
  readonly gain: number;
  readonly seed: number | undefined;
}

/** The defaults of {@link OrthogonalArgs}, the same as Keras' and tfjs'. */
export const DEFAULT_ORTHOGONAL_ARGS: ResolvedOrthogonalArgs = Object.freeze({ gain: 1, seed: undefined });

/**
 * Validates {@link OrthogonalArgs} and fills in the defaults.
 *
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` for an unknown option name, a non-finite
 *   `gain` or a seed that is not an integer.
 */
export function resolveOrthogonalArgs(args: OrthogonalArgs = {}): ResolvedOrthogonalArgs {
  // `customObjects`: tfjs' loader adds it to every config it passes to `fromConfig`.
  const given = validate.options('orthogonal', args, ['gain', 'seed', 'customObjects']);
  const gain = validate.number('orthogonal', 'gain', given.gain ?? DEFAULT_ORTHOGONAL_ARGS.gain);
  const seed = validate.seed('orthogonal', 'seed', given.seed) ?? DEFAULT_ORTHOGONAL_ARGS.seed;
  return { gain, seed };
}

/** tfjs-layers' `Initializer` instance type (the class itself is not exported by the package root). */
type LayersInitializer = ReturnType<typeof initializers.zeros>;

/**
 * tfjs-layers' `Initializer` base class, taken from an instance of one of its direct subclasses
 * because the package root exports only factories. Layers accept an initializer object only if it
 * is an `instanceof` this very class (else they try to deserialize it as a config).
 */
const InitializerBase = Object.getPrototypeOf(
  initializers.zeros().constructor,
) as (abstract new () => LayersInitializer) & Pick<typeof tf.serialization.Serializable, 'fromConfig'>;

/**
 * Reflectors per block (`V`, `T`) in the trailing updates and the accumulation of Q: matrix
 * products of this inner size run near the wasm backend's peak, and few blocks mean few passes
 * over the big matrix.
 */
const PANEL_WIDTH = 128;

/** Columns of a panel factored at a time in JavaScript (float64, unblocked). */
const LEAF_WIDTH = 16;

/**
 * Keras' `Orthogonal` initializer (the default `recurrentInitializer` of LSTM/GRU/SimpleRNN),
 * fast and silent: a drop-in for tfjs-layers' `initializers.orthogonal`, which is slow on the wasm
 * backend for recurrent kernels (figures in the README) and `console.warn`s above 2000 elements.
 *
 * Same result as Keras and tfjs: the shape is flattened to `[rows, cols]` =
 * `[prod(shape[:-1]), shape[-1]]`; a `[max, min]` standard normal matrix is drawn with
 * `tf.randomNormal(…, seed)`; Q of its QR factorization is taken with the column signs that make
 * `diag(R) > 0` (so Q is Haar-distributed); Q is transposed when `rows < cols`, multiplied by
 * `gain` and reshaped. So the result has orthonormal columns (rows when `rows < cols`) times
 * `gain`, and for a given seed equals tfjs' stock `Orthogonal` up to float32 rounding (≈1e-6):
 * the sign-fixed Q does not depend on how the QR is computed. Only the QR differs: a blocked
 * Householder factorization (float64 panels, float32 matrix products on the backend) where
 * tfjs runs an unblocked one op by op. Unlike tfjs', it rejects an `int32` dtype, and in the
 * probability-zero case of a zero on R's diagonal it keeps the column instead of zeroing it.
 *
 * Serializes as `{ className: 'RnnkitOrthogonal', config: { gain, seed } }` (registered with
 * `tf.serialization` when this module loads).
 *
 * @example
 * const lstm = tfl.layers.lstm({ units: 256, recurrentInitializer: orthogonal({ seed: 1 }) });
 * const w = new Orthogonal({ gain: 2 }).apply([4, 4]); // 2 × a random 4×4 orthogonal matrix; dispose it
 */
export class Orthogonal extends InitializerBase {
  /** Registered name, distinct from tfjs' own `Orthogonal`. */
  static readonly className = 'RnnkitOrthogonal';
  readonly gain: number;
  readonly seed: number | undefined;

  /**
   * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` for an unknown option, a non-finite `gain` or a non-integer `seed`.
   */
  constructor(args: OrthogonalArgs = {}) {
    super();
    const { gain, seed } = resolveOrthogonalArgs(args);
    this.gain = gain;
    this.seed = seed;
  }

  /**
   * Draws a new matrix.
   *
   * @param shape rank ≥ 2, non-negative integer dimensions; flattened to
   *   `[prod(shape[:-1]), shape[-1]]` as in Keras.
   * @param dtype `'float32'` or undefined.
   * @returns a new `float32` tensor of `shape`; the caller owns it.
   * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` for a rank < 2 or invalid shape, or another
   *   dtype.
   */
  override apply(shape: Shape, dtype?: tf.DataType): tf.Tensor {
    const dims = validateShape(shape);
    if (dtype !== undefined && dtype !== 'float32') {
      throw new RnnModelsError(
        'RNN_MODELS_INVALID_OPTION',
        `orthogonal: dtype must be 'float32', got ${JSON.stringify(dtype)}. Orthogonal matrices are not integer.`,
      );
    }
    const cols = dims[dims.length - 1]!;
    const rows = dims.slice(0, -1).reduce((a, b) => a * b, 1);
    const m = Math.max(rows, cols);
    const n = Math.min(rows, cols);
    if (n === 0) return tf.zeros(dims, 'float32');
    return tf.tidy(() => {
      const normal = tf.randomNormal([m, n], 0, 1, 'float32', this.seed) as tf.Tensor2D;
      const { q, signs } = householderQ(normal);
      const scale = new Float32Array(n);
      for (let j = 0; j < n; j++) scale[j] = this.gain * signs[j]!;
      const scaled = tf.mul(q, tf.tensor2d(scale, [1, n]));
      return tf.reshape(rows < cols ? tf.transpose(scaled) : scaled, dims);
    });
  }

  /** `{ gain, seed }`, `seed: null` when unset (as Keras writes it). */
  override getConfig(): tf.serialization.ConfigDict {
    return { gain: this.gain, seed: this.seed ?? null };
  }
}
tf.serialization.registerClass(Orthogonal);

/**
 * Keras' orthogonal initializer: see {@link Orthogonal}.
 *
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` for an unknown option, a non-finite `gain` or a non-integer `seed`.
 * @example
 * tfl.layers.gru({ units: 1024, recurrentInitializer: orthogonal({ seed: 42 }) });
 */
export function orthogonal(args: OrthogonalArgs = {}): Orthogonal {
  return new Orthogonal(args);
}

function validateShape(shape: Shape): number[] {
  const valid =
    Array.isArray(shape) &&
    shape.length >= 2 &&
    shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0);
  if (!valid) {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      `orthogonal: the shape must have rank ≥ 2 and non-negative integer dimensions, got ${JSON.stringify(shape)}. ` +
        'Use it for kernels (e.g. [inputDim, units]), not biases.',
    );
  }
  return shape as number[];
}

/** Householder reflectors `H_j = I − tau_j v_j v_jᵀ` of a block, with `H_0 … H_{kb−1} = I − V T Vᵀ`. */
interface Reflectors {
  /** Rows of `V`. */
  readonly rows: number;
  /** Reflectors (columns of `V`). */
  readonly kb: number;
  /** `V`: `[rows, kb]`, column-major, unit lower trapezoidal (zeros above the diagonal). */
  readonly v: Float64Array;
  /** `T`: `[kb, kb]`, column-major, upper triangular. */
  readonly t: Float64Array;
}

/**
 * The Q factor of `a = QR` (`a`: `[m, n]`, `m ≥ n`; thin Q, `[m, n]`) and `sign(diag(R))`, so that
 * `Q·diag(signs)` is the Q of the factorization with a positive diagonal.
 *
 * Blocked Householder QR, LAPACK's `geqrf` + `orgqr` with compact-WY blocks of
 * {@link PANEL_WIDTH} reflectors: each panel is factored {@link LEAF_WIDTH} columns at a time in
 * float64 JavaScript; every update of more than a leaf (inside the panel, of the trailing matrix,
 * and the accumulation of Q: the O(mn²) work) is a float32 matrix product on the backend. `R` is
 * never formed. Orthogonality error stays ~3e-7 (`max |QᵀQ − I|`, up to `[3072, 1024]`), as
 * Householder QR's does not grow with the condition number of `a`.
 *
 * Must run inside a tidy; does not dispose `a`.
 */
function householderQ(a: tf.Tensor2D): { q: tf.Tensor2D; signs: Float64Array } {
  const [m, n] = a.shape;
  const signs = new Float64Array(n);
  const blocks: Reflectors[] = [];
  // Rows k.. and columns k.. of the partly reduced matrix (R's finished rows are dropped).
  let trail: tf.Tensor2D = a;
  for (let k = 0; k < n; k += PANEL_WIDTH) {
    const kb = Math.min(PANEL_WIDTH, n - k);
    const rows = m - k;
    const panel = kb === n - k ? trail : tf.slice(trail, [0, 0], [rows, kb]);
    const { v, tau } = factorPanel(panel, signs.subarray(k, k + kb));
    if (panel !== trail) panel.dispose();
    const block: Reflectors = { rows, kb, v, t: triangularFactor(kb, tau, backendGram(v, rows, kb)) };
    blocks.push(block);
    if (kb === n - k) break;
    const reduced = trail;
    trail = reflectAndShrink(reduced, block);
    if (reduced !== a) reduced.dispose();
  }
  if (trail !== a) trail.dispose();

  // Q = H_0 H_1 … H_{n−1}·[I; 0], accumulated from the last block back: each block's step makes
  // rows and columns k.. of Q from those of the next block.
  let q: tf.Tensor2D | null = null;
  for (let b = blocks.length - 1; b >= 0; b--) {
    const { rows, kb, v, t } = blocks[b]!;
    const next: tf.Tensor2D | null = q;
    q = tf.tidy((): tf.Tensor2D => {
      const vFull = vTensor(v, rows, kb, 0);
      // (I − V T Vᵀ)·[I; 0] = [I; 0] − V (T V₁ᵀ).
      const left = tf.sub<tf.Tensor2D>(
        tf.eye(rows, kb),
        tf.matMul(vFull, tf.tensor2d(timesUnitLowerTransposed(t, v, rows, kb), [kb, kb])),
      );
      if (next === null) return left;
      // (I − V T Vᵀ)·[0; Qnext] = [0; Qnext] − V (T (V₂ᵀ Qnext)).
      const z = tf.matMul(upperTensor(t, kb, false), tf.matMul(vTransposedTensor(v, rows, kb, kb), next));
      const zeroRowsOnTop: Array<[number, number]> = [
        [kb, 0],
        [0, 0],
      ];
      const right = tf.sub<tf.Tensor2D>(tf.pad(next, zeroRowsOnTop), tf.matMul(vFull, z));
      return tf.concat2d([left, right], 1);
    });
    next?.dispose();
  }
  return { q: q!, signs };
}

/**
 * Householder QR of `panel` (`[rows, kb]`, not disposed), {@link LEAF_WIDTH} columns at a time:
 * the reflectors (`v`: `[rows, kb]`, column-major; `tau`) and, into `signs`, `sign(diag(R))`.
 */
function factorPanel(panel: tf.Tensor2D, signs: Float64Array): { v: Float64Array; tau: Float64Array } {
  const [rows, kb] = panel.shape;
  const v = new Float64Array(rows * kb);
  const tau = new Float64Array(kb);
  let rest = panel; // rows j.., columns j.. of the partly reduced panel
  for (let j = 0; j < kb; j += LEAF_WIDTH) {
    const ib = Math.min(LEAF_WIDTH, kb - j);
    const leafRows = rows - j;
    const leaf = columnMajor(rest, ib);
    const leafTau = tau.subarray(j, j + ib);
    factorLeaf(leaf, leafRows, ib, leafTau, signs.subarray(j, j + ib));
    for (let c = 0; c < ib; c++) v.set(leaf.subarray(c * leafRows, (c + 1) * leafRows), (j + c) * rows + j);
    if (j + ib < kb) {
      const t = triangularFactor(ib, leafTau, gram(leaf, leafRows, ib));
      const reduced = rest;
      rest = reflectAndShrink(reduced, { rows: leafRows, kb: ib, v: leaf, t });
      if (reduced !== panel) reduced.dispose();
    }
  }
  if (rest !== panel) rest.dispose();
  return { v, tau };
}

/**
 * `((I − V T Vᵀ)ᵀ·c)[kb:, kb:]`: applies the block's reflectors to `c` (`[rows, cols]`, whose first
 * `kb` columns are the ones they were made from) and keeps what is left to factor. Does not
 * dispose `c`.
 */
function reflectAndShrink(c: tf.Tensor2D, { rows, kb, v, t }: Reflectors): tf.Tensor2D {
  const cols = c.shape[1];
  return tf.tidy(() => {
    const w = tf.matMul(upperTensor(t, kb, true), tf.matMul(vTransposedTensor(v, rows, kb, 0), c));
    const below = tf.slice(c, [kb, kb], [rows - kb, cols - kb]);
    return tf.sub(below, tf.matMul(vTensor(v, rows, kb, kb), tf.slice(w, [0, kb], [kb, cols - kb])));
  });
}

/** The first `kb` columns of `x`, as float64 column-major. */
function columnMajor(x: tf.Tensor2D, kb: number): Float64Array {
  const [rows, cols] = x.shape;
  const part = cols === kb ? x : tf.slice(x, [0, 0], [rows, kb]);
  const data = part.dataSync();
  if (part !== x) part.dispose();
  const out = new Float64Array(rows * kb);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < kb; j++) out[j * rows + i] = data[i * kb + j]!;
  }
  return out;
}

/**
 * Unblocked Householder QR of the `[rows, kb]` column-major `v`, in place: afterwards `v` holds the
 * reflector vectors (unit diagonal, zeros above it), `tau` their factors and `signs` the signs of
 * R's diagonal. LAPACK's `dlarfg` convention: `R_jj = −sign(alpha)·‖x‖`, `H_j = I` when nothing is
 * below the diagonal.
 */
function factorLeaf(v: Float64Array, rows: number, kb: number, tau: Float64Array, signs: Float64Array): void {
  for (let j = 0; j < kb; j++) {
    const cj = j * rows;
    const alpha = v[cj + j]!;
    const below = dot(v, cj + j + 1, v, cj + j + 1, rows - j - 1);
    let tj = 0;
    if (below === 0) {
      signs[j] = alpha < 0 ? -1 : 1; // sign(0) taken as +1 (Keras' would zero the column)
    } else {
      const norm = Math.sqrt(alpha * alpha + below);
      const beta = alpha >= 0 ? -norm : norm;
      tj = (beta - alpha) / beta;
      signs[j] = beta < 0 ? -1 : 1;
      const scale = 1 / (alpha - beta);
      for (let i = cj + j + 1; i < cj + rows; i++) v[i]! *= scale;
    }
    tau[j] = tj;
    v[cj + j] = 1;
    v.fill(0, cj, cj + j); // R's entries: not needed
    if (tj === 0) continue;
    for (let c = j + 1; c < kb; c++) {
      const cc = c * rows;
      const s = tj * dot(v, cj + j, v, cc + j, rows - j);
      for (let i = j; i < rows; i++) v[cc + i]! -= s * v[cj + i]!;
    }
  }
}

/** `VᵀV` (`[kb, kb]`, symmetric) in float64 JavaScript, for a leaf. */
function gram(v: Float64Array, rows: number, kb: number): Float64Array {
  const g = new Float64Array(kb * kb);
  for (let i = 0; i < kb; i++) {
    for (let p = 0; p <= i; p++) {
      // v_i is zero above row i.
      const s = dot(v, p * rows + i, v, i * rows + i, rows - i);
      g[p * kb + i] = s;
      g[i * kb + p] = s;
    }
  }
  return g;
}

/** `VᵀV` (`[kb, kb]`) as a float32 matrix product on the backend, for a panel. */
function backendGram(v: Float64Array, rows: number, kb: number): Float32Array {
  const g = tf.tidy(() => tf.matMul(vTransposedTensor(v, rows, kb, 0), vTensor(v, rows, kb, 0)));
  const data = g.dataSync() as Float32Array;
  g.dispose();
  return data;
}

/** `Σ a[ia + i]·b[ib + i]` for `i < length`, with four partial sums (shorter dependency chains). */
function dot(a: Float64Array, ia: number, b: Float64Array, ib: number, length: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < length; i += 4) {
    s0 += a[ia + i]! * b[ib + i]!;
    s1 += a[ia + i + 1]! * b[ib + i + 1]!;
    s2 += a[ia + i + 2]! * b[ib + i + 2]!;
    s3 += a[ia + i + 3]! * b[ib + i + 3]!;
  }
  for (; i < length; i++) s0 += a[ia + i]! * b[ib + i]!;
  return s0 + s1 + (s2 + s3);
}

/**
 * The `[kb, kb]` upper triangular `T` (column-major) with `H_0 … H_{kb−1} = I − V T Vᵀ`, from
 * `tau` and the Gram matrix `VᵀV`: LAPACK's `dlarft` (forward, column-wise).
 */
function triangularFactor(kb: number, tau: Float64Array, vtv: Float64Array | Float32Array): Float64Array {
  const t = new Float64Array(kb * kb);
  const w = new Float64Array(kb);
  for (let i = 0; i < kb; i++) {
    const ti = tau[i]!;
    t[i * kb + i] = ti;
    if (ti === 0) continue;
    // w = −tau_i · V[:, 0:i]ᵀ v_i, then T[0:i, i] = T[0:i, 0:i] · w.
    for (let p = 0; p < i; p++) w[p] = -ti * vtv[i * kb + p]!;
    for (let p = 0; p < i; p++) {
      let s = 0;
      for (let c = p; c < i; c++) s += t[c * kb + p]! * w[c]!;
      t[i * kb + p] = s;
    }
  }
  return t;
}

/** Rows `r0..rows−1` of `V` as a row-major `[rows − r0, kb]` tensor. */
function vTensor(v: Float64Array, vRows: number, kb: number, r0: number): tf.Tensor2D {
  const rows = vRows - r0;
  const out = new Float32Array(rows * kb);
  for (let j = 0; j < kb; j++) {
    const cj = j * vRows + r0;
    for (let i = 0; i < rows; i++) out[i * kb + j] = v[cj + i]!;
  }
  return tf.tensor2d(out, [rows, kb]);
}

/** The transpose of rows `r0..rows−1` of `V`: a `[kb, rows − r0]` tensor. */
function vTransposedTensor(v: Float64Array, vRows: number, kb: number, r0: number): tf.Tensor2D {
  const rows = vRows - r0;
  const out = new Float32Array(kb * rows);
  for (let j = 0; j < kb; j++) out.set(v.subarray(j * vRows + r0, (j + 1) * vRows), j * rows);
  return tf.tensor2d(out, [kb, rows]);
}

/** `T` (column-major `[kb, kb]`) as a tensor, or its transpose. */
function upperTensor(t: Float64Array, kb: number, transposed: boolean): tf.Tensor2D {
  const out = new Float32Array(kb * kb);
  for (let r = 0; r < kb; r++) {
    for (let c = 0; c < kb; c++) out[r * kb + c] = transposed ? t[r * kb + c]! : t[c * kb + r]!;
  }
  return tf.tensor2d(out, [kb, kb]);
}

/** `T V₁ᵀ` as row-major `[kb, kb]` float32, `V₁` the top `[kb, kb]` (unit lower) block of `V`. */
function timesUnitLowerTransposed(t: Float64Array, v: Float64Array, vRows: number, kb: number): Float32Array {
  const out = new Float32Array(kb * kb);
  for (let r = 0; r < kb; r++) {
    for (let c = 0; c < kb; c++) {
      // (T V₁ᵀ)[r, c] = Σ_p T[r, p] V₁[c, p], T[r, p] = 0 for p < r, V₁[c, p] = 0 for p > c.
      let s = 0;
      for (let p = r; p <= c; p++) s += t[p * kb + r]! * v[p * vRows + c]!;
      out[r * kb + c] = s;
    }
  }
  return out;
}
