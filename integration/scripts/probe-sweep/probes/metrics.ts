import {
  accuracyScore,
  align,
  BleuAccumulator,
  bitsPerCharacter,
  bitsPerToken,
  bitsPerTokenFromTotal,
  brevityPenalty,
  ClassificationAccumulator,
  characterErrorRate,
  characterErrorRates,
  classificationReport,
  closestReferenceLength,
  confusionMatrix,
  corpusBleu,
  corpusBleuScores,
  createBleuAccumulator,
  createErrorRateAccumulator,
  createWerAccumulator,
  ErrorRateAccumulator,
  ForecastAccumulator,
  f1Score,
  fbetaScore,
  forecastErrors,
  levenshtein,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanAbsoluteScaledError,
  meanSquaredError,
  modifiedPrecision,
  normalizeMatrix,
  PerplexityAccumulator,
  perplexity,
  perplexityFromTotal,
  phonemeErrorRate,
  precisionRecallFscoreSupport,
  precisionScore,
  recallScore,
  rootMeanSquaredError,
  sentenceBleu,
  sentenceBleuScores,
  sequenceExactMatch,
  sortLabels,
  symmetricMeanAbsolutePercentageError,
  TokenAccuracyAccumulator,
  tokenAccuracy,
  tokenErrorRate,
  tokenErrorRates,
  wordErrorRate,
  wordErrorRates,
} from '@rnnkit/metrics';
import {
  confusionMatrixSvg,
  embeddingScatterSvg,
  forecastPlotSvg,
  plotHistorySvg,
  svgToPng,
} from '@rnnkit/metrics/plots';
import {
  binaryAccuracy,
  categoricalAccuracy,
  maskedAccuracy,
  maskedSparseCategoricalCrossentropy,
  sparseCategoricalAccuracy,
  topKAccuracy,
} from '@rnnkit/metrics/tensor';
import * as tf from '@tensorflow/tfjs-core';
import { type ProbeSuite, probe } from '../types.js';

const OPTION = { code: 'METRICS_INVALID_OPTION' } as const;
const INPUT = { code: 'METRICS_INVALID_INPUT' } as const;
const EMPTY = { code: 'METRICS_EMPTY_INPUT' } as const;
const LENGTH = { code: 'METRICS_LENGTH_MISMATCH' } as const;
const NON_FINITE = { code: 'METRICS_NON_FINITE' } as const;
const SHAPE = { code: 'METRICS_SHAPE_MISMATCH' } as const;

/** Calls a tensor metric five times on tensors it makes and disposes, so leaks add up. */
function tensorCalls(
  make: () => [tf.Tensor, tf.Tensor],
  metric: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor,
): () => void {
  return () => {
    let failure: unknown;
    for (let i = 0; i < 5; i++) {
      const [a, b] = make();
      try {
        metric(a, b).dispose();
      } catch (error) {
        failure = error;
      } finally {
        a.dispose();
        b.dispose();
      }
    }
    if (failure !== undefined) throw failure;
  };
}

const distinct = (n: number, offset = 0) => Array.from({ length: n }, (_, i) => i + offset);
const history = { epoch: [0, 1], history: { loss: [1, 0.5] } };

const suite: ProbeSuite = {
  packageName: 'metrics',
  checksTensors: true,
  setup: async () => {
    await import('@tensorflow/tfjs-backend-cpu');
    await tf.setBackend('cpu');
  },
  probes: () => [
    // ---- classification ----
    probe('accuracyScore: NaN label', 'non-finite', NON_FINITE, () => accuracyScore([Number.NaN], [1])),
    probe('accuracyScore: empty', 'empty', EMPTY, () => accuracyScore([], [])),
    probe('accuracyScore: lengths differ', 'out-of-range', LENGTH, () => accuracyScore([1, 2], [1])),
    probe('accuracyScore: yTrue null', 'bad-type', 'error', () => accuracyScore(null as never, [1])),
    probe('accuracyScore: misspelt normalise', 'misspelt-option', OPTION, () =>
      accuracyScore([1], [1], { normalise: true } as never),
    ),
    probe('precisionScore: average macr', 'misspelt-option', OPTION, () =>
      precisionScore([1], [1], { average: 'macr' as never }),
    ),
    probe('recallScore: labels []', 'empty', OPTION, () => recallScore([1], [1], { labels: [] })),
    probe('f1Score: zeroDivision NaN', 'non-finite', OPTION, () =>
      f1Score([1], [1], { zeroDivision: Number.NaN as never }),
    ),
    probe('fbetaScore: beta NaN', 'non-finite', OPTION, () => fbetaScore([1], [1], { beta: Number.NaN })),
    probe('fbetaScore: beta -1', 'out-of-range', OPTION, () => fbetaScore([1], [1], { beta: -1 })),
    probe('precisionRecallFscoreSupport: weight NaN', 'non-finite', NON_FINITE, () =>
      precisionRecallFscoreSupport([1], [1], { sampleWeight: [Number.NaN] }),
    ),
    probe('precisionRecallFscoreSupport: weights too short', 'out-of-range', LENGTH, () =>
      precisionRecallFscoreSupport([1, 2], [1, 2], { sampleWeight: [1] }),
    ),
    probe('classificationReport: digits NaN', 'non-finite', OPTION, () =>
      classificationReport([1], [1], { digits: Number.NaN }),
    ),
    probe(
      'classificationReport: 1e6 distinct labels (linear: completes)',
      'huge',
      'ok',
      () => classificationReport(distinct(1e6), distinct(1e6, 1)),
      60,
    ),
    probe(
      'confusionMatrix: 1e6 distinct labels',
      'huge',
      'error',
      () => confusionMatrix(distinct(1e6), distinct(1e6, 1)),
      30,
    ),
    probe(
      'confusionMatrix: labels option of 2e5 classes',
      'huge',
      'error',
      () => confusionMatrix([0], [0], { labels: distinct(2e5) }),
      30,
    ),
    probe('confusionMatrix: normalize rows', 'misspelt-option', OPTION, () =>
      confusionMatrix([1], [1], { normalize: 'rows' as never }),
    ),
    probe('confusionMatrix: fractional label', 'bad-type', { code: 'METRICS_INVALID_LABEL' }, () =>
      confusionMatrix([0.5], [1]),
    ),
    probe('normalizeMatrix: [] pred', 'empty', 'error', () => normalizeMatrix([], 'pred')),
    probe('normalizeMatrix: null', 'bad-type', 'error', () => normalizeMatrix(null as never, 'true')),
    probe('normalizeMatrix: NaN cell', 'non-finite', NON_FINITE, () =>
      normalizeMatrix(
        [
          [Number.NaN, 1],
          [0, 1],
        ],
        'all',
      ),
    ),
    probe('normalizeMatrix: ragged', 'bad-type', 'error', () => normalizeMatrix([[1, 2], [3]], 'pred')),
    probe('sortLabels: null', 'bad-type', 'error', () => sortLabels(null as never)),
    probe('sortLabels: mixed', 'bad-type', { code: 'METRICS_INVALID_LABEL' }, () => sortLabels([1, 'a'])),
    probe('ClassificationAccumulator.update: lengths differ', 'out-of-range', LENGTH, () =>
      new ClassificationAccumulator().update([1, 2], [1]),
    ),
    probe('ClassificationAccumulator.result: empty', 'empty', EMPTY, () =>
      new ClassificationAccumulator().result(),
    ),
    probe(
      'ClassificationAccumulator.confusionMatrix: 1e6 labels',
      'huge',
      'error',
      () => new ClassificationAccumulator().update(distinct(1e6), distinct(1e6)).confusionMatrix(),
      30,
    ),
    // ---- BLEU ----
    probe('corpusBleu: empty corpus', 'empty', EMPTY, () => corpusBleu([], [])),
    probe('sentenceBleu: no references', 'empty', EMPTY, () => sentenceBleu([], ['a'])),
    probe('sentenceBleu: hypothesis a string', 'bad-type', INPUT, () =>
      sentenceBleu([['a']], 'abc' as never),
    ),
    probe('sentenceBleu: weights [NaN]', 'non-finite', OPTION, () =>
      sentenceBleu([['a']], ['a'], { weights: [Number.NaN] }),
    ),
    probe('sentenceBleu: weights []', 'empty', OPTION, () => sentenceBleu([['a']], ['a'], { weights: [] })),
    probe('sentenceBleu: smoothing method9', 'out-of-range', OPTION, () =>
      sentenceBleu([['a']], ['a'], { smoothing: 'method9' as never }),
    ),
    probe('sentenceBleu: misspelt smoothng', 'misspelt-option', OPTION, () =>
      sentenceBleu([['a']], ['a'], { smoothng: 'method1' } as never),
    ),
    probe('corpusBleu: lengths differ', 'out-of-range', LENGTH, () => corpusBleu([[['a']]], [['a'], ['b']])),
    probe('corpusBleu: hypothesis null', 'bad-type', INPUT, () => corpusBleu([[['a']]], [null as never])),
    probe(
      'sentenceBleu: 1e5 tokens, 1e5 orders',
      'huge',
      'error',
      () => sentenceBleu([distinct(1e5)], distinct(1e5), { weights: new Array(1e5).fill(1e-5) }),
      30,
    ),
    probe('corpusBleuScores: weightSets []', 'empty', OPTION, () =>
      corpusBleuScores([[['a']]], [['a']], { weightSets: [] }),
    ),
    probe('sentenceBleuScores: weightSets null', 'bad-type', OPTION, () =>
      sentenceBleuScores([['a']], ['a'], { weightSets: null as never }),
    ),
    probe('BleuAccumulator.update: lengths differ', 'out-of-range', LENGTH, () =>
      new BleuAccumulator().update([[['a']]], [['a'], ['b']]),
    ),
    probe('BleuAccumulator.result: empty', 'empty', EMPTY, () => new BleuAccumulator().result()),
    probe('createBleuAccumulator: misspelt weigths', 'misspelt-option', OPTION, () =>
      createBleuAccumulator({ weigths: [1] } as never),
    ),
    probe('brevityPenalty: NaN', 'non-finite', 'error', () => brevityPenalty(Number.NaN, 5)),
    probe('brevityPenalty: negative length', 'out-of-range', 'error', () => brevityPenalty(-1, 5)),
    probe('closestReferenceLength: null', 'bad-type', 'error', () =>
      closestReferenceLength(null as never, 3),
    ),
    probe('closestReferenceLength: length NaN', 'non-finite', 'error', () =>
      closestReferenceLength([['a']], Number.NaN),
    ),
    probe('modifiedPrecision: n 0', 'out-of-range', OPTION, () => modifiedPrecision([['a']], ['a'], 0)),
    probe('modifiedPrecision: references null', 'bad-type', 'error', () =>
      modifiedPrecision(null as never, ['a'], 1),
    ),
    // ---- edit distance ----
    probe('levenshtein: null', 'bad-type', INPUT, () => levenshtein(null as never, 'a')),
    probe('levenshtein: NaN', 'non-finite', INPUT, () => levenshtein(Number.NaN as never, 'a')),
    probe(
      'levenshtein: two 2e5-character texts',
      'huge',
      'error',
      () => levenshtein('a'.repeat(2e5), 'b'.repeat(2e5)),
      30,
    ),
    probe('align: 1e4 x 1e4', 'huge', INPUT, () => align('a'.repeat(1e4), 'b'.repeat(1e4))),
    probe('align: undefined', 'bad-type', INPUT, () => align(undefined as never, 'a')),
    probe('wordErrorRate: empty', 'empty', EMPTY, () => wordErrorRate([], [])),
    probe('wordErrorRate: hypothesis null', 'bad-type', INPUT, () => wordErrorRate(['a'], [null as never])),
    probe('wordErrorRate: lengths differ', 'out-of-range', LENGTH, () => wordErrorRate(['a'], ['a', 'b'])),
    probe('wordErrorRates: empty reference', 'empty', EMPTY, () => wordErrorRates([''], ['a'])),
    probe('characterErrorRate: empty strings', 'empty', EMPTY, () => characterErrorRate([''], [''])),
    probe(
      'characterErrorRate: two 2e5-character books',
      'huge',
      'error',
      () => characterErrorRate(['a'.repeat(2e5)], ['b'.repeat(2e5)]),
      30,
    ),
    probe('characterErrorRates: numbers', 'bad-type', INPUT, () => characterErrorRates([1 as never], ['a'])),
    probe('tokenErrorRate: string', 'bad-type', INPUT, () => tokenErrorRate(['abc' as never], [['a']])),
    probe('tokenErrorRates: null', 'bad-type', INPUT, () => tokenErrorRates(null as never, [])),
    probe('phonemeErrorRate: lengths differ', 'out-of-range', LENGTH, () => phonemeErrorRate([['a']], [])),
    probe('sequenceExactMatch: lengths differ', 'out-of-range', LENGTH, () =>
      sequenceExactMatch([['a']], []),
    ),
    probe('tokenAccuracy: misspelt padid', 'misspelt-option', OPTION, () =>
      tokenAccuracy([[1]], [[1]], { padid: 0 } as never),
    ),
    probe('tokenAccuracy: padId NaN', 'non-finite', 'error', () =>
      tokenAccuracy([[1]], [[1]], { padId: Number.NaN }),
    ),
    probe('tokenAccuracy: rows differ in length', 'out-of-range', LENGTH, () =>
      tokenAccuracy([[1, 2]], [[1]]),
    ),
    probe('createErrorRateAccumulator: unit wrod', 'misspelt-option', OPTION, () =>
      createErrorRateAccumulator({ unit: 'wrod' as never }),
    ),
    probe('ErrorRateAccumulator.update: lengths differ', 'out-of-range', LENGTH, () =>
      new ErrorRateAccumulator().update(['a'], []),
    ),
    probe('ErrorRateAccumulator.result: empty', 'empty', EMPTY, () => createWerAccumulator().result()),
    probe('TokenAccuracyAccumulator.update: lengths differ', 'out-of-range', LENGTH, () =>
      new TokenAccuracyAccumulator().update([[1]], [[1], [2]]),
    ),
    probe('TokenAccuracyAccumulator.result: empty', 'empty', EMPTY, () =>
      new TokenAccuracyAccumulator().result(),
    ),
    // ---- forecast ----
    probe('meanAbsoluteError: NaN prediction', 'non-finite', NON_FINITE, () =>
      meanAbsoluteError([1], [Number.NaN]),
    ),
    probe('meanSquaredError: empty', 'empty', EMPTY, () => meanSquaredError([], [])),
    probe('rootMeanSquaredError: lengths differ', 'out-of-range', LENGTH, () =>
      rootMeanSquaredError([1, 2], [1]),
    ),
    probe('meanAbsolutePercentageError: weight -1', 'out-of-range', OPTION, () =>
      meanAbsolutePercentageError([1], [1], { sampleWeight: [-1] }),
    ),
    probe('symmetricMeanAbsolutePercentageError: weights sum 0', 'out-of-range', OPTION, () =>
      symmetricMeanAbsolutePercentageError([1], [1], { sampleWeight: [0] }),
    ),
    probe('meanAbsoluteScaledError: no training', 'empty', OPTION, () =>
      meanAbsoluteScaledError([1], [1], {} as never),
    ),
    probe('forecastErrors: seasonalPeriod 0', 'out-of-range', OPTION, () =>
      forecastErrors([1], [1], { seasonalPeriod: 0 }),
    ),
    probe('forecastErrors: training NaN', 'non-finite', NON_FINITE, () =>
      forecastErrors([1], [1], { training: [1, Number.NaN] }),
    ),
    probe('forecastErrors: errors overflow to Infinity', 'huge', NON_FINITE, () =>
      forecastErrors([1e308, -1e308], [-1e308, 1e308]),
    ),
    probe('meanSquaredError: squares overflow', 'huge', NON_FINITE, () =>
      meanSquaredError([1e200], [-1e200]),
    ),
    probe('forecastErrors: misspelt seasonalPeriods', 'misspelt-option', OPTION, () =>
      forecastErrors([1], [1], { seasonalPeriods: 2 } as never),
    ),
    probe('ForecastAccumulator.update: lengths differ', 'out-of-range', LENGTH, () =>
      new ForecastAccumulator().update([1, 2], [1]),
    ),
    probe(
      'ForecastAccumulator: training too short',
      'out-of-range',
      OPTION,
      () => new ForecastAccumulator({ training: [1] }),
    ),
    // ---- perplexity ----
    probe('perplexity: NaN', 'non-finite', NON_FINITE, () => perplexity(Number.NaN)),
    probe('perplexity: negative NLL', 'out-of-range', INPUT, () => perplexity(-1)),
    probe('perplexity: "1"', 'bad-type', 'error', () => perplexity('1' as never)),
    probe('bitsPerToken: -Infinity', 'non-finite', 'error', () => bitsPerToken(Number.NEGATIVE_INFINITY)),
    probe('bitsPerCharacter: null', 'bad-type', 'error', () => bitsPerCharacter(null as never)),
    probe('perplexityFromTotal: 0 tokens', 'empty', EMPTY, () => perplexityFromTotal(1, 0)),
    probe('perplexityFromTotal: 1.5 tokens', 'out-of-range', INPUT, () => perplexityFromTotal(1, 1.5)),
    probe('bitsPerTokenFromTotal: NaN tokens', 'non-finite', 'error', () =>
      bitsPerTokenFromTotal(1, Number.NaN),
    ),
    probe('PerplexityAccumulator.update: NaN', 'non-finite', NON_FINITE, () =>
      new PerplexityAccumulator().update(Number.NaN, 1),
    ),
    probe('PerplexityAccumulator.result: empty', 'empty', EMPTY, () => new PerplexityAccumulator().result()),
    // ---- tensor ----
    probe('maskedSparseCategoricalCrossentropy: padId NaN', 'non-finite', OPTION, () =>
      maskedSparseCategoricalCrossentropy({ padId: Number.NaN }),
    ),
    probe('maskedSparseCategoricalCrossentropy: misspelt fromLogit', 'misspelt-option', OPTION, () =>
      maskedSparseCategoricalCrossentropy({ fromLogit: true } as never),
    ),
    probe(
      'maskedSparseCategoricalCrossentropy: wrong shapes x5',
      'bad-type',
      SHAPE,
      tensorCalls(() => [tf.zeros([2, 3]), tf.zeros([2, 4, 5])], maskedSparseCategoricalCrossentropy()),
    ),
    probe(
      'maskedSparseCategoricalCrossentropy: string labels x5',
      'bad-type',
      'error',
      tensorCalls(
        () => [tf.tensor([['a', 'b']]), tf.zeros([1, 2, 3])],
        maskedSparseCategoricalCrossentropy(),
      ),
    ),
    probe('maskedSparseCategoricalCrossentropy: yTrue an array', 'bad-type', 'error', () => {
      const pred = tf.zeros([1, 2, 3]);
      try {
        return maskedSparseCategoricalCrossentropy()([[1, 2]] as never, pred);
      } finally {
        pred.dispose();
      }
    }),
    probe(
      'maskedAccuracy: wrong shapes x5',
      'bad-type',
      SHAPE,
      tensorCalls(() => [tf.zeros([3]), tf.zeros([2, 4, 5])], maskedAccuracy()),
    ),
    probe(
      'maskedAccuracy: scalar yPred x5',
      'bad-type',
      SHAPE,
      tensorCalls(() => [tf.zeros([1]), tf.scalar(1)], maskedAccuracy()),
    ),
    probe('maskedAccuracy: padId 1.5', 'out-of-range', OPTION, () => maskedAccuracy({ padId: 1.5 })),
    probe(
      'sparseCategoricalAccuracy: wrong shapes x5',
      'bad-type',
      SHAPE,
      tensorCalls(() => [tf.zeros([2, 7]), tf.zeros([2, 3])], sparseCategoricalAccuracy()),
    ),
    probe(
      'categoricalAccuracy: wrong shapes x5',
      'bad-type',
      SHAPE,
      tensorCalls(() => [tf.zeros([2]), tf.zeros([2, 3])], categoricalAccuracy()),
    ),
    probe(
      'binaryAccuracy: wrong shapes x5',
      'bad-type',
      SHAPE,
      tensorCalls(() => [tf.zeros([2, 1]), tf.zeros([3, 1])], binaryAccuracy()),
    ),
    probe('binaryAccuracy: threshold NaN', 'non-finite', OPTION, () =>
      binaryAccuracy({ threshold: Number.NaN }),
    ),
    probe('topKAccuracy: k 0', 'out-of-range', OPTION, () => topKAccuracy({ k: 0 })),
    probe('topKAccuracy: misspelt kk', 'misspelt-option', OPTION, () => topKAccuracy({ kk: 2 } as never)),
    probe(
      'topKAccuracy: wrong shapes x5',
      'bad-type',
      SHAPE,
      tensorCalls(() => [tf.zeros([4]), tf.zeros([2, 3])], topKAccuracy()),
    ),
    // ---- plots ----
    probe(
      'forecastPlotSvg: forecast shorter than truth',
      'bad-type',
      { code: 'METRICS_LENGTH_MISMATCH' },
      () => forecastPlotSvg([1, 2], { model: [1] }),
    ),
    probe('forecastPlotSvg: NaN truth', 'non-finite', NON_FINITE, () =>
      forecastPlotSvg([1, Number.NaN], { model: [1, 2] }),
    ),
    probe('forecastPlotSvg: misspelt titel', 'misspelt-option', OPTION, () =>
      forecastPlotSvg([1, 2], { model: [1, 2] }, { titel: 'x' } as never),
    ),
    probe('forecastPlotSvg: null truth', 'bad-type', 'error', () => forecastPlotSvg(null as never, {})),
    probe('confusionMatrixSvg: []', 'empty', SHAPE, () => confusionMatrixSvg([])),
    probe('confusionMatrixSvg: NaN cell', 'non-finite', NON_FINITE, () => confusionMatrixSvg([[Number.NaN]])),
    probe('confusionMatrixSvg: null', 'bad-type', 'error', () => confusionMatrixSvg(null as never)),
    probe('confusionMatrixSvg: cellSize NaN', 'non-finite', OPTION, () =>
      confusionMatrixSvg([[1]], { cellSize: Number.NaN }),
    ),
    probe('confusionMatrixSvg: misspelt normalise', 'misspelt-option', OPTION, () =>
      confusionMatrixSvg([[1]], { normalise: 'true' } as never),
    ),
    probe(
      'confusionMatrixSvg: 3000 x 3000 matrix',
      'huge',
      'error',
      () =>
        confusionMatrixSvg(
          Array.from({ length: 3000 }, () => new Array(3000).fill(1)),
          { cellSize: 4 },
        ),
      30,
    ),
    probe('plotHistorySvg: null', 'bad-type', INPUT, () => plotHistorySvg(null as never)),
    probe('plotHistorySvg: unknown metric', 'out-of-range', OPTION, () =>
      plotHistorySvg(history, { metrics: ['acc'] }),
    ),
    probe('plotHistorySvg: series too short', 'out-of-range', SHAPE, () =>
      plotHistorySvg({ epoch: [0, 1], history: { loss: [1] } }),
    ),
    probe('plotHistorySvg: history.history null', 'bad-type', 'error', () =>
      plotHistorySvg({ epoch: [0], history: null as never }),
    ),
    probe('plotHistorySvg: series not an array', 'bad-type', 'error', () =>
      plotHistorySvg({ epoch: [0], history: { loss: 5 as never } }),
    ),
    probe(
      'plotHistorySvg: 1e6 epochs',
      'huge',
      'error',
      () => plotHistorySvg({ epoch: distinct(1e6), history: { loss: new Array(1e6).fill(1) } }),
      30,
    ),
    probe('plotHistorySvg: NaN loss leaves a gap', 'non-finite', 'ok', () =>
      plotHistorySvg({ epoch: [0, 1], history: { loss: [1, Number.NaN] } }),
    ),
    probe('embeddingScatterSvg: NaN point', 'non-finite', NON_FINITE, () =>
      embeddingScatterSvg([[Number.NaN, 1]], ['a']),
    ),
    probe('embeddingScatterSvg: points null', 'bad-type', 'error', () =>
      embeddingScatterSvg(null as never, []),
    ),
    probe('embeddingScatterSvg: labels null', 'bad-type', 'error', () =>
      embeddingScatterSvg([[1, 1]], null as never),
    ),
    probe('embeddingScatterSvg: width 1e9', 'out-of-range', OPTION, () =>
      embeddingScatterSvg([[1, 1]], ['a'], { width: 1e9 }),
    ),
    probe(
      'embeddingScatterSvg: 1e6 points',
      'huge',
      'error',
      () =>
        embeddingScatterSvg(
          Array.from({ length: 1e6 }, (_, i) => [i, i] as [number, number]),
          new Array(1e6).fill('a'),
        ),
      30,
    ),
    probe('svgToPng: not an SVG', 'corrupt-file', OPTION, () => svgToPng('<html>')),
    probe('svgToPng: null', 'bad-type', 'error', () => svgToPng(null as never)),
    probe('svgToPng: width NaN', 'non-finite', OPTION, () =>
      svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>', { width: Number.NaN }),
    ),
  ],
};
export default suite;
