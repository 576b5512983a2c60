import { TokenizeError } from './errors.js';
import { check, requireIdSequence, requireTextCollection } from './validate.js';

/** How {@link Tokenizer.sequencesToMatrix} weights a word. */
export type MatrixMode = 'binary' | 'count' | 'tfidf' | 'freq';

/** Every {@link MatrixMode}, for validation. */
export const MATRIX_MODES: readonly MatrixMode[] = ['binary', 'count', 'tfidf', 'freq'];

/**
 * The most cells (rows × columns) {@link Tokenizer.sequencesToMatrix} and `textsToMatrix` build:
 * 10⁸ float64s, 800 MB. Beyond it they fail up front instead of exhausting memory.
 */
export const MAX_MATRIX_CELLS = 100_000_000;

/** What {@link bagOfWordsRows} needs from the tokenizer. */
export interface BagOfWordsCounts {
  /** Row width: `numWords`, or the word index size + 1; 0 when there is neither. */
  readonly columns: number;
  /** Documents fitted so far (tf-idf's document count). */
  readonly documentCount: number;
  /** Id → number of documents containing it (tf-idf's document frequencies). */
  readonly indexDocs: ReadonlyMap<number, number>;
}

/**
 * Keras `sequences_to_matrix`: one `Float64Array` row of `columns` weights per id sequence;
 * ids ≥ `columns` are ignored. `where` names the public method in errors.
 *
 * @throws TokenizeError `TOKENIZE_INVALID_OPTION` for an unknown mode or `tfidf` without counted
 *   documents, `TOKENIZE_NOT_FITTED` without columns, `TOKENIZE_INVALID_INPUT` for non-id sequences.
 */
export function bagOfWordsRows(
  where: string,
  sequences: Iterable<Iterable<number>>,
  mode: MatrixMode,
  counts: BagOfWordsCounts,
): Float64Array[] {
  check.oneOf(where, 'mode', mode, MATRIX_MODES);
  const { columns, documentCount, indexDocs } = counts;
  if (columns === 0) {
    throw new TokenizeError(
      'TOKENIZE_NOT_FITTED',
      `${where} needs a column count: set numWords, or fit the tokenizer on texts first.`,
    );
  }
  if (mode === 'tfidf' && documentCount === 0) {
    check.invalid(
      where,
      'mode',
      mode,
      'needs document frequencies, and none were counted',
      'Call fitOnTexts or fitOnSequences first, or pick another mode.',
    );
  }
  const collection = requireTextCollection(sequences, where, 'sequences');
  // An array's row count is known up front; a generator's is checked row by row.
  if (Array.isArray(collection)) checkMatrixSize(where, collection.length, columns, '');
  const rows: Float64Array[] = [];
  let position = 0;
  for (const sequence of collection) {
    const ids = requireIdSequence(sequence, position++, where);
    checkMatrixSize(where, rows.length + 1, columns, 'at least ');
    const row = new Float64Array(columns);
    rows.push(row);
    const idCounts = new Map<number, number>();
    for (const id of ids) if (id < columns) idCounts.set(id, (idCounts.get(id) ?? 0) + 1);
    for (const [id, count] of idCounts) {
      row[id] = matrixWeight(mode, count, ids.length, documentCount, indexDocs.get(id) ?? 0);
    }
  }
  return rows;
}

function checkMatrixSize(where: string, rows: number, columns: number, atLeast: string): void {
  if (rows * columns <= MAX_MATRIX_CELLS) return;
  throw new TokenizeError(
    'TOKENIZE_INVALID_INPUT',
    `${where}: the matrix would need ${atLeast}${rows} rows × ${columns} columns = ${rows * columns} cells, ` +
      `more than the limit of ${MAX_MATRIX_CELLS} (MAX_MATRIX_CELLS). ` +
      'Lower numWords (the column count), or convert the texts in smaller batches.',
  );
}

/** The weight of an id that occurs `count` times among the `idCount` ids of one sequence. */
function matrixWeight(
  mode: MatrixMode,
  count: number,
  idCount: number,
  documents: number,
  docsWithId: number,
): number {
  switch (mode) {
    case 'binary':
      return 1;
    case 'count':
      return count;
    case 'freq':
      return count / idCount;
    case 'tfidf':
      // Keras' weighting: tf = 1 + ln(count), idf = ln(1 + documents / (1 + documents with the id)).
      return (1 + Math.log(count)) * Math.log(1 + documents / (1 + docsWithId));
  }
}
