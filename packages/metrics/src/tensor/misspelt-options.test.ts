// Every options-taking factory of `@rnnkit/metrics/tensor` rejects a misspelt option name.
import { expectErrorCode } from '@rnnkit/test-utils';
import { describe, expect, it } from 'vitest';
import { MetricsError } from '../errors.js';
import {
  binaryAccuracy,
  maskedAccuracy,
  maskedSparseCategoricalCrossentropy,
  topKAccuracy,
} from './index.js';

function expectMisspelt(fn: (options: never) => unknown, misspelt: string, closest: string): void {
  const error = expectErrorCode(() => fn({ [misspelt]: 1 } as never), MetricsError, 'METRICS_INVALID_OPTION');
  expect(error.message).toContain(`Did you mean '${closest}'?`);
}

describe('misspelt option names', () => {
  it('fail when the metric or loss is made, naming the closest option', () => {
    expectMisspelt(maskedSparseCategoricalCrossentropy, 'fromLogit', 'fromLogits');
    expectMisspelt(maskedSparseCategoricalCrossentropy, 'padID', 'padId');
    expectMisspelt(maskedAccuracy, 'padID', 'padId');
    expectMisspelt(binaryAccuracy, 'treshold', 'threshold');
    expectMisspelt(topKAccuracy, 'K', 'k');
    expectMisspelt(topKAccuracy, 'spars', 'sparse');
  });
});
