/**
 * Step 1 of the whole-model PyTorch fixtures (scripts/regenerate-torch-fixtures.sh runs both
 * steps): builds one small model per case with rnnkit's templates, fills every weight with
 * seeded random values (BatchNormalization variances positive), exports each with exportTorch
 * into test/fixtures/torch-models/rnnkit/<case>/, and writes test/fixtures/torch-models/cases.json
 * (template, options, input) for step 2, make_torch_model_fixtures.py, which runs the PyTorch
 * side. Run: tsx --conditions=@rnnkit/source scripts/make-torch-model-fixtures.ts
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { encodeTorchModel, type TorchTemplateConfig } from '../src/index.js';
import { exportTorch } from '../src/node/index.js';
import { forecaster } from '../src/templates/forecaster.js';
import { languageModel } from '../src/templates/language-model.js';
import { sequenceClassifier } from '../src/templates/sequence-classifier.js';
import { sequenceTagger } from '../src/templates/sequence-tagger.js';

const ROOT = new URL('../test/fixtures/torch-models/', import.meta.url);
const BATCH = 3;
const TIME = 6;

/** Token ids with padding 0 after, before and inside the rows; no row all padding. */
const IDS = [
  [3, 1, 4, 1, 0, 0],
  [0, 0, 2, 6, 5, 3],
  [5, 0, 2, 0, 6, 1],
];

export const CASES: readonly TorchTemplateConfig[] = [
  {
    template: 'languageModel',
    options: {
      vocabularySize: 7,
      embeddingDim: 3,
      units: [5, 4],
      maskZero: true,
      batchNorm: true,
      hiddenUnits: [6],
    },
  },
  {
    template: 'languageModel',
    options: {
      vocabularySize: 7,
      embeddingDim: 4,
      cell: 'gru',
      units: 5,
      mode: 'next',
      logits: true,
      layerDropout: 0.2,
    },
  },
  {
    template: 'sequenceClassifier',
    options: {
      vocabularySize: 7,
      embeddingDim: 3,
      units: [4, 3],
      bidirectional: true,
      maskZero: true,
      dropout: 0.1,
    },
  },
  {
    template: 'sequenceClassifier',
    options: {
      vocabularySize: 7,
      embeddingDim: 3,
      cell: 'gru',
      resetAfter: false,
      units: 4,
      bidirectional: true,
      numClasses: 3,
      activation: 'relu',
      maskZero: true,
    },
  },
  {
    template: 'sequenceTagger',
    options: {
      vocabularySize: 7,
      numTags: 4,
      embeddingDim: 3,
      units: 4,
      timeDistributed: true,
      hiddenUnits: [5],
      hiddenActivation: 'tanh',
      batchNorm: true,
    },
  },
  {
    template: 'sequenceTagger',
    options: {
      vocabularySize: 7,
      numTags: 3,
      embeddingDim: 3,
      cell: 'simple',
      activation: 'relu',
      units: [4, 4],
      bidirectional: false,
      logits: true,
    },
  },
  {
    template: 'forecaster',
    options: {
      features: 3,
      units: [4, 3],
      outputSteps: 2,
      outputFeatures: 2,
      batchNorm: true,
      inputSteps: TIME,
    },
  },
  { template: 'forecaster', options: { features: 2, cell: 'simple', units: 5, hiddenUnits: [4] } },
];

/** The file name of a case: its index, template and cell. */
export function caseName(index: number, config: TorchTemplateConfig): string {
  return `${index}-${config.template}-${config.options.cell ?? 'default'}`;
}

function build(config: TorchTemplateConfig) {
  switch (config.template) {
    case 'languageModel':
      return languageModel({ ...config.options, seed: 1 });
    case 'sequenceClassifier':
      return sequenceClassifier({ ...config.options, seed: 2 });
    case 'sequenceTagger':
      return sequenceTagger({ ...config.options, seed: 3 });
    case 'forecaster':
      return forecaster({ ...config.options, seed: 4 });
  }
}

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  await rm(ROOT, { recursive: true, force: true });
  await mkdir(new URL('rnnkit/', ROOT), { recursive: true });
  const cases = [];
  for (const [index, config] of CASES.entries()) {
    const model = build(config);
    tf.tidy(() => {
      model.weights.forEach((w, k) => {
        const random = tf.randomUniform(w.shape, -0.8, 0.8, 'float32', 100 * index + k);
        w.write(w.originalName.endsWith('moving_variance') ? tf.add(tf.abs(random), 0.5) : random);
      });
    });
    const name = caseName(index, config);
    const input =
      config.template === 'forecaster'
        ? (tf
            .randomNormal([BATCH, TIME, config.options.features], 0, 1, 'float32', 7 + index)
            .arraySync() as number[][][])
        : IDS;
    // the recorded config must be the one this case was built from
    const recorded = encodeTorchModel(model).config;
    const dir = new URL(`rnnkit/${name}/`, ROOT);
    await exportTorch(model, dir.pathname);
    // exportTorch's ownership marker holds a random tag: keep it out of the committed fixtures
    await rm(new URL('.rnnkit-temporary', dir));
    cases.push({
      name,
      template: config.template,
      options: config.options,
      recorded: recorded.options,
      input,
    });
    model.dispose();
  }
  await writeFile(new URL('cases.json', ROOT), `${JSON.stringify(cases, null, 1)}\n`);
  console.log(`wrote ${cases.length} rnnkit exports and cases.json`);
}

await main();
