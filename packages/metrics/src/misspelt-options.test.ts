// Every public function and constructor of `@rnnkit/metrics` that takes options rejects a misspelt
// option name with METRICS_INVALID_OPTION naming the closest valid one (never silently ignores it).
import { expectErrorCode } from '@rnnkit/test-utils';
import { describe, expect, it } from 'vitest';
import {
  accuracyScore,
  BleuAccumulator,
  ClassificationAccumulator,
  classificationReport,
  confusionMatrix,
  corpusBleu,
  corpusBleuScores,
  createBleuAccumulator,
  createErrorRateAccumulator,
  ErrorRateAccumulator,
  ForecastAccumulator,
  f1Score,
  fbetaScore,
  forecastErrors,
  MetricsError,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanAbsoluteScaledError,
  meanSquaredError,
  precisionRecallFscoreSupport,
  precisionScore,
  recallScore,
  rootMeanSquaredError,
  sentenceBleu,
  sentenceBleuScores,
  symmetricMeanAbsolutePercentageError,
  TokenAccuracyAccumulator,
  tokenAccuracy,
} from './index.js';

const Y = [0, 1, 1, 0];
const REFS = [[['a', 'b', 'c']]];
const HYPS = [['a', 'b', 'c']];

/** Calls `fn` with a misspelt option and expects the typed error naming `closest`. */
function expectMisspelt(fn: (options: never) => unknown, misspelt: string, closest: string): void {
  const error = expectErrorCode(() => fn({ [misspelt]: 1 } as never), MetricsError, 'METRICS_INVALID_OPTION');
  expect(error.message).toContain(`'${misspelt}'`);
  expect(error.message).toContain(`Did you mean '${closest}'?`);
}

describe('misspelt option names', () => {
  it('classification functions', () => {
    expectMisspelt((o) => accuracyScore(Y, Y, o), 'normalise', 'normalize');
    expectMisspelt((o) => precisionRecallFscoreSupport(Y, Y, o), 'averge', 'average');
    expectMisspelt((o) => precisionScore(Y, Y, o), 'averge', 'average');
    expectMisspelt((o) => recallScore(Y, Y, o), 'posLable', 'posLabel');
    expectMisspelt((o) => f1Score(Y, Y, o), 'averge', 'average');
    expectMisspelt((o) => fbetaScore(Y, Y, { beta: 2, ...(o as object) }), 'zeroDivison', 'zeroDivision');
    expectMisspelt((o) => classificationReport(Y, Y, o), 'digit', 'digits');
    expectMisspelt((o) => confusionMatrix(Y, Y, o), 'normalise', 'normalize');
  });

  it('f1Score({ averge: "macro" }) throws instead of returning the binary F1', () => {
    expectErrorCode(
      () => f1Score([0, 1, 2], [0, 2, 1], { averge: 'macro' } as never),
      MetricsError,
      'METRICS_INVALID_OPTION',
    );
    // f1Score fixes beta at 1: passing one is an error, not silently overridden.
    expectErrorCode(() => f1Score(Y, Y, { beta: 2 } as never), MetricsError, 'METRICS_INVALID_OPTION');
  });

  it('ClassificationAccumulator methods (sampleWeight goes to update, not to them)', () => {
    const acc = new ClassificationAccumulator().update(Y, Y);
    expectMisspelt((o) => acc.accuracy(o), 'normalise', 'normalize');
    expectMisspelt((o) => acc.confusionMatrix(o), 'lables', 'labels');
    expectMisspelt((o) => acc.precisionRecallFscoreSupport(o), 'averge', 'average');
    expectMisspelt((o) => acc.result(o), 'targetName', 'targetNames');
    expectErrorCode(
      () => acc.accuracy({ sampleWeight: [1] } as never),
      MetricsError,
      'METRICS_INVALID_OPTION',
    );
  });

  it('BLEU functions, the smoothing object and the accumulator', () => {
    expectMisspelt((o) => corpusBleu(REFS, HYPS, o), 'weight', 'weights');
    expectMisspelt((o) => sentenceBleu(REFS[0]!, HYPS[0]!, o), 'smothing', 'smoothing');
    expectMisspelt(
      (o) => corpusBleuScores(REFS, HYPS, { weightSets: [[1]], ...(o as object) }),
      'autoReweight',
      'autoReweigh',
    );
    expectMisspelt(
      (o) => sentenceBleuScores(REFS[0]!, HYPS[0]!, { weightSets: [[1]], ...(o as object) }),
      'onWarn',
      'onWarning',
    );
    expectMisspelt(
      (o) => corpusBleu(REFS, HYPS, { smoothing: { method: 'method1', ...(o as object) } }),
      'epsilo',
      'epsilon',
    );
    expectMisspelt((o) => new BleuAccumulator(o), 'weight', 'weights');
    expectMisspelt((o) => createBleuAccumulator(o), 'smothing', 'smoothing');
  });

  it('error rates and token accuracy', () => {
    expectMisspelt((o) => new ErrorRateAccumulator(o), 'units', 'unit');
    expectMisspelt((o) => createErrorRateAccumulator(o), 'units', 'unit');
    expectMisspelt((o) => tokenAccuracy([[1]], [[1]], o), 'padID', 'padId');
    expectMisspelt((o) => new TokenAccuracyAccumulator(o), 'padID', 'padId');
  });

  it('forecast errors', () => {
    const y = [1, 2, 3];
    expectMisspelt((o) => forecastErrors(y, y, o), 'seasonalPeriods', 'seasonalPeriod');
    expectMisspelt((o) => meanAbsoluteError(y, y, o), 'sampleWeights', 'sampleWeight');
    expectMisspelt((o) => meanSquaredError(y, y, o), 'sampleWeights', 'sampleWeight');
    expectMisspelt((o) => rootMeanSquaredError(y, y, o), 'sampleWeights', 'sampleWeight');
    expectMisspelt((o) => meanAbsolutePercentageError(y, y, o), 'sampleWeights', 'sampleWeight');
    expectMisspelt((o) => symmetricMeanAbsolutePercentageError(y, y, o), 'sampleWeights', 'sampleWeight');
    expectMisspelt(
      (o) => meanAbsoluteScaledError(y, y, { training: y, ...(o as object) }),
      'trainning',
      'training',
    );
    expectMisspelt((o) => new ForecastAccumulator(o), 'trainning', 'training');
  });
});
