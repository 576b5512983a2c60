import { expectErrorCode } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useCpuBackend } from '../test/support.js';
import { Seq2SeqError } from './errors.js';
import {
  DEFAULT_TEACHER_FORCING_BATCHES_OPTIONS,
  teacherForcingBatch,
  teacherForcingBatches,
} from './teacher-forcing.js';

useCpuBackend();

describe('teacherForcingBatch', () => {
  it('feeds BOS + target and labels target + EOS, 0-padded at the end', () => {
    const batch = teacherForcingBatch([[5, 6], [7]], [[7, 8, 9], [4]], { bos: 1, eos: 2 });
    expect(batch.xs[0].arraySync()).toEqual([
      [5, 6],
      [7, 0],
    ]);
    expect(batch.xs[1].arraySync()).toEqual([
      [1, 7, 8, 9],
      [1, 4, 0, 0],
    ]);
    expect(batch.ys.arraySync()).toEqual([
      [7, 8, 9, 2],
      [4, 2, 0, 0],
    ]);
    expect([batch.xs[0].dtype, batch.xs[1].dtype, batch.ys.dtype]).toEqual(['int32', 'int32', 'int32']);
    tf.dispose([...batch.xs, batch.ys]);
  });

  it('batches every pair once per epoch, reshuffled, the same for the same seed', () => {
    expect(DEFAULT_TEACHER_FORCING_BATCHES_OPTIONS).toEqual({ batchSize: 64, shuffle: true, seed: null });
    const sources = Array.from({ length: 10 }, (_, i) => [i + 1]);
    const read = (seed: number) => {
      const epochs = teacherForcingBatches(sources, sources, { bos: 20, eos: 21, batchSize: 4, seed });
      return [0, 1].map(() =>
        [...epochs()].map((batch) => {
          const ids = (batch.xs[0].arraySync() as number[][]).map((row) => row[0]!);
          tf.dispose([...batch.xs, batch.ys]);
          return ids;
        }),
      );
    };
    const [first, second] = read(3);
    expect(first!.map((ids) => ids.length)).toEqual([4, 4, 2]);
    expect(first!.flat().sort((a, b) => a - b)).toEqual(sources.flat());
    expect(second).not.toEqual(first);
    expect(read(3)).toEqual([first, second]);
  });

  it('refuses padding inside rows, mismatched counts and misspelt options', () => {
    expectErrorCode(
      () => teacherForcingBatch([[1, 0]], [[2]], { bos: 1, eos: 2 }),
      Seq2SeqError,
      'SEQ2SEQ_INVALID_INPUT',
    );
    expectErrorCode(
      () => teacherForcingBatch([[1]], [[2], [3]], { bos: 1, eos: 2 }),
      Seq2SeqError,
      'SEQ2SEQ_INVALID_INPUT',
    );
    expectErrorCode(
      () => teacherForcingBatch([[1]], [[2]], { bos: 1 } as never),
      Seq2SeqError,
      'SEQ2SEQ_INVALID_OPTION',
    );
    expectErrorCode(
      () => teacherForcingBatches([[1]], [[2]], { bos: 1, eos: 2, batchSzie: 3 } as never),
      Seq2SeqError,
      'SEQ2SEQ_INVALID_OPTION',
    );
  });
});
