import { describeValue } from '@rnnkit/core';
import { DatasetsError } from './errors.js';
import { type IdSequence, requireNumberSequence } from './validate.js';

/** Largest id that fits an `Int32Array` element. */
export const MAX_INT32_ID = 2 ** 31 - 1;

/**
 * Checks that `sequence` is an array or typed array of integer ids in `[0, 2³¹ − 1]`, the ids
 * an `Int32Array` holds exactly.
 * @throws DatasetsError `DATASETS_INVALID_INPUT` naming the first bad element.
 */
export function requireIdSequence(sequence: unknown, what: string): IdSequence {
  const values = requireNumberSequence(sequence, what);
  for (let k = 0; k < values.length; k++) {
    const value = values[k]!;
    if (!Number.isInteger(value) || value < 0 || value > MAX_INT32_ID) {
      throw new DatasetsError(
        'DATASETS_INVALID_INPUT',
        `${what} holds ${describeValue(value)} at position ${k}; ids must be integers in [0, ${MAX_INT32_ID}].`,
      );
    }
  }
  return values;
}

/**
 * Checks one flat, non-empty corpus of ids.
 * @throws DatasetsError `DATASETS_INVALID_INPUT` (not ids), `DATASETS_EMPTY_INPUT` (no ids).
 */
export function requireIdCorpus(ids: unknown, what: string): IdSequence {
  const values = requireIdSequence(ids, what);
  if (values.length === 0) {
    throw new DatasetsError('DATASETS_EMPTY_INPUT', `${what} is empty; pass at least one id.`);
  }
  return values;
}

/**
 * Reads either one flat sequence of ids or a list of documents (each a sequence of ids) and
 * returns the list of documents (a flat sequence becomes a list of one). Nothing is copied.
 * @throws DatasetsError `DATASETS_INVALID_INPUT` (not ids), `DATASETS_EMPTY_INPUT` (no
 *   documents, or no ids in any document).
 */
export function toIdDocuments(sequences: unknown, what: string): IdSequence[] {
  let documents: IdSequence[];
  if (Array.isArray(sequences) && sequences.length > 0 && typeof sequences[0] !== 'number') {
    documents = sequences.map((document: unknown, d) => requireIdSequence(document, `${what}[${d}]`));
  } else {
    documents = [requireIdSequence(sequences, what)];
  }
  if (documents.every((document) => document.length === 0)) {
    throw new DatasetsError(
      'DATASETS_EMPTY_INPUT',
      `${what} holds no ids (${describeValue(sequences)}); pass at least one non-empty sequence.`,
    );
  }
  return documents;
}

/** A fresh `Int32Array` holding `source[start … start + length − 1]`. */
export function copyIds(source: IdSequence, start: number, length: number): Int32Array {
  const out = new Int32Array(length);
  for (let k = 0; k < length; k++) out[k] = source[start + k]!;
  return out;
}
