import { describeValue } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
import { Seq2SeqError } from './errors.js';

/** Rows of token ids, as plain arrays (all rows of one length). */
export type IdRows = readonly (readonly number[] | Int32Array)[];

function invalid(where: string, name: string, message: string): never {
  throw new Seq2SeqError('SEQ2SEQ_INVALID_INPUT', `${where}: ${name} ${message}`);
}

/**
 * Ids as an int32 tensor `[batch, time]`: a tensor is checked (rank 2, at least one column) and
 * cast (a new tensor when cast, else the same one — call inside `tf.tidy`); arrays are checked
 * (integers in `0 … vocabularySize − 1`, equal lengths) and copied. A single row of numbers is
 * one batch row.
 * @throws Seq2SeqError `SEQ2SEQ_INVALID_INPUT` naming the argument.
 */
export function toIdTensor(
  where: string,
  name: string,
  ids: tf.Tensor | IdRows | ArrayLike<number>,
  vocabularySize: number,
): tf.Tensor2D {
  if (ids instanceof tf.Tensor) {
    if (ids.isDisposed) invalid(where, name, 'is a disposed tensor; pass a live one.');
    if (ids.rank !== 2 || ids.shape[1] === 0) {
      invalid(where, name, `must be [batch, time ≥ 1] ids, got a tensor of shape [${ids.shape.join(', ')}].`);
    }
    return (ids.dtype === 'int32' ? ids : tf.cast(ids, 'int32')) as tf.Tensor2D;
  }
  if (ids === null || typeof ids !== 'object' || typeof (ids as ArrayLike<number>).length !== 'number') {
    invalid(where, name, `must be a [batch, time] id tensor or arrays of ids, got ${describeValue(ids)}.`);
  }
  const list = ids as ArrayLike<unknown>;
  const rows = (
    list.length > 0 && typeof list[0] === 'number' ? [list] : Array.from(list)
  ) as ArrayLike<unknown>[];
  if (rows.length === 0) invalid(where, name, 'is empty; pass at least one row of ids.');
  const width = rows[0]?.length;
  const values = new Int32Array(rows.length * (width ?? 0));
  rows.forEach((row, r) => {
    if (row === null || typeof row !== 'object' || row.length !== width || width === 0) {
      invalid(
        where,
        name,
        `row ${r} is ${describeValue(row)}; every row must be a non-empty array of ${width} ids (pad rows to one length with 0).`,
      );
    }
    for (let t = 0; t < width!; t++) {
      const id = row[t];
      if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= vocabularySize) {
        invalid(
          where,
          name,
          `[${r}][${t}] is ${describeValue(id)}; ids must be integers in 0 … ${vocabularySize - 1} (the vocabulary, 0 = padding).`,
        );
      }
      values[r * width! + t] = id;
    }
  });
  return tf.tensor2d(values, [rows.length, width!], 'int32');
}
