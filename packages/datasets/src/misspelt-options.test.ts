import { expectErrorCode } from '@rnnkit/test-utils';
import { describe, expect, it } from 'vitest';
import { DatasetsError } from './errors.js';
import {
  brownCorpus,
  bucketByLength,
  cmudict,
  countShiftedChunks,
  countSlidingWindows,
  countStatefulBatches,
  countTimeseriesWindows,
  Dataset,
  denormalize,
  fitNormalization,
  mobyDick,
  normalizationStats,
  normalize,
  padSequences,
  parseCsv,
  parsePlainText,
  parseSentencePairs,
  parseTaggedSentences,
  readCsv,
  readPlainText,
  readSentencePairs,
  readTaggedSentences,
  shiftedChunks,
  slidingWindows,
  splitDataset,
  statefulStreams,
  timeseriesWindows,
  toCategorical,
  trainValTestSplit,
} from './index.js';
import { tensorBatch, toTensors } from './tensor/index.js';

// Every public function that takes options, fed a misspelt (or Keras / old) option name: each
// fails with DATASETS_INVALID_OPTION naming the option rnnkit spells. Nothing is read or
// computed first, so the inputs are minimal and the paths need not exist.
const ids = [1, 2, 3, 4, 5, 6, 7, 8];
const stats = normalizationStats([1, 2, 3]);
const missing = '/nonexistent/never-read.txt';
const never = <T>(options: T) => options as never;

const SYNC_CASES: readonly [string, () => unknown, string][] = [
  ['padSequences (Keras maxlen)', () => padSequences([[1]], never({ maxlen: 2 })), 'maxLength'],
  ['padSequences', () => padSequences([[1]], never({ paddng: 'post' })), 'padding'],
  ['slidingWindows', () => slidingWindows(ids, never({ length: 2 })), 'sequenceLength'],
  ['countSlidingWindows', () => countSlidingWindows(ids, never({ sequenceLength: 2, strid: 1 })), 'stride'],
  ['shiftedChunks', () => shiftedChunks(ids, never({ seq_length: 2 })), 'sequenceLength'],
  ['countShiftedChunks', () => countShiftedChunks(ids, never({ length: 2 })), 'sequenceLength'],
  ['statefulStreams', () => statefulStreams(ids, never({ batchSize: 2, seqLength: 2 })), 'sequenceLength'],
  [
    'countStatefulBatches',
    () => countStatefulBatches(ids, never({ batchSize: 2, sequenceLength: 2, dropRemaindr: true })),
    'dropRemainder',
  ],
  [
    'timeseriesWindows',
    () => timeseriesWindows(ids, never({ inputWidth: 2, outputSteps: 1, shift: 1 })),
    'inputSteps',
  ],
  [
    'countTimeseriesWindows',
    () => countTimeseriesWindows(ids, never({ inputSteps: 2, labelWidth: 1, shift: 1 })),
    'outputSteps',
  ],
  ['normalizationStats', () => normalizationStats(ids, never({ dof: 0 })), 'ddof'],
  ['fitNormalization', () => fitNormalization(ids, never({ trainFracton: 0.5 })), 'trainFraction'],
  ['normalize', () => normalize(ids, stats, never({ column: [0] })), 'columns'],
  ['denormalize', () => denormalize(ids, stats, never({ colums: [0] })), 'columns'],
  ['splitDataset', () => splitDataset(ids, [0.5], never({ seed: 1, shufle: false })), 'shuffle'],
  [
    'splitDataset (stratified)',
    () => splitDataset(ids, [0.5], never({ seed: 1, stratfy: () => 0 })),
    'stratify',
  ],
  [
    'trainValTestSplit',
    () => trainValTestSplit(ids, never({ validaton: 0.2, test: 0.2, seed: 1 })),
    'validation',
  ],
  [
    'bucketByLength',
    () => bucketByLength([[1]], never({ boundaries: [2], batchSize: [1, 1] })),
    'batchSizes',
  ],
  [
    'toCategorical (an object for numClasses)',
    () => toCategorical([0, 1], never({ num_classes: 2 })),
    'numClasses',
  ],
  ['parseCsv', () => parseCsv('a,b\n1,2\n', never({ delimeter: ';' })), 'delimiter'],
  ['parsePlainText', () => parsePlainText('text', never({ lowercas: true })), 'lowercase'],
  [
    'parsePlainText (stripGutenberg)',
    () => parsePlainText('text', never({ stripGutenberg: { requireMarker: true } })),
    'requireMarkers',
  ],
  ['parseTaggedSentences', () => parseTaggedSentences('a/at', never({ tagSet: 'universal' })), 'tagset'],
  ['parseSentencePairs', () => parseSentencePairs('a\tb', never({ num_samples: 1 })), 'maxPairs'],
  ['Dataset.batch', () => Dataset.from(ids).batch(2, never({ dropRemaindr: true })), 'dropRemainder'],
  ['Dataset.shuffle', () => Dataset.from(ids).shuffle(2, 1, never({ firstPas: 1 })), 'firstPass'],
  ['Dataset.shuffle (seed as options)', () => Dataset.from(ids).shuffle(2, never({ seeed: 1 })), 'seed'],
  ['tensorBatch', () => tensorBatch([{ xs: 1, ys: 1 }], never({ xsDtyp: 'int32' })), 'xsDtype'],
  [
    'tensorBatch (padding)',
    () => tensorBatch([{ xs: [1], ys: 1 }], never({ padding: { value: 0, length: 3 } })),
    'padValue',
  ],
  [
    'toTensors',
    () => toTensors(Dataset.from([[{ xs: 1, ys: 1 }]]), never({ padding: { maxlen: 3 } })),
    'maxLength',
  ],
];

const ASYNC_CASES: readonly [string, () => Promise<unknown>, string][] = [
  ['readCsv', () => readCsv(missing, never({ requiredColumn: ['a'] })), 'requiredColumns'],
  ['readPlainText', () => readPlainText(missing, never({ splitt: 'lines' })), 'split'],
  ['readTaggedSentences', () => readTaggedSentences(missing, never({ lowercse: true })), 'lowercase'],
  ['readSentencePairs', () => readSentencePairs(missing, never({ maxPair: 2 })), 'maxPairs'],
  ['mobyDick', () => mobyDick(never({ byChaptr: true })), 'byChapter'],
  ['cmudict', () => cmudict(never({ stres: false })), 'stress'],
  ['brownCorpus', () => brownCorpus(never({ categores: ['news'] })), 'categories'],
];

describe('misspelt options fail with DATASETS_INVALID_OPTION naming the right one', () => {
  it.each(SYNC_CASES)('%s', (_name, call, closest) => {
    const error = expectErrorCode(call, DatasetsError, 'DATASETS_INVALID_OPTION');
    expect(error.message).toContain(closest);
  });

  it.each(ASYNC_CASES)('%s', async (_name, call, closest) => {
    const error = await expectErrorCode(call(), DatasetsError, 'DATASETS_INVALID_OPTION');
    expect(error.message).toContain(closest);
  });
});
