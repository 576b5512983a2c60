// Probes of @rnnkit/datasets and @rnnkit/datasets/tensor: every public function fed bad types,
// out-of-range and non-finite numbers, empty inputs, misspelt options, aborted and concurrent
// calls, huge sizes and corrupt files (UTF-16, binary, NUL bytes, Latin-1, a FIFO) written in
// `setup`. An `'ok'` probe that checks its result throws a plain Error when the result is wrong.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  brownToUniversal,
  bucketByLength,
  countShiftedChunks,
  countSlidingWindows,
  countStatefulBatches,
  countTimeseriesWindows,
  Dataset,
  DenseMatrix,
  denormalize,
  fitNormalization,
  lengthPercentiles,
  measureBucketPadding,
  normalizationStats,
  normalize,
  padSequences,
  parseCsv,
  parseLabelledSentences,
  parsePlainText,
  parseSentencePairs,
  parseTaggedSentences,
  readCsv,
  readLabelledSentences,
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
} from '@rnnkit/datasets';
import { tensorBatch, toTensors } from '@rnnkit/datasets/tensor';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { Probe, ProbeSuite } from '../types.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnkit-probe-datasets-'));
const file = (name: string) => join(dir, name);
const INVALID_OPTION = { code: 'DATASETS_INVALID_OPTION' } as const;
const INVALID_INPUT = { code: 'DATASETS_INVALID_INPUT' } as const;
const EMPTY_INPUT = { code: 'DATASETS_EMPTY_INPUT' } as const;
const PARSE_ERROR = { code: 'DATASETS_PARSE_ERROR' } as const;
const IO_ERROR = { code: 'DATASETS_IO_ERROR' } as const;
const ABORTED = { code: 'DATASETS_ABORTED' } as const;
const TOO_LARGE = { code: 'DATASETS_TOO_LARGE' } as const;

function utf16(text: string, endian: 'le' | 'be'): Buffer {
  const body = Buffer.from(text, 'utf16le');
  if (endian === 'be') body.swap16();
  return Buffer.concat([Buffer.from(endian === 'le' ? [0xff, 0xfe] : [0xfe, 0xff]), body]);
}

/** Throws a plain Error (a `failed` verdict) unless `actual` equals `expected` as JSON. */
function same(actual: unknown, expected: unknown, what: string): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(
      `${what}: got ${JSON.stringify(actual)?.slice(0, 120)}, expected ${JSON.stringify(expected)}`,
    );
  }
}

const forever = () =>
  Dataset.from(function* () {
    for (let k = 0; ; k++) yield k;
  });

const range = (n: number) => Array.from({ length: n }, (_, k) => k);

const suite: ProbeSuite = {
  packageName: 'datasets',
  checksTensors: true,
  setup: async () => {
    await tf.setBackend('cpu');
    const pairs = 'Go.\tVa !\nHi.\tSalut !\n';
    writeFileSync(file('pairs-utf16le.txt'), utf16(pairs, 'le'));
    writeFileSync(file('pairs-utf16be.txt'), utf16(pairs, 'be'));
    writeFileSync(file('poem-utf16le.txt'), utf16('Roses are red\nViolets are blue\n', 'le'));
    writeFileSync(file('table-utf16le.csv'), utf16('a,b\n1,2\n', 'le'));
    writeFileSync(file('tagged-utf16be.txt'), utf16('The/AT dog/NN ./.\n', 'be'));
    writeFileSync(file('labels-utf16le.txt'), utf16('Good film\t1\nBad film\t0\n', 'le'));
    writeFileSync(
      file('bom.csv'),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a,b\n1,2\n')]),
    );
    const random = Buffer.alloc(4096);
    let state = 12345;
    for (let k = 0; k < random.length; k++) {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      random[k] = state >>> 24;
    }
    writeFileSync(file('binary.bin'), random);
    writeFileSync(file('nul.txt'), Buffer.from('Go.\tVa !\n\0\0\0\0Hi.\tSalut !\n'));
    writeFileSync(file('latin1.txt'), Buffer.from('caf\xe9\tcoffee\nna\xefve\tnaive\n', 'latin1'));
    writeFileSync(file('utf16-no-bom.txt'), Buffer.from('Go.\tVa !\nHi.\tSalut !\n', 'utf16le'));
    writeFileSync(file('empty.txt'), '');
    mkdirSync(file('a-directory'));
    try {
      execFileSync('mkfifo', [file('fifo')]);
    } catch {
      // No mkfifo: the FIFO probe then reads a missing file and still expects a typed error.
    }
  },
  probes: (): Probe[] => [
    // ── Dataset ────────────────────────────────────────────────────────────────────────────
    {
      name: 'Dataset: filter(() => false).repeat().take(1) spins',
      kind: 'empty',
      expect: EMPTY_INPUT,
      timeoutSeconds: 3,
      run: () =>
        Dataset.from([1, 2])
          .filter(() => false)
          .repeat()
          .take(1)
          .toArray(),
    },
    {
      name: 'Dataset: repeat() of an empty array',
      kind: 'empty',
      expect: EMPTY_INPUT,
      timeoutSeconds: 3,
      run: () => Dataset.from([]).repeat().take(1).toArray(),
    },
    {
      name: 'Dataset: batch() of an infinite empty pass',
      kind: 'empty',
      expect: EMPTY_INPUT,
      timeoutSeconds: 3,
      run: () =>
        Dataset.from([1])
          .filter(() => false)
          .repeat()
          .batch(2)
          .take(1)
          .toArray(),
    },
    {
      name: 'Dataset: size after filter().repeat().take(1) is not 1',
      kind: 'empty',
      expect: 'ok',
      run: () => {
        const size = Dataset.from([1, 2])
          .filter(() => false)
          .repeat()
          .take(1).size;
        if (!Number.isNaN(size)) throw new Error(`size is ${size}, but the dataset may yield nothing`);
      },
    },
    {
      name: 'Dataset: a 20 ms timer fires while a long filter pipeline runs',
      kind: 'valid',
      expect: 'ok',
      timeoutSeconds: 20,
      run: async () => {
        let fired = false;
        let done = false;
        setTimeout(() => {
          fired = true;
        }, 20);
        await Dataset.from(range(400_000))
          .filter(() => false)
          .toArray()
          .then(() => {
            done = true;
          });
        if (!fired && done) throw new Error('the timer never fired: the pipeline blocked the event loop');
      },
    },
    {
      name: 'Dataset.toArray: aborted signal',
      kind: 'aborted',
      expect: ABORTED,
      run: () => Dataset.from([1, 2]).toArray({ signal: AbortSignal.abort() } as never),
    },
    {
      name: 'Dataset.toArray: AbortSignal.timeout(50) stops an endless filter',
      kind: 'aborted',
      expect: ABORTED,
      timeoutSeconds: 5,
      run: () =>
        forever()
          .filter(() => false)
          .toArray({ signal: AbortSignal.timeout(50) } as never),
    },
    {
      name: 'Dataset.toArray: signal "yes"',
      kind: 'bad-type',
      expect: INVALID_OPTION,
      run: () => Dataset.from([1]).toArray({ signal: 'yes' } as never),
    },
    {
      name: 'Dataset.toArray: misspelt option signl',
      kind: 'misspelt-option',
      expect: INVALID_OPTION,
      run: () => Dataset.from([1]).toArray({ signl: AbortSignal.abort() } as never),
    },
    {
      name: 'Dataset: concurrent passes over one shuffled dataset',
      kind: 'concurrent',
      expect: 'ok',
      run: async () => {
        const data = Dataset.from(range(50)).shuffle(10, 1);
        const [a, b] = await Promise.all([data.toArray(), data.toArray()]);
        same(
          [...a].sort((x, y) => x - y),
          range(50),
          'first pass',
        );
        same(
          [...b].sort((x, y) => x - y),
          range(50),
          'second pass',
        );
      },
    },
    {
      name: 'Dataset.from: 42',
      kind: 'bad-type',
      expect: INVALID_INPUT,
      run: () => Dataset.from(42 as never),
    },
    {
      name: 'Dataset.from: null',
      kind: 'bad-type',
      expect: INVALID_INPUT,
      run: () => Dataset.from(null as never),
    },
    {
      name: 'Dataset.from: a function returning 42',
      kind: 'bad-type',
      expect: INVALID_INPUT,
      run: () => Dataset.from(() => 42 as never).toArray(),
    },
    {
      name: 'Dataset.from: one-shot generator iterated twice',
      kind: 'concurrent',
      expect: INVALID_INPUT,
      run: async () => {
        const once = Dataset.from(
          (function* () {
            yield 1;
          })(),
        );
        await once.toArray();
        await once.toArray();
      },
    },
    {
      name: 'Dataset.map: transform 42',
      kind: 'bad-type',
      expect: INVALID_OPTION,
      run: () =>
        Dataset.from([1])
          .map(42 as never)
          .toArray(),
    },
    {
      name: 'Dataset.filter: predicate null',
      kind: 'bad-type',
      expect: INVALID_OPTION,
      run: () =>
        Dataset.from([1])
          .filter(null as never)
          .toArray(),
    },
    {
      name: 'Dataset.batch: 0',
      kind: 'out-of-range',
      expect: INVALID_OPTION,
      run: () => Dataset.from([1]).batch(0),
    },
    {
      name: 'Dataset.batch: Infinity',
      kind: 'non-finite',
      expect: INVALID_OPTION,
      run: () => Dataset.from([1]).batch(Number.POSITIVE_INFINITY),
    },
    {
      name: 'Dataset.batch: misspelt dropRemaindr',
      kind: 'misspelt-option',
      expect: INVALID_OPTION,
      run: () => Dataset.from([1]).batch(2, { dropRemaindr: true } as never),
    },
    {
      name: 'Dataset.shuffle: bufferSize 0',
      kind: 'out-of-range',
      expect: INVALID_OPTION,
      run: () => Dataset.from([1]).shuffle(0, 1),
    },
    {
      name: 'Dataset.shuffle: seed NaN',
      kind: 'non-finite',
      expect: INVALID_OPTION,
      run: () => Dataset.from([1]).shuffle(4, Number.NaN),
    },
    {
      name: 'Dataset.shuffle: options as second argument',
      kind: 'bad-type',
      expect: INVALID_OPTION,
      run: () => Dataset.from([1]).shuffle(4, { seed: 1 } as never),
    },
    {
      name: 'Dataset.shuffle: misspelt reshuffle',
      kind: 'misspelt-option',
      expect: INVALID_OPTION,
      run: () => Dataset.from([1]).shuffle(4, 1, { reshuffle: false } as never),
    },
    {
      name: 'Dataset.take: NaN',
      kind: 'non-finite',
      expect: INVALID_OPTION,
      run: () => Dataset.from([1]).take(Number.NaN),
    },
    {
      name: 'Dataset.skip: 1.5',
      kind: 'out-of-range',
      expect: INVALID_OPTION,
      run: () => Dataset.from([1]).skip(1.5),
    },
    {
      name: 'Dataset.repeat: -1',
      kind: 'out-of-range',
      expect: INVALID_OPTION,
      run: () => Dataset.from([1]).repeat(-1),
    },
    {
      name: 'Dataset.repeat: 1e9 passes of an empty dataset',
      kind: 'huge',
      expect: EMPTY_INPUT,
      timeoutSeconds: 5,
      run: () => Dataset.from([]).repeat(1e9).toArray(),
    },
    {
      name: 'Dataset.zip: an array instead of a dataset',
      kind: 'bad-type',
      expect: INVALID_INPUT,
      run: () => Dataset.zip(Dataset.from([1]), [1, 2] as never).toArray(),
    },
    {
      name: 'Dataset.concatenate: null',
      kind: 'bad-type',
      expect: INVALID_INPUT,
      run: () =>
        Dataset.from([1])
          .concatenate(null as never)
          .toArray(),
    },
    // ── padSequences, toCategorical, DenseMatrix ───────────────────────────────────────────
    {
      name: 'padSequences: 1e10 cells',
      kind: 'huge',
      expect: TOO_LARGE,
      run: () => padSequences([[1], [2]], { maxLength: 5e9 }),
    },
    {
      name: 'padSequences: maxLength NaN',
      kind: 'non-finite',
      expect: INVALID_OPTION,
      run: () => padSequences([[1]], { maxLength: Number.NaN }),
    },
    {
      name: 'padSequences: NaN id',
      kind: 'non-finite',
      expect: INVALID_INPUT,
      run: () => padSequences([[1, Number.NaN]]),
    },
    {
      name: 'padSequences: misspelt maxlen',
      kind: 'misspelt-option',
      expect: INVALID_OPTION,
      run: () => padSequences([[1]], { maxlen: 3 } as never),
    },
    {
      name: 'padSequences: a string instead of sequences',
      kind: 'bad-type',
      expect: INVALID_INPUT,
      run: () => padSequences('abc' as never),
    },
    {
      name: 'padSequences: empty list without maxLength',
      kind: 'empty',
      expect: EMPTY_INPUT,
      run: () => padSequences([]),
    },
    {
      name: 'toCategorical: numClasses 1e10',
      kind: 'huge',
      expect: TOO_LARGE,
      run: () => toCategorical([0, 1], 1e10),
    },
    {
      name: 'toCategorical: a label of 1e10 without numClasses',
      kind: 'huge',
      expect: TOO_LARGE,
      run: () => toCategorical([0, 1e10]),
    },
    {
      name: 'toCategorical: NaN label',
      kind: 'non-finite',
      expect: INVALID_INPUT,
      run: () => toCategorical([0, Number.NaN]),
    },
    {
      name: 'toCategorical: numClasses "3"',
      kind: 'bad-type',
      expect: INVALID_OPTION,
      run: () => toCategorical([0], '3' as never),
    },
    {
      name: 'DenseMatrix.from: shape [NaN, 2]',
      kind: 'non-finite',
      expect: INVALID_OPTION,
      run: () => DenseMatrix.from(new Int32Array(2), [Number.NaN, 2]),
    },
    {
      name: 'DenseMatrix.from: a plain array',
      kind: 'bad-type',
      expect: INVALID_INPUT,
      run: () => DenseMatrix.from([1, 2] as never, [1, 2]),
    },
    {
      name: 'DenseMatrix.row: -1',
      kind: 'out-of-range',
      expect: INVALID_OPTION,
      run: () => DenseMatrix.from(new Int32Array(2), [1, 2]).row(-1),
    },
    // ── windows, chunks, streams, buckets ──────────────────────────────────────────────────
    {
      name: 'slidingWindows: NaN id',
      kind: 'non-finite',
      expect: INVALID_INPUT,
      run: () => [...slidingWindows([1, 2, Number.NaN, 4], { sequenceLength: 2 })],
    },
    {
      name: 'slidingWindows: sequenceLength Infinity',
      kind: 'non-finite',
      expect: INVALID_OPTION,
      run: () => slidingWindows([1, 2, 3], { sequenceLength: Number.POSITIVE_INFINITY }),
    },
    {
      name: 'slidingWindows: misspelt seqLength',
      kind: 'misspelt-option',
      expect: INVALID_OPTION,
      run: () => slidingWindows([1, 2, 3], { seqLength: 2 } as never),
    },
    {
      name: 'countSlidingWindows: empty corpus',
      kind: 'empty',
      expect: EMPTY_INPUT,
      run: () => countSlidingWindows([], { sequenceLength: 2 }),
    },
    {
      name: 'shiftedChunks: a Float32Array with 0.5',
      kind: 'bad-type',
      expect: INVALID_INPUT,
      run: () => shiftedChunks(new Float32Array([0.5, 1, 2]), { sequenceLength: 1 }),
    },
    {
      name: 'countShiftedChunks: sequenceLength 0',
      kind: 'out-of-range',
      expect: INVALID_OPTION,
      run: () => countShiftedChunks([1, 2, 3], { sequenceLength: 0 }),
    },
    {
      name: 'statefulStreams: batchSize 1e12',
      kind: 'huge',
      expect: { code: 'DATASETS_TOO_SHORT' },
      run: () => statefulStreams([1, 2, 3], { batchSize: 1e12, sequenceLength: 1 }),
    },
    {
      name: 'countStatefulBatches: negative id',
      kind: 'out-of-range',
      expect: INVALID_INPUT,
      run: () => countStatefulBatches([1, -2, 3, 4], { batchSize: 1, sequenceLength: 1 }),
    },
    {
      name: 'timeseriesWindows: Infinity in the series',
      kind: 'non-finite',
      expect: INVALID_INPUT,
      run: () =>
        timeseriesWindows([1, 2, Number.POSITIVE_INFINITY], { inputSteps: 1, outputSteps: 1, shift: 1 }),
    },
    {
      name: 'countTimeseriesWindows: misspelt labelWidth',
      kind: 'misspelt-option',
      expect: INVALID_OPTION,
      run: () => countTimeseriesWindows([1, 2, 3], { inputSteps: 1, labelWidth: 1, shift: 1 } as never),
    },
    {
      name: 'bucketByLength: no boundaries',
      kind: 'empty',
      expect: 'ok',
      run: () => {
        const batches = [...bucketByLength([[1], [2, 3]], { boundaries: [], batchSizes: [2] })];
        same(batches.length, 1, 'batches');
      },
    },
    {
      name: 'bucketByLength: batchSizes [0]',
      kind: 'out-of-range',
      expect: INVALID_OPTION,
      run: () => bucketByLength([[1]], { boundaries: [], batchSizes: [0] }),
    },
    {
      name: 'bucketByLength: NaN padValue',
      kind: 'non-finite',
      expect: INVALID_OPTION,
      run: () => bucketByLength([[1]], { boundaries: [2], batchSizes: [1, 1], padValue: Number.NaN }),
    },
    {
      name: 'measureBucketPadding: 42',
      kind: 'bad-type',
      expect: INVALID_INPUT,
      run: () => measureBucketPadding(42 as never),
    },
    {
      name: 'lengthPercentiles: percentile NaN',
      kind: 'non-finite',
      expect: INVALID_OPTION,
      run: () => lengthPercentiles([[1]], Number.NaN),
    },
    {
      name: 'lengthPercentiles: no sequences',
      kind: 'empty',
      expect: EMPTY_INPUT,
      run: () => lengthPercentiles([], 50),
    },
    // ── splits and normalization ────────────────────────────────────────────────────────────
    {
      name: 'trainValTestSplit: test missing',
      kind: 'misspelt-option',
      expect: INVALID_OPTION,
      run: () => trainValTestSplit(range(10), { validation: 0.2, seed: 1 } as never),
    },
    {
      name: 'trainValTestSplit: test NaN',
      kind: 'non-finite',
      expect: INVALID_OPTION,
      run: () => trainValTestSplit(range(10), { validation: 0.1, test: Number.NaN, seed: 1 }),
    },
    {
      name: 'trainValTestSplit: options null',
      kind: 'bad-type',
      expect: INVALID_OPTION,
      run: () => trainValTestSplit(range(10), null as never),
    },
    {
      name: 'splitDataset: size 1.5',
      kind: 'out-of-range',
      expect: INVALID_OPTION,
      run: () => splitDataset(range(10), [1.5], { seed: 1 }),
    },
    {
      name: 'splitDataset: empty items',
      kind: 'empty',
      expect: EMPTY_INPUT,
      run: () => splitDataset([], [0.5], { seed: 1 }),
    },
    {
      name: 'splitDataset: misspelt sead',
      kind: 'misspelt-option',
      expect: INVALID_OPTION,
      run: () => splitDataset(range(10), [0.5], { sead: 1 } as never),
    },
    {
      name: 'normalizationStats: NaN value',
      kind: 'non-finite',
      expect: INVALID_INPUT,
      run: () => normalizationStats([1, Number.NaN, 3]),
    },
    {
      name: 'fitNormalization: trainFraction 0',
      kind: 'out-of-range',
      expect: INVALID_OPTION,
      run: () => fitNormalization([1, 2, 3], { trainFraction: 0 }),
    },
    {
      name: 'normalize: stats null',
      kind: 'bad-type',
      expect: INVALID_INPUT,
      run: () => normalize([1, 2], null as never),
    },
    {
      name: 'denormalize: empty values',
      kind: 'empty',
      expect: EMPTY_INPUT,
      run: () => denormalize([], normalizationStats([1, 2, 3])),
    },
    {
      name: 'brownToUniversal: 42',
      kind: 'bad-type',
      expect: 'error',
      run: () => brownToUniversal(42 as never),
    },
    // ── text parsers ───────────────────────────────────────────────────────────────────────
    {
      name: 'parsePlainText: null',
      kind: 'bad-type',
      expect: INVALID_INPUT,
      run: () => parsePlainText(null as never),
    },
    {
      name: 'parsePlainText: misspelt splt',
      kind: 'misspelt-option',
      expect: INVALID_OPTION,
      run: () => parsePlainText('a', { splt: 'lines' } as never),
    },
    {
      name: 'parseCsv: empty text',
      kind: 'empty',
      expect: EMPTY_INPUT,
      run: () => parseCsv(''),
    },
    {
      name: 'parseCsv: a two-character delimiter',
      kind: 'out-of-range',
      expect: INVALID_OPTION,
      run: () => parseCsv('a,b\n1,2\n', { delimiter: ',,' }),
    },
    {
      name: 'parseSentencePairs: maxPairs NaN',
      kind: 'non-finite',
      expect: INVALID_OPTION,
      run: () => parseSentencePairs('a\tb\n', { maxPairs: Number.NaN }),
    },
    {
      name: 'parseLabelledSentences: a label of 2',
      kind: 'out-of-range',
      expect: PARSE_ERROR,
      run: () => parseLabelledSentences('good\t2\n'),
    },
    {
      name: 'parseTaggedSentences: misspelt tagSet',
      kind: 'misspelt-option',
      expect: INVALID_OPTION,
      run: () => parseTaggedSentences('a/NN\n', { tagSet: 'universal' } as never),
    },
    // ── file loaders and corrupt files ─────────────────────────────────────────────────────
    {
      name: 'readSentencePairs: UTF-16 LE file with BOM',
      kind: 'corrupt-file',
      expect: 'ok',
      run: async () =>
        same(
          await readSentencePairs(file('pairs-utf16le.txt')),
          [
            { source: 'Go.', target: 'Va !' },
            { source: 'Hi.', target: 'Salut !' },
          ],
          'pairs',
        ),
    },
    {
      name: 'readSentencePairs: UTF-16 BE file with BOM',
      kind: 'corrupt-file',
      expect: 'ok',
      run: async () =>
        same(
          (await readSentencePairs(file('pairs-utf16be.txt')))[1],
          { source: 'Hi.', target: 'Salut !' },
          'pair',
        ),
    },
    {
      name: 'readPlainText: UTF-16 LE file',
      kind: 'corrupt-file',
      expect: 'ok',
      run: async () =>
        same(
          await readPlainText(file('poem-utf16le.txt'), { split: 'lines' }),
          ['Roses are red', 'Violets are blue'],
          'lines',
        ),
    },
    {
      name: 'readCsv: UTF-16 LE file',
      kind: 'corrupt-file',
      expect: 'ok',
      run: async () => same(await readCsv(file('table-utf16le.csv')), [{ a: '1', b: '2' }], 'records'),
    },
    {
      name: 'readCsv: UTF-8 BOM is not part of the first column name',
      kind: 'corrupt-file',
      expect: 'ok',
      run: async () =>
        same(await readCsv(file('bom.csv'), { requiredColumns: ['a'] }), [{ a: '1', b: '2' }], 'records'),
    },
    {
      name: 'readTaggedSentences: UTF-16 BE file',
      kind: 'corrupt-file',
      expect: 'ok',
      run: async () =>
        same(
          (await readTaggedSentences(file('tagged-utf16be.txt')))[0]?.[1],
          { word: 'dog', tag: 'NN' },
          'token',
        ),
    },
    {
      name: 'readLabelledSentences: UTF-16 LE file',
      kind: 'corrupt-file',
      expect: 'ok',
      run: async () => same((await readLabelledSentences(file('labels-utf16le.txt')))[1]?.label, 0, 'label'),
    },
    {
      name: 'readPlainText: binary file',
      kind: 'corrupt-file',
      expect: PARSE_ERROR,
      run: () => readPlainText(file('binary.bin')),
    },
    {
      name: 'readSentencePairs: NUL bytes',
      kind: 'corrupt-file',
      expect: PARSE_ERROR,
      run: () => readSentencePairs(file('nul.txt')),
    },
    {
      name: 'readSentencePairs: Latin-1 file',
      kind: 'corrupt-file',
      expect: PARSE_ERROR,
      run: () => readSentencePairs(file('latin1.txt')),
    },
    {
      name: 'readSentencePairs: UTF-16 without a BOM',
      kind: 'corrupt-file',
      expect: PARSE_ERROR,
      run: () => readSentencePairs(file('utf16-no-bom.txt')),
    },
    {
      name: 'readCsv: binary file',
      kind: 'corrupt-file',
      expect: PARSE_ERROR,
      run: () => readCsv(file('binary.bin')),
    },
    {
      name: 'readTaggedSentences: binary file',
      kind: 'corrupt-file',
      expect: PARSE_ERROR,
      run: () => readTaggedSentences(file('binary.bin')),
    },
    {
      name: 'readLabelledSentences: binary file',
      kind: 'corrupt-file',
      expect: PARSE_ERROR,
      run: () => readLabelledSentences(file('binary.bin')),
    },
    {
      name: 'readPlainText: a FIFO',
      kind: 'corrupt-file',
      expect: IO_ERROR,
      timeoutSeconds: 3,
      run: () => readPlainText(file('fifo')),
    },
    {
      name: 'readPlainText: a directory',
      kind: 'corrupt-file',
      expect: IO_ERROR,
      run: () => readPlainText(file('a-directory')),
    },
    {
      name: 'readPlainText: missing file',
      kind: 'corrupt-file',
      expect: IO_ERROR,
      run: () => readPlainText(file('missing.txt')),
    },
    {
      name: 'readPlainText: empty file',
      kind: 'empty',
      expect: EMPTY_INPUT,
      run: () => readPlainText(file('empty.txt')),
    },
    {
      name: 'readCsv: path 42',
      kind: 'bad-type',
      expect: INVALID_INPUT,
      run: () => readCsv(42 as never),
    },
    {
      name: 'readSentencePairs: misspelt maxPair before any I/O',
      kind: 'misspelt-option',
      expect: INVALID_OPTION,
      run: () => readSentencePairs(file('missing.txt'), { maxPair: 2 } as never),
    },
    {
      name: 'readPlainText: concurrent reads of one file',
      kind: 'concurrent',
      expect: 'ok',
      run: async () => {
        const texts = await Promise.all(range(8).map(() => readPlainText(file('poem-utf16le.txt'))));
        same(new Set(texts).size, 1, 'distinct texts');
      },
    },
    // ── @rnnkit/datasets/tensor ────────────────────────────────────────────────────────────
    {
      name: 'tensorBatch: empty array',
      kind: 'empty',
      expect: EMPTY_INPUT,
      run: () => tensorBatch([]),
    },
    {
      name: 'tensorBatch: NaN in xs',
      kind: 'non-finite',
      expect: INVALID_INPUT,
      run: () => tensorBatch([{ xs: [1, Number.NaN], ys: 0 }]),
    },
    {
      name: 'tensorBatch: NaN in a Float32Array xs',
      kind: 'non-finite',
      expect: INVALID_INPUT,
      run: () => tensorBatch([{ xs: new Float32Array([1, Number.NaN]), ys: 0 }]),
    },
    {
      name: 'tensorBatch: padding.maxLength 1e10',
      kind: 'huge',
      expect: TOO_LARGE,
      run: () => tensorBatch([{ xs: [1], ys: 0 }], { padding: { maxLength: 1e10 } }),
    },
    {
      name: 'tensorBatch: ragged ys leak nothing',
      kind: 'bad-type',
      expect: { code: 'DATASETS_SHAPE_MISMATCH' },
      run: () =>
        tensorBatch([
          { xs: [1, 2], ys: [1] },
          { xs: [1, 2], ys: [1, 2] },
        ]),
    },
    {
      name: 'tensorBatch: misspelt xsDtyp',
      kind: 'misspelt-option',
      expect: INVALID_OPTION,
      run: () => tensorBatch([{ xs: [1], ys: 0 }], { xsDtyp: 'int32' } as never),
    },
    {
      name: 'tensorBatch: 1.5 as int32',
      kind: 'out-of-range',
      expect: INVALID_INPUT,
      run: () => tensorBatch([{ xs: [1.5], ys: 0 }], { xsDtype: 'int32' }),
    },
    {
      name: 'tensorBatch: valid batch',
      kind: 'valid',
      expect: 'ok',
      run: () => {
        const { xs, ys } = tensorBatch([{ xs: [1, 2], ys: 0 }]);
        same(xs.shape, [1, 2], 'xs shape');
        tf.dispose([xs, ys]);
      },
    },
    {
      name: 'toTensors: an array instead of a dataset',
      kind: 'bad-type',
      expect: INVALID_INPUT,
      run: () => toTensors([[{ xs: [1], ys: 0 }]] as never),
    },
    {
      name: 'toTensors: a bad batch in the middle leaks nothing',
      kind: 'bad-type',
      expect: INVALID_INPUT,
      run: async () => {
        const batches = toTensors(Dataset.from([[{ xs: [1], ys: 0 }], [{ xs: [Number.NaN], ys: 0 }]]));
        for await (const batch of batches) tf.dispose([batch.xs, batch.ys]);
      },
    },
  ],
};
export default suite;
