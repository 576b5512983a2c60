import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-layers'; // registers the gradients
import { expectTensorsClose } from '@rnnkit/test-utils';
import fc from 'fast-check';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { RnnModelsError } from '../errors.js';
import { nativeProduct, setNativeProduct, setProductBlocking } from './wasm-gemm.js';
import { keepOriginalKernel, originalKernel } from './wasm-kernel-support.js';
import { registerWasmKernels } from './wasm-kernels.js';
import { add, binaryPlan, neg, setProductSplitting } from './wasm-math-kernels.js';

/** Runs `fn` on a backend and returns plain values, so results can be compared across backends. */
async function on(
  backend: 'cpu' | 'wasm',
  fn: () => tf.Tensor,
): Promise<{ shape: number[]; values: number[] }> {
  await tf.setBackend(backend);
  const result = fn();
  const values = Array.from(await result.data());
  const shape = result.shape;
  result.dispose();
  return { shape, values };
}

/** Backend data ids alive on the active backend (every tensor a kernel makes and does not free counts). */
const dataIds = () => (tf.engine().backend as unknown as { numDataIds(): number }).numDataIds();
/** Values uniform in [−1, 1) from `seed`. */
const seeded = (shape: number[], seed: number) => tf.randomUniform(shape, -1, 1, 'float32', seed);

/** A product (`activation` 'none': tf.matMul; else tf.fused.matMul with a bias) on wasm equals the cpu kernels' and frees all it makes. */
async function expectProductLikeCpu(p: {
  m: number;
  k: number;
  n: number;
  transposeA: boolean;
  transposeB: boolean;
  activation: 'none' | tf.fused.Activation;
  batchA?: number[];
  batchB?: number[];
}): Promise<void> {
  const { m, k, n, transposeA, transposeB, activation, batchA = [], batchB = [] } = p;
  const a = () => seeded([...batchA, ...(transposeA ? [k, m] : [m, k])], m * 100 + k);
  const b = () => seeded([...batchB, ...(transposeB ? [n, k] : [k, n])], n * 100 + k + 1);
  const product = () =>
    tf.tidy(() =>
      activation === 'none'
        ? tf.matMul(a(), b(), transposeA, transposeB)
        : tf.fused.matMul({ a: a(), b: b(), transposeA, transposeB, bias: seeded([n], 7), activation }),
    );
  const cpu = await on('cpu', product);
  await tf.setBackend('wasm');
  const before = dataIds();
  const wasm = await on('wasm', product);
  expect(dataIds()).toBe(before);
  expect(wasm.shape).toEqual(cpu.shape);
  expectTensorsClose(wasm.values, cpu.values, { rtol: 1e-5, atol: 1e-5 });
}

describe('wasm UnsortedSegmentSum', () => {
  it('is registered once', () => {
    registerWasmKernels();
    expect(registerWasmKernels()).toEqual([]);
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeDefined();
  });

  it('equals the cpu kernel for any rows, row width, segment count and ids (out of range included), float32 and int32', async () => {
    registerWasmKernels();
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.integer({ min: -2, max: 8 }), { minLength: 0, maxLength: 30 }),
        fc.constantFrom('float32' as const, 'int32' as const),
        async (inner, segments, ids, dtype) => {
          const sum = () =>
            tf.tidy(() =>
              tf.unsortedSegmentSum(
                tf.tensor(
                  Array.from(
                    { length: ids.length * inner },
                    (_, i) => (i % 7) - 3 + (dtype === 'float32' ? 0.25 : 0),
                  ),
                  [ids.length, inner],
                  dtype,
                ),
                tf.tensor1d(ids, 'int32'),
                segments,
              ),
            );
          const cpu = await on('cpu', sum);
          const wasm = await on('wasm', sum);
          expect(wasm).toEqual(cpu);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('equals the cpu kernel, out-of-range ids included', async () => {
    registerWasmKernels();
    const x = [
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
      [9, 10],
    ];
    const ids = [2, 0, 2, -1, 7];
    const sum = () => tf.unsortedSegmentSum(tf.tensor2d(x), tf.tensor1d(ids, 'int32'), 4);
    const cpu = await on('cpu', sum);
    const wasm = await on('wasm', sum);
    expect(wasm).toEqual(cpu);
    expect(wasm.values).toEqual([3, 4, 0, 0, 6, 8, 0, 0]);
  });

  it('gives Embedding-style gather gradients equal to the cpu backend', async () => {
    registerWasmKernels();
    const gradient = () => {
      const table = tf.tensor2d([
        [0.1, 0.2],
        [0.3, 0.4],
        [0.5, 0.6],
      ]);
      const indices = tf.tensor2d([[2, 0, 2]], [1, 3], 'int32');
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, indices), tf.tensor([1, 2]))))(table);
      tf.dispose([table, indices]);
      return g;
    };
    const cpu = await on('cpu', gradient);
    const wasm = await on('wasm', gradient);
    expect(wasm.shape).toEqual([3, 2]);
    expectTensorsClose(wasm.values, cpu.values);
    expect(wasm.values).toEqual([1, 2, 0, 0, 2, 4]);
  });
});

describe('wasm Slice replacement', () => {
  it('equals the cpu kernel for any box in tensors of rank 1 to 4', async () => {
    registerWasmKernels();
    await fc.assert(
      fc.asyncProperty(
        fc
          .array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 })
          .chain((shape) =>
            fc.tuple(
              fc.constant(shape),
              fc.tuple(...shape.map((dim) => fc.integer({ min: 0, max: dim - 1 }))),
              fc.tuple(...shape.map((dim) => fc.integer({ min: 1, max: dim }))),
              fc.constantFrom('float32', 'int32'),
            ),
          ),
        async ([shape, begin, rawSize, dtype]) => {
          const size = rawSize.map((s, d) => Math.min(s, shape[d]! - begin[d]!));
          const values = Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, k) => k * 3 - 7);
          const cut = () => tf.slice(tf.tensor(values, shape, dtype as 'float32' | 'int32'), begin, size);
          expect(await on('wasm', cut)).toEqual(await on('cpu', cut));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('unstacks and splits exactly as the cpu kernels do', async () => {
    registerWasmKernels();
    const values = Array.from({ length: 2 * 3 * 4 }, (_, k) => k);
    const t = () => tf.tensor3d(values, [2, 3, 4]);
    for (const axis of [0, 1, 2, -1]) {
      const parts = (backend: 'cpu' | 'wasm') =>
        on(backend, () =>
          tf.stack(
            tf.unstack(t(), axis).map((part) => tf.mul(part, 2)),
            0,
          ),
        );
      expect(await parts('wasm')).toEqual(await parts('cpu'));
    }
    for (const [splits, axis] of [
      [2, 2],
      [[1, 3], 2],
      [3, 1],
      [[1, -1], 0],
    ] as const) {
      const parts = (backend: 'cpu' | 'wasm') =>
        on(backend, () =>
          tf.concat(
            tf.split(t(), splits as number | number[], axis).map((p) => tf.add(p, 1)),
            axis,
          ),
        );
      expect(await parts('wasm')).toEqual(await parts('cpu'));
    }
  });

  it('keeps string slicing', async () => {
    registerWasmKernels();
    await tf.setBackend('wasm');
    const t = tf.tensor(['a', 'b', 'c', 'd']);
    expect(tf.slice(t, [1], [2]).arraySync()).toEqual(['b', 'c']);
  });
});

describe('wasm BatchMatMul replacement', () => {
  it('equals the cpu kernel for every transpose combination, with and without batch dimensions', async () => {
    registerWasmKernels();
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom([], [2], [2, 3]),
        fc.boolean(),
        fc.boolean(),
        async (m, k, n, batch, transposeA, transposeB) => {
          const values = (shape: number[]) =>
            Array.from({ length: shape.reduce((x, y) => x * y, 1) }, (_, i) => Math.sin(i * 1.7 + m));
          const aShape = [...batch, ...(transposeA ? [k, m] : [m, k])];
          const bShape = [...batch, ...(transposeB ? [n, k] : [k, n])];
          const product = () =>
            tf.matMul(
              tf.tensor(values(aShape), aShape),
              tf.tensor(values(bShape), bShape),
              transposeA,
              transposeB,
            );
          const cpu = await on('cpu', product);
          const wasm = await on('wasm', product);
          expect(wasm.shape).toEqual(cpu.shape);
          expectTensorsClose(wasm.values, cpu.values, { rtol: 1e-5, atol: 1e-5 });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('frees its transposed copies', async () => {
    registerWasmKernels();
    await tf.setBackend('wasm');
    const a = tf.ones([2, 3, 4]);
    const b = tf.ones([2, 5, 3]);
    const before = dataIds();
    tf.matMul(a, b, true, true).dispose();
    expect(dataIds()).toBe(before);
    tf.dispose([a, b]);
  });

  it('gives Dense weight gradients equal to the cpu backend', async () => {
    registerWasmKernels();
    const gradient = () =>
      tf.tidy(() => {
        const x = tf.tensor2d(
          Array.from({ length: 12 }, (_, i) => i / 7 - 0.5),
          [4, 3],
        );
        const w = tf.tensor2d(
          Array.from({ length: 6 }, (_, i) => Math.cos(i)),
          [3, 2],
        );
        const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.matMul(a, b))))([x, w]);
        return tf.concat([tf.reshape(dx!, [-1]), tf.reshape(dw!, [-1])]);
      });
    const cpu = await on('cpu', gradient);
    const wasm = await on('wasm', gradient);
    expectTensorsClose(wasm.values, cpu.values, { rtol: 1e-5, atol: 1e-6 });
  });
});

describe('wasm matrix products split into blocks', () => {
  it('equal the cpu kernels for any shape and transposes, split by columns or by the inner dimension, with bias and activation, and free every block', async () => {
    registerWasmKernels();
    // Tiny limits, so small products split into uneven blocks (XNNPACK's product: rnnkit's own does not split).
    setProductSplitting(true, { aboveBytes: 0, minRows: 1, blockBytes: 24 });
    setNativeProduct(false);
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 9 }),
          fc.integer({ min: 1, max: 9 }),
          fc.integer({ min: 1, max: 9 }),
          fc.boolean(),
          fc.boolean(),
          fc.constantFrom('none', 'linear', 'relu', 'elu') as fc.Arbitrary<'none' | tf.fused.Activation>,
          (m, k, n, transposeA, transposeB, activation) =>
            expectProductLikeCpu({ m, k, n, transposeA, transposeB, activation }),
        ),
        { numRuns: 80 },
      );
    } finally {
      setProductSplitting(true);
      setNativeProduct(true);
    }
  });

  it('at the real limits: a wide product splits by columns bit for bit, a deep one by the inner dimension to float32 rounding', async () => {
    registerWasmKernels();
    await tf.setBackend('wasm');
    setNativeProduct(false);
    onTestFinished(() => setNativeProduct(true));
    // Right operands of 8.6 MB and 8.4 MB, above the 8 MiB limit, with 512+ rows on the left.
    const cases = [
      { a: seeded([512, 1024], 1), b: seeded([1024, 2100], 2), transposeA: false, exact: true },
      { a: seeded([4100, 520], 3), b: seeded([4100, 512], 4), transposeA: true, exact: false },
    ];
    for (const { a, b, transposeA, exact } of cases) {
      const before = dataIds();
      const split = tf.matMul(a, b, transposeA);
      expect(dataIds()).toBe(before + 1);
      setProductSplitting(false);
      const whole = tf.matMul(a, b, transposeA);
      setProductSplitting(true);
      if (exact) expect(Array.from(split.dataSync())).toEqual(Array.from(whole.dataSync()));
      else expectTensorsClose(split, whole, { rtol: 1e-4, atol: 1e-4 });
      tf.dispose([a, b, split, whole]);
    }
  });
});

describe("rnnkit's matrix product on wasm", () => {
  it('equals the cpu kernels for any shape, transposes, batch shapes, bias and relu, with any blocking, and frees what it makes', async () => {
    registerWasmKernels();
    onTestFinished(() => setProductBlocking());
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          m: fc.integer({ min: 1, max: 37 }),
          k: fc.integer({ min: 1, max: 37 }),
          n: fc.integer({ min: 1, max: 70 }),
          transposeA: fc.boolean(),
          transposeB: fc.boolean(),
          activation: fc.constantFrom('none', 'linear', 'relu') as fc.Arbitrary<'none' | tf.fused.Activation>,
          batch: fc.constantFrom('none', 'both', 'left', 'right'),
          // A chunk of 1 or 3 splits k into many packed chunks; 4 bytes a block: 2 rows per work item.
          chunk: fc.constantFrom(1, 3, 512),
          blockBytes: fc.constantFrom(4, 100, 128 << 10),
          // Panels packed together: full groups, a partial last group, a group with a partial panel.
          panels: fc.constantFrom(1, 2, 4),
        }),
        async ({ m, k, n, transposeA, transposeB, activation, batch, chunk, blockBytes, panels }) => {
          setProductBlocking({ chunk, blockBytes, panels });
          const batchA = batch === 'both' || batch === 'left' ? [3] : [];
          const batchB = batch === 'both' || batch === 'right' ? [3] : [];
          await expectProductLikeCpu({ m, k, n, transposeA, transposeB, activation, batchA, batchB });
        },
      ),
      { numRuns: 150 },
    );
  });

  it('gives the same bits however the inner dimension is chunked, the rows blocked and the panels grouped', async () => {
    registerWasmKernels();
    await tf.setBackend('wasm');
    onTestFinished(() => setProductBlocking());
    const a = seeded([45, 1100], 1);
    // 5 panels, the last partial.
    const b = seeded([1100, 70], 2);
    const bias = seeded([70], 3);
    const bits = (blocking: Parameters<typeof setProductBlocking>[0]) => {
      setProductBlocking(blocking);
      const out = tf.fused.matMul({ a, b, bias, activation: 'relu' });
      const values = Array.from(out.dataSync());
      out.dispose();
      return values;
    };
    const whole = bits({ chunk: 4096, blockBytes: 1 << 30, panels: 1 });
    expect(whole.some((v) => v > 0) && whole.some((v) => v === 0)).toBe(true);
    for (const blocking of [
      {},
      { chunk: 7 },
      { blockBytes: 4 },
      { chunk: 1, blockBytes: 4 },
      { panels: 2 },
      { panels: 3, chunk: 7 },
      { panels: 8 },
    ]) {
      expect(bits(blocking)).toEqual(whole);
    }
    tf.dispose([a, b, bias]);
  });

  it('turns a trap in the native product into an RnnModelsError and stays usable', async () => {
    registerWasmKernels();
    await tf.setBackend('wasm');
    const runner = nativeProduct(tf.backend())!;
    const before = dataIds();
    // An address past the end of the heap: the kernel traps on its first load.
    const far = 0xfffff000;
    const args = {
      a: far,
      aRow: 2,
      aInner: 1,
      b: far,
      bInner: 2,
      bCol: 1,
      c: far,
      m: 2,
      k: 2,
      n: 2,
      bias: 0,
      relu: false,
    };
    expect(() => runner.run(args)).toThrow(
      expect.objectContaining({ name: 'RnnModelsError', code: 'RNN_MODELS_BACKEND_UNAVAILABLE' }),
    );
    expect(dataIds()).toBe(before);
    const product = tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]]));
    expect(Array.from(product.dataSync())).toEqual([11]);
  });

  it('frees its output and transposed copies when the native product throws', async () => {
    registerWasmKernels();
    await tf.setBackend('wasm');
    const runner = nativeProduct(tf.backend())!;
    const a = seeded([300, 40], 1);
    const b = seeded([260, 300], 2);
    const failure = new RnnModelsError('RNN_MODELS_BACKEND_UNAVAILABLE', 'injected');
    const spy = vi.spyOn(runner, 'run').mockImplementationOnce(() => {
      throw failure;
    });
    onTestFinished(() => spy.mockRestore());
    const before = dataIds();
    // Both operands transposed and 256+ columns wide: two temporary copies besides the output.
    expect(() => tf.matMul(a, b, true, true)).toThrow(failure);
    expect(dataIds()).toBe(before);
    tf.dispose([a, b]);
  });

  it('gives a product without an inner dimension its bias (after relu) or zeros, which tfjs 4.22 leaves unwritten', async () => {
    registerWasmKernels();
    await tf.setBackend('wasm');
    const empty = [tf.zeros([3, 0]), tf.zeros([0, 2]), tf.tensor1d([1, -1])] as const;
    const withBias = tf.fused.matMul({ a: empty[0], b: empty[1], bias: empty[2] });
    const relu = tf.fused.matMul({ a: empty[0], b: empty[1], bias: empty[2], activation: 'relu' });
    const plain = tf.matMul(tf.zeros([2, 3, 0]), tf.zeros([0, 2]));
    expect(withBias.arraySync()).toEqual([
      [1, -1],
      [1, -1],
      [1, -1],
    ]);
    expect(relu.arraySync()).toEqual([
      [1, 0],
      [1, 0],
      [1, 0],
    ]);
    expect(plain.shape).toEqual([2, 3, 2]);
    expect(Array.from(plain.dataSync())).toEqual(new Array(12).fill(0));
    tf.dispose([...empty, withBias, relu, plain]);
  });
});

describe('wasm Reverse replacement', () => {
  it('equals the cpu kernel for any set of axes in tensors of rank 1 to 4 and every dtype', async () => {
    registerWasmKernels();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
        fc.constantFrom('float32' as const, 'int32' as const, 'bool' as const),
        async (shape, flags, dtype) => {
          const axes = shape.map((_, d) => d).filter((d) => flags[d]);
          const size = shape.reduce((a, b) => a * b, 1);
          const reversed = () =>
            tf.tidy(() =>
              tf.reverse(
                tf.tensor(
                  Array.from({ length: size }, (_, i) => (dtype === 'bool' ? Number(i % 3 === 0) : i - 0.5)),
                  shape,
                  dtype,
                ),
                axes,
              ),
            );
          const cpu = await on('cpu', reversed);
          const wasm = await on('wasm', reversed);
          expect(wasm).toEqual(cpu);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('reverses the time axis of a Bidirectional-sized batch like the cpu kernel, leaving no backend data behind', async () => {
    registerWasmKernels();
    const data = Array.from({ length: 64 * 64 * 64 }, (_, i) => Math.sin(i));
    const reversed = () => tf.tidy(() => tf.reverse(tf.tensor3d(data, [64, 64, 64]), 1));
    const cpu = await on('cpu', reversed);
    await tf.setBackend('wasm');
    const dataIdsBefore = tf.engine().backend.numDataIds();
    const wasm = await on('wasm', reversed);
    expect(tf.engine().backend.numDataIds()).toBe(dataIdsBefore);
    expect(wasm).toEqual(cpu);
  });
});

describe('wasm Transpose replacement', () => {
  it('equals the cpu kernel for matrices of any size, with or without size-1 axes, and every dtype', async () => {
    registerWasmKernels();
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 1, max: 70 }),
        fc.constantFrom('float32' as const, 'int32' as const, 'bool' as const),
        fc.boolean(),
        async (rows, cols, dtype, withUnitAxis) => {
          const shape = withUnitAxis ? [rows, 1, cols] : [rows, cols];
          const perm = withUnitAxis ? [2, 1, 0] : [1, 0];
          const transposed = () =>
            tf.tidy(() =>
              tf.transpose(
                tf.tensor(
                  Array.from({ length: rows * cols }, (_, i) =>
                    dtype === 'bool' ? Number(i % 3 === 0) : i - 7.5,
                  ),
                  shape,
                  dtype,
                ),
                perm,
              ),
            );
          const cpu = await on('cpu', transposed);
          const wasm = await on('wasm', transposed);
          expect(wasm).toEqual(cpu);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('equals the cpu kernel for matrices whose rows cause cache-set conflicts, and for every other transpose', async () => {
    registerWasmKernels();
    const cases: [number[], number[]][] = [
      [
        [256, 256],
        [1, 0],
      ], // rows a multiple of 256
      [
        [512, 300],
        [1, 0],
      ],
      [
        [1, 768, 256],
        [0, 2, 1],
      ], // batched swap of one matrix (BatchMatMul's transposes)
      [
        [768, 1, 256],
        [2, 1, 0],
      ],
      [
        [255, 301],
        [1, 0],
      ], // edges outside the 4×4 blocks
      [
        [4, 5, 6],
        [2, 0, 1],
      ],
    ];
    for (const [shape, perm] of cases) {
      const size = shape.reduce((a, b) => a * b, 1);
      const transposed = () =>
        tf.tidy(() =>
          tf.transpose(
            tf.tensor(
              Array.from({ length: size }, (_, i) => i),
              shape,
              'int32',
            ),
            perm,
          ),
        );
      const cpu = await on('cpu', transposed);
      const wasm = await on('wasm', transposed);
      expect(wasm, `${shape} ${perm}`).toEqual(cpu);
    }
  });

  it('leaves no backend data behind', async () => {
    registerWasmKernels();
    await tf.setBackend('wasm');
    const x = tf.ones([512, 256]);
    const dataIdsBefore = tf.engine().backend.numDataIds();
    tf.transpose(x).dispose();
    tf.tidy(() => tf.transpose(tf.cast(x, 'bool'))).dispose(); // tfjs' own kernel
    expect(tf.engine().backend.numDataIds()).toBe(dataIdsBefore);
    x.dispose();
  });
});

describe('wasm GatherV2 replacement', () => {
  it('equals the cpu kernel for any axis, index shape and dtype', async () => {
    registerWasmKernels();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }),
        fc.nat(2),
        fc.array(fc.nat(99), { minLength: 0, maxLength: 7 }),
        fc.constantFrom('float32' as const, 'int32' as const, 'bool' as const),
        async (shape, axisSeed, idSeeds, dtype) => {
          const axis = axisSeed % shape.length;
          const ids = idSeeds.map((id) => id % shape[axis]!);
          const size = shape.reduce((a, b) => a * b, 1);
          const gathered = () =>
            tf.tidy(() =>
              tf.gather(
                tf.tensor(
                  Array.from({ length: size }, (_, i) => (dtype === 'bool' ? Number(i % 3 === 0) : i)),
                  shape,
                  dtype,
                ),
                tf.tensor(ids, [ids.length], 'int32'),
                axis,
              ),
            );
          const cpu = await on('cpu', gathered);
          const wasm = await on('wasm', gathered);
          expect(wasm).toEqual(cpu);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('gathers a 2-D index tensor (an Embedding lookup) and rejects out-of-range ids', async () => {
    registerWasmKernels();
    await tf.setBackend('wasm');
    const table = tf.tensor2d([0, 1, 10, 11, 20, 21], [3, 2]);
    const looked = tf.gather(table, tf.tensor2d([2, 0, 1, 1], [2, 2], 'int32'));
    expect(looked.shape).toEqual([2, 2, 2]);
    expect(Array.from(await looked.data())).toEqual([20, 21, 0, 1, 10, 11, 10, 11]);
    expect(() => tf.gather(table, tf.tensor1d([3], 'int32'))).toThrow(/index value 3 is not in \[0, 2\]/);
    tf.dispose([table, looked]);
  });
});

describe('wasm Tile replacement', () => {
  it('equals the cpu kernel for any reps over tensors of rank 1 to 4 and every dtype', async () => {
    registerWasmKernels();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 4, maxLength: 4 }),
        fc.constantFrom('float32' as const, 'int32' as const, 'bool' as const),
        async (shape, repSeeds, dtype) => {
          const reps = shape.map((_, d) => repSeeds[d]!);
          const size = shape.reduce((a, b) => a * b, 1);
          const tiled = () =>
            tf.tidy(() =>
              tf.tile(
                tf.tensor(
                  Array.from({ length: size }, (_, i) => (dtype === 'bool' ? Number(i % 3 === 0) : i)),
                  shape,
                  dtype,
                ),
                reps,
              ),
            );
          const cpu = await on('cpu', tiled);
          const wasm = await on('wasm', tiled);
          expect(wasm).toEqual(cpu);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('broadcasts a BatchNormalization-sized row (long rows) like the cpu kernel', async () => {
    registerWasmKernels();
    const tiled = () => tf.tidy(() => tf.tile(tf.reshape(tf.range(0, 128), [1, 1, 1, 128]), [1, 1, 1024, 1]));
    const cpu = await on('cpu', tiled);
    const wasm = await on('wasm', tiled);
    expect(wasm).toEqual(cpu);
  });
});

describe('wasm Sum and Mean replacements', () => {
  it('equal the cpu kernels for any axes over tensors of rank 1 to 4, with and without keepDims', async () => {
    registerWasmKernels();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
        fc.boolean(),
        fc.constantFrom('sum' as const, 'mean' as const),
        fc.constantFrom('float32' as const, 'int32' as const),
        async (shape, pick, keepDims, op, dtype) => {
          const axes = shape.map((_, d) => d).filter((d) => pick[d]);
          const size = shape.reduce((a, b) => a * b, 1);
          // Small integers: every order of summation gives the same float32 sum.
          const reduce = () =>
            tf.tidy(() => {
              const x = tf.tensor(
                Array.from({ length: size }, (_, i) => ((i * 7) % 11) - 5),
                shape,
                dtype,
              );
              const axis = axes.length === 0 ? undefined : axes;
              return op === 'sum' ? tf.sum(x, axis, keepDims) : tf.mean(x, axis, keepDims);
            });
          const cpu = await on('cpu', reduce);
          const wasm = await on('wasm', reduce);
          expect(wasm.shape).toEqual(cpu.shape);
          expectTensorsClose(wasm.values, cpu.values, { rtol: 1e-6, atol: 1e-6 });
        },
      ),
      { numRuns: 150 },
    );
  });

  it('reduce a BatchNormalization-sized batch and a bias gradient over their leading axes like the cpu kernels', async () => {
    registerWasmKernels();
    for (const shape of [
      [1, 1, 1024, 130],
      [4096, 256],
    ]) {
      const data = Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i));
      for (const op of [tf.sum, tf.mean]) {
        const reduce = () => tf.tidy(() => op(tf.tensor(data, shape), shape.length === 4 ? [0, 1, 2] : 0));
        const cpu = await on('cpu', reduce);
        const wasm = await on('wasm', reduce);
        expect(wasm.shape).toEqual([shape[shape.length - 1]]);
        expectTensorsClose(wasm.values, cpu.values, { rtol: 1e-4, atol: 1e-4 });
      }
    }
  });

  it('runs the native column sums, not tfjs’ transpose and reduction', async () => {
    registerWasmKernels();
    await tf.setBackend('wasm');
    const x = tf.ones([1024, 128]);
    const profile = await tf.profile(() => tf.sum(x, 0));
    expect(profile.kernels.map((k) => k.name)).toEqual(['Sum']);
    expect(Array.from(await (profile.result as tf.Tensor).data()).every((v) => v === 1024)).toBe(true);
    tf.dispose([x, profile.result as tf.Tensor]);
  });
});

describe('wasm Identity replacement', () => {
  it('shares the memory of its input and keeps it alive until both are disposed', async () => {
    registerWasmKernels();
    await tf.setBackend('wasm');
    const buffers = () => (tf.memory() as { numDataBuffers: number }).numDataBuffers;
    const before = buffers();
    const x = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const copy = tf.clone(x);
    expect(buffers() - before).toBe(1); // one buffer for both
    x.dispose();
    expect(Array.from(await copy.data())).toEqual([1, 2, 3, 4]);
    copy.dispose();
    expect(buffers()).toBe(before);
  });

  it('keeps what a custom gradient saves intact through training-style use', async () => {
    registerWasmKernels();
    await tf.setBackend('wasm');
    const square = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
      save([x]);
      return {
        value: tf.square(x),
        gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) => tf.mul(dy, tf.mul(saved!, 2)),
      };
    }) as unknown as Parameters<typeof tf.customGrad>[0]);
    const v = tf.variable(tf.tensor1d([1, 2, 3]), true, 'identity-test');
    const before = tf.memory().numTensors;
    for (let repeat = 0; repeat < 3; repeat++) {
      const { value, grads } = tf.variableGrads(() => tf.sum(square(v)) as tf.Scalar, [v]);
      expect(await value.data()).toEqual(new Float32Array([14]));
      expect(Array.from(await grads['identity-test']!.data())).toEqual([2, 4, 6]);
      tf.dispose([value, ...Object.values(grads)]);
    }
    expect(tf.memory().numTensors).toBe(before);
    v.dispose();
  });
});

/** Counts calls of tfjs' own kernels `names` behind rnnkit's replacements until the test ends. */
function countOriginalCalls(names: readonly string[]): () => number {
  let calls = 0;
  const originals = new Map(names.map((name) => [name, originalKernel(name)]));
  for (const [name, kernel] of originals) {
    keepOriginalKernel(name, (args) => {
      calls++;
      return kernel(args);
    });
  }
  onTestFinished(() => {
    for (const [name, kernel] of originals) keepOriginalKernel(name, kernel);
  });
  return () => calls;
}

/**
 * `run` on the cpu backend, then on wasm (checking it leaves no backend data behind), with the
 * calls of tfjs' own kernels the wasm run made (`originalCalls` from {@link countOriginalCalls}).
 */
async function cpuThenWasm(run: () => tf.Tensor, originalCalls: () => number) {
  const cpu = await on('cpu', run);
  await tf.setBackend('wasm');
  const before = dataIds();
  const calls = originalCalls();
  const wasm = await on('wasm', run);
  expect(dataIds()).toBe(before);
  return { cpu, wasm, fallbacks: originalCalls() - calls };
}

describe('wasm element-wise kernel replacements', () => {
  it('(Add, Sub, Multiply, RealDiv) lay broadcasts out as one [outer, inner] loop where they can', () => {
    const full = { dependsOnOuter: true, dependsOnInner: true };
    const row = { dependsOnOuter: false, dependsOnInner: true };
    const column = { dependsOnOuter: true, dependsOnInner: false };
    const scalar = { dependsOnOuter: false, dependsOnInner: false };
    expect(binaryPlan([3, 4], [3, 4])).toEqual({ outer: 1, inner: 12, a: row, b: row });
    expect(binaryPlan([1, 128], [1024, 128])).toEqual({ outer: 1024, inner: 128, a: row, b: full });
    expect(binaryPlan([1, 1, 1024, 64], [64])).toEqual({ outer: 1024, inner: 64, a: full, b: row });
    expect(binaryPlan([1024, 1], [1024, 28])).toEqual({ outer: 1024, inner: 28, a: column, b: full });
    expect(binaryPlan([], [2, 3])).toEqual({ outer: 1, inner: 6, a: scalar, b: row });
    expect(binaryPlan([2, 1, 3], [2, 5, 1])).toBeNull();
    expect(binaryPlan([4, 1, 3], [1, 5, 1])).toBeNull();
    // A column of a [2, 3, 4] output: varies along the first two dimensions only.
    expect(binaryPlan([2, 3, 1], [2, 3, 4])).toEqual({ outer: 6, inner: 4, a: column, b: full });
  });

  it('(Add, Sub, Multiply, RealDiv) equal the cpu kernels bit for bit on any broadcast, run natively where laid out, and free what they make', async () => {
    registerWasmKernels();
    const names = { add: tf.Add, sub: tf.Sub, mul: tf.Multiply, div: tf.RealDiv } as const;
    const originalCalls = countOriginalCalls(Object.values(names));
    // Shapes that broadcast: each dimension of each operand is the output's or 1, ranks may differ.
    const arbitraryCase = fc
      .array(fc.integer({ min: 1, max: 6 }), { minLength: 0, maxLength: 4 })
      .chain((out) =>
        fc.record({
          out: fc.constant(out),
          a: fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }),
          b: fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }),
          dropA: fc.integer({ min: 0, max: out.length }),
          dropB: fc.integer({ min: 0, max: out.length }),
          op: fc.constantFrom('add', 'sub', 'mul', 'div') as fc.Arbitrary<keyof typeof names>,
        }),
      );
    await fc.assert(
      fc.asyncProperty(arbitraryCase, async ({ out, a, b, dropA, dropB, op }) => {
        const shapeA = out.map((size, d) => (a[d] ? 1 : size)).slice(dropA);
        const shapeB = out.map((size, d) => (b[d] ? 1 : size)).slice(dropB);
        const f = { add: tf.add, sub: tf.sub, mul: tf.mul, div: tf.div }[op];
        // Zeros among the values: division by zero and signed zeros take the same path.
        const values = (shape: number[], seed: number) =>
          tf.tidy(() =>
            tf.mul(seeded(shape, seed), tf.cast(tf.greater(seeded(shape, seed + 1), -0.8), 'float32')),
          );
        const run = () => tf.tidy(() => f(values(shapeA, 1), values(shapeB, 3)));
        const { cpu, wasm, fallbacks } = await cpuThenWasm(run, originalCalls);
        expect(wasm.shape).toEqual(cpu.shape);
        expect(wasm.values.map((v) => (Number.isNaN(v) ? 'NaN' : v))).toEqual(
          cpu.values.map((v) => (Number.isNaN(v) ? 'NaN' : v)),
        );
        // The op itself (values() runs one Multiply, with a cast mask, on each operand as well).
        const laidOut = binaryPlan(shapeA, shapeB) !== null;
        if (laidOut && wasm.values.length > 0) expect(fallbacks).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('(Neg, Abs, Floor, Ceil, Relu, Square, Sqrt) equal the cpu kernels bit for bit, NaN and signed zeros included, natively', async () => {
    registerWasmKernels();
    const ops = {
      [tf.Neg]: tf.neg,
      [tf.Abs]: tf.abs,
      [tf.Floor]: tf.floor,
      [tf.Ceil]: tf.ceil,
      [tf.Relu]: tf.relu,
      [tf.Square]: tf.square,
      [tf.Sqrt]: tf.sqrt,
    } as Record<string, (x: tf.Tensor) => tf.Tensor>;
    const originalCalls = countOriginalCalls(Object.keys(ops));
    const special = [
      Number.NaN,
      -0,
      0,
      -2.5,
      2.5,
      -1e-40,
      1e30,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.float({ noDefaultInfinity: false }), fc.constantFrom(...special)), {
          minLength: 1,
          maxLength: 23,
        }),
        fc.constantFrom(...Object.keys(ops)),
        async (values, name) => {
          const run = () => tf.tidy(() => ops[name]!(tf.tensor1d(values)));
          const { cpu, wasm, fallbacks } = await cpuThenWasm(run, originalCalls);
          expect(fallbacks).toBe(0);
          const bits = (xs: number[]) => Array.from(new Uint32Array(new Float32Array(xs).buffer));
          // NaN payloads aside (any NaN is a NaN), the same bits: signs of zeros included.
          const canonical = (xs: number[]) => bits(xs.map((v) => (Number.isNaN(v) ? Number.NaN : v)));
          expect(canonical(wasm.values)).toEqual(canonical(cpu.values));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('free their output and throw an RnnModelsError when the native call fails', async () => {
    registerWasmKernels();
    await tf.setBackend('wasm');
    const real = tf.tensor1d([1, 2]);
    // A tensor the backend does not hold: the native call fails after the output is made.
    const stray = { dataId: {}, shape: [2], dtype: 'float32' as const };
    const before = dataIds();
    const call = (kernel: tf.KernelConfig, inputs: Record<string, unknown>) => () =>
      kernel.kernelFunc({ inputs, backend: tf.backend(), attrs: {} } as never);
    expect(call(add, { a: stray, b: real })).toThrow(RnnModelsError);
    expect(call(neg, { x: stray })).toThrow(RnnModelsError);
    expect(dataIds()).toBe(before);
    real.dispose();
  });

  it('leave int32 and large outputs to tfjs’ own kernels', async () => {
    registerWasmKernels();
    await tf.setBackend('wasm');
    const calls = countOriginalCalls([tf.Add]);
    const ints = tf.tensor1d([1, 2, 3], 'int32');
    const big = tf.zeros([1 << 19]);
    const sums = [tf.add(ints, ints), tf.add(big, 1)];
    expect(calls()).toBe(2);
    expect(Array.from(sums[0]!.dataSync())).toEqual([2, 4, 6]);
    tf.dispose([ints, big, ...sums]);
  });
});
