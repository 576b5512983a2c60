import { expectErrorCode } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useCpuBackend } from '../../test/support.js';
import { RnnModelsError } from '../errors.js';
import { forecaster } from './forecaster.js';
import { languageModel } from './language-model.js';
import { sequenceClassifier } from './sequence-classifier.js';
import { sequenceTagger } from './sequence-tagger.js';

useCpuBackend();

describe('template size limits (issue 13 #13)', () => {
  it.each([
    [
      'languageModel vocabularySize × embeddingDim',
      () => languageModel({ vocabularySize: 1e9, embeddingDim: 64 }),
    ],
    ['languageModel units', () => languageModel({ vocabularySize: 5, embeddingDim: 2, units: 1e9 })],
    ['languageModel embeddingDim', () => languageModel({ vocabularySize: 5, embeddingDim: 1e9, units: 2 })],
    [
      'languageModel output Dense (vocabulary)',
      () => languageModel({ vocabularySize: 5e8, embeddingDim: 1, units: 8 }),
    ],
    [
      'sequenceClassifier numClasses',
      () => sequenceClassifier({ vocabularySize: 5, embeddingDim: 2, units: 2, numClasses: 1e9 }),
    ],
    [
      'sequenceClassifier bidirectional second layer',
      () =>
        sequenceClassifier({ vocabularySize: 5, embeddingDim: 2, units: [2, 15_000], bidirectional: true }),
    ],
    [
      'sequenceTagger hiddenUnits',
      () => sequenceTagger({ vocabularySize: 5, embeddingDim: 2, units: 2, numTags: 3, hiddenUnits: [1e9] }),
    ],
    [
      'forecaster outputSteps × outputFeatures',
      () => forecaster({ features: 1000, units: 2, outputSteps: 1e6 }),
    ],
  ])('issue 13 #13: %s too large is RNN_MODELS_TOO_LARGE before any layer is built', (_, make) => {
    const before = tf.memory().numTensors;
    expectErrorCode(make, RnnModelsError, 'RNN_MODELS_TOO_LARGE');
    expect(tf.memory().numTensors).toBe(before);
  });
});
