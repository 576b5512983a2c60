import { expectErrorCode } from '@rnnkit/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/backend.js';
import { RnnModelsError } from '../errors.js';
import { forecaster } from './forecaster.js';
import { languageModel } from './language-model.js';
import { sequenceClassifier } from './sequence-classifier.js';
import { sequenceTagger } from './sequence-tagger.js';
import { summary } from './summary.js';

/** Calls `fn`, expects `RNN_MODELS_INVALID_OPTION` and a message naming `closest`. */
function expectMisspelt(fn: () => unknown, closest: string): void {
  const error = expectErrorCode(fn, RnnModelsError, 'RNN_MODELS_INVALID_OPTION');
  expect(error.message).toContain(`'${closest}'`);
}

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('templates reject misspelt option names, naming the closest', () => {
  it('languageModel', () => {
    expectMisspelt(() => languageModel({ vocabularySize: 9, hidden_units: [8] } as never), 'hiddenUnits');
    expectMisspelt(() => languageModel({ vocabSize: 9 } as never), 'vocabularySize');
  });

  it('sequenceClassifier', () => {
    expectMisspelt(() => sequenceClassifier({ vocabularySize: 9, numClass: 3 } as never), 'numClasses');
  });

  it('sequenceTagger', () => {
    expectMisspelt(
      () => sequenceTagger({ vocabularySize: 9, numTags: 3, bidirectonal: true } as never),
      'bidirectional',
    );
  });

  it('forecaster', () => {
    expectMisspelt(() => forecaster({ features: 2, outSteps: 3 } as never), 'outputSteps');
    expectMisspelt(() => forecaster({ features: 2, outFeatures: 1 } as never), 'outputFeatures');
  });

  it('summary', () => {
    const model = languageModel({ vocabularySize: 9, embeddingDim: 2, units: 2, sequenceLength: 3 });
    try {
      expectMisspelt(() => summary(model, { lineLenght: 80 } as never), 'lineLength');
    } finally {
      model.dispose();
    }
  });
});
