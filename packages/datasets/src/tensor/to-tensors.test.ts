import { expectNoLeaks } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { expectErrorCode } from '@rnnkit/test-utils';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { Dataset } from '../dataset.js';
import { DatasetsError } from '../errors.js';
import { type Example, tensorBatch, toTensors } from './to-tensors.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('tensorBatch', () => {
  it('stacks equal-shape examples with the requested dtypes', () => {
    const { xs, ys } = tensorBatch(
      [
        { xs: [1, 2, 3], ys: 4 },
        { xs: [2, 3, 4], ys: 5 },
      ],
      { xsDtype: 'int32' },
    );
    expect(xs.shape).toEqual([2, 3]);
    expect(xs.dtype).toBe('int32');
    expect(Array.from(xs.dataSync())).toEqual([1, 2, 3, 2, 3, 4]);
    expect(ys.shape).toEqual([2]);
    expect(ys.dtype).toBe('float32');
    tf.dispose([xs, ys]);
  });

  it('stacks feature vectors per step', () => {
    const { xs, ys } = tensorBatch([
      {
        xs: [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
        ys: [[7, 8]],
      },
      {
        xs:
          new Float32Array([0, 0, 0]).map(() => 0).length === 3
            ? [
                [0, 1],
                [1, 0],
                [0, 0],
              ]
            : [],
        ys: [[1, 1]],
      },
    ]);
    expect(xs.shape).toEqual([2, 3, 2]);
    expect(ys.shape).toEqual([2, 1, 2]);
    tf.dispose([xs, ys]);
  });

  it('stacks typed arrays on the fast path exactly as the general path does', () => {
    const typed = [
      { xs: Int32Array.from([1, 2, 3]), ys: 4 },
      { xs: Int32Array.from([5, 6, 7]), ys: 8 },
    ];
    const plain = typed.map(({ xs, ys }) => ({ xs: Array.from(xs), ys }));
    for (const dtype of ['int32', 'float32'] as const) {
      const fast = tensorBatch(typed, { xsDtype: dtype, ysDtype: dtype });
      const general = tensorBatch(plain, { xsDtype: dtype, ysDtype: dtype });
      expect(fast.xs.shape).toEqual(general.xs.shape);
      expect(fast.xs.dtype).toBe(dtype);
      expect(Array.from(fast.xs.dataSync())).toEqual(Array.from(general.xs.dataSync()));
      expect(Array.from(fast.ys.dataSync())).toEqual(Array.from(general.ys.dataSync()));
      tf.dispose([fast.xs, fast.ys, general.xs, general.ys]);
    }
    expectErrorCode(
      () => tensorBatch([{ xs: Float32Array.from([0.5]), ys: 0 }], { xsDtype: 'int32' }),
      DatasetsError,
      'DATASETS_INVALID_INPUT',
    );
  });

  it('reshapes flat values by xsShape/ysShape', () => {
    const { xs, ys } = tensorBatch([
      {
        xs: new Float32Array([1, 2, 3, 4, 5, 6]),
        xsShape: [3, 2],
        ys: new Float32Array([7]),
        ysShape: [1, 1],
      },
      { xs: new Float32Array(6), xsShape: [3, 2], ys: new Float32Array([8]), ysShape: [1, 1] },
    ]);
    expect(xs.shape).toEqual([2, 3, 2]);
    expect(ys.shape).toEqual([2, 1, 1]);
    tf.dispose([xs, ys]);
    expectErrorCode(
      () => tensorBatch([{ xs: [1, 2, 3], xsShape: [2, 2], ys: 0 }]),
      DatasetsError,
      'DATASETS_SHAPE_MISMATCH',
    );
  });

  it('pads ragged sequences at the end and masks the padding', () => {
    const { xs, ys, mask } = tensorBatch(
      [
        { xs: [5, 6, 7], ys: [6, 7, 8] },
        { xs: [9], ys: [10] },
      ],
      { xsDtype: 'int32', padding: { padValue: 0 }, mask: true },
    );
    expect(xs.shape).toEqual([2, 3]);
    expect(Array.from(xs.dataSync())).toEqual([5, 6, 7, 9, 0, 0]);
    expect(Array.from(ys.dataSync())).toEqual([6, 7, 8, 10, 0, 0]);
    expect(Array.from(mask!.dataSync())).toEqual([1, 1, 1, 1, 0, 0]);
    tf.dispose([xs, ys, mask!]);
  });

  it('pads to a fixed length', () => {
    const { xs, ys } = tensorBatch([{ xs: [1], ys: 1 }], { padding: { padValue: -1, maxLength: 3 } });
    expect(Array.from(xs.dataSync())).toEqual([1, -1, -1]);
    expect(ys.shape).toEqual([1]);
    tf.dispose([xs, ys]);
  });

  it('reports ragged batches, longer-than-padding sequences, bad values and empty batches', () => {
    expectErrorCode(
      () =>
        tensorBatch([
          { xs: [1, 2], ys: 0 },
          { xs: [1], ys: 0 },
        ]),
      DatasetsError,
      'DATASETS_SHAPE_MISMATCH',
    );
    expectErrorCode(
      () => tensorBatch([{ xs: [1, 2, 3], ys: 0 }], { padding: { maxLength: 2 } }),
      DatasetsError,
      'DATASETS_SHAPE_MISMATCH',
    );
    expectErrorCode(
      () => tensorBatch([{ xs: [[1, 2], [3]], ys: 0 }]),
      DatasetsError,
      'DATASETS_SHAPE_MISMATCH',
    );
    expectErrorCode(
      () => tensorBatch([{ xs: [1.5], ys: 0 }], { xsDtype: 'int32' }),
      DatasetsError,
      'DATASETS_INVALID_INPUT',
    );
    expectErrorCode(
      () => tensorBatch([{ xs: [Number.NaN], ys: 0 }]),
      DatasetsError,
      'DATASETS_INVALID_INPUT',
    );
    expectErrorCode(
      () => tensorBatch([{ ys: 0 } as unknown as Example]),
      DatasetsError,
      'DATASETS_INVALID_INPUT',
    );
    expectErrorCode(() => tensorBatch([]), DatasetsError, 'DATASETS_EMPTY_INPUT');
  });

  it('leaves no tensors behind when it throws', () => {
    const before = tf.memory().numTensors;
    expect(() => tensorBatch([{ xs: [1], ys: [Number.NaN] }])).toThrow(DatasetsError);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('toTensors with tfjs-layers', () => {
  // y = 2·x0 − x1: a linear model must learn it from a shuffled, batched pipeline.
  const examples: Example[] = Array.from({ length: 256 }, (_, k) => {
    const x0 = ((k * 37) % 101) / 101;
    const x1 = ((k * 53) % 89) / 89;
    return { xs: [x0, x1], ys: [2 * x0 - x1] };
  });

  it('is accepted by model.fitDataset, which learns from it without leaking tensors', async () => {
    const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [2] })] });
    model.compile({ optimizer: tf.train.adam(0.1), loss: 'meanSquaredError' });
    const data = toTensors(Dataset.from(examples).shuffle(256, 3).batch(32));
    expect(data.size).toBe(8);
    const first = await model.fitDataset(data, { epochs: 1, verbose: 0 }); // also creates optimizer slots
    let history: tfl.History | undefined;
    await expectNoLeaks(async () => {
      history = await model.fitDataset(data, { epochs: 20, verbose: 0 });
    });
    const finalLoss = (history!.history['loss'] as number[]).at(-1)!;
    expect(finalLoss).toBeLessThan(0.01);
    expect(finalLoss).toBeLessThan((first.history['loss']![0] as number) / 10);
    model.dispose();
  });

  it('yields tensors the consumer owns, one batch at a time', async () => {
    const before = tf.memory().numTensors;
    const data = toTensors(Dataset.from(examples).batch(100));
    const shapes: number[][] = [];
    for await (const batch of data) {
      shapes.push(batch.xs.shape);
      tf.dispose([batch.xs, batch.ys]);
    }
    expect(shapes).toEqual([
      [100, 2],
      [100, 2],
      [56, 2],
    ]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('tensorBatch size limit and input checks', () => {
  it('issue 13 #13: padding.maxLength 1e10 is DATASETS_TOO_LARGE before anything is allocated, and leaks nothing', async () => {
    await expectNoLeaks(() => {
      expectErrorCode(
        () => tensorBatch([{ xs: [1], ys: 0 }], { padding: { maxLength: 1e10 } }),
        DatasetsError,
        'DATASETS_TOO_LARGE',
      );
    });
  });

  it('pads into typed arrays of the dtype: a fractional padValue cannot pad int32, NaN in a sequence is rejected', async () => {
    await expectNoLeaks(() => {
      expectErrorCode(
        () =>
          tensorBatch(
            [
              { xs: [1], ys: 0 },
              { xs: [1, 2], ys: 0 },
            ],
            {
              xsDtype: 'int32',
              padding: { padValue: 0.5 },
            },
          ),
        DatasetsError,
        'DATASETS_INVALID_INPUT',
      );
      expectErrorCode(
        () =>
          tensorBatch(
            [
              { xs: [Number.NaN], ys: 0 },
              { xs: [1, 2], ys: 0 },
            ],
            { padding: {} },
          ),
        DatasetsError,
        'DATASETS_INVALID_INPUT',
      );
    });
    const { xs, ys } = tensorBatch(
      [
        { xs: [1], ys: 0 },
        { xs: [1, 2], ys: 1 },
      ],
      {
        xsDtype: 'int32',
        padding: { padValue: -1, maxLength: 3 },
      },
    );
    expect(await xs.array()).toEqual([
      [1, -1, -1],
      [1, 2, -1],
    ]);
    tf.dispose([xs, ys]);
  });

  it('toTensors takes a Dataset: an array is DATASETS_INVALID_INPUT, not tensors made and lost', async () => {
    await expectNoLeaks(() => {
      expectErrorCode(
        () => toTensors([[{ xs: [1], ys: 0 }]] as never),
        DatasetsError,
        'DATASETS_INVALID_INPUT',
      );
    });
  });
});
