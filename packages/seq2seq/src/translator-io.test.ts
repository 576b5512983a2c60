import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RnnModelsError } from '@rnnkit/rnn-models';
import { saveModel } from '@rnnkit/rnn-models/node';
import { expectErrorCode } from '@rnnkit/test-utils';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeTargets, encodeSources } from './data/pair-codec.js';
import { preparePairs } from './data/prepare-pairs.js';
import { Seq2SeqError } from './errors.js';
import {
  DEFAULT_SAVE_TRANSLATOR_OPTIONS,
  loadEncoderDecoder,
  loadTranslator,
  type SavableTranslator,
  saveTranslator,
  TRANSLATOR_FORMAT,
} from './translator-io.js';

let root: string;
let count = 0;
const freshDir = () => join(root, `t${++count}`);

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'rnnkit-seq2seq-io-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const PAIRS = [
  { source: 'Go.', target: 'Va !' },
  { source: 'Hi.', target: 'Salut !' },
  { source: 'Run!', target: 'Cours !' },
  { source: 'Who?', target: 'Qui ?' },
];

/** Stands in for an encoder–decoder: Embedding → Dense over the target vocabulary. */
function standIn(level: 'word' | 'char' = 'word'): SavableTranslator & { readonly sourceIds: tf.Tensor2D } {
  const prepared = preparePairs(PAIRS, { level });
  const sourceVocabularySize = prepared.sourceVocabulary.vocabularySize;
  const targetVocabularySize = prepared.targetVocabulary.vocabularySize;
  const model = tfl.sequential({
    layers: [
      tfl.layers.embedding({
        inputDim: sourceVocabularySize,
        outputDim: 3,
        inputShape: [null as unknown as number],
      }),
      tfl.layers.dense({ units: targetVocabularySize }),
    ],
  });
  const config = {
    sourceVocabularySize,
    targetVocabularySize,
    embeddingDim: 3,
    cell: 'gru',
    attention: 'none',
  };
  const { data, shape } = prepared.sourceIds;
  return { ...prepared, model, config, sourceIds: tf.tensor2d(data, shape, 'int32') };
}

function predict(model: tfl.LayersModel, ids: tf.Tensor2D): Float32Array {
  return tf.tidy(() => (model.predict(ids) as tf.Tensor).dataSync() as Float32Array);
}

describe('saveTranslator / loadTranslator', () => {
  it('pins the documented defaults', () => {
    expect(DEFAULT_SAVE_TRANSLATOR_OPTIONS).toEqual({ optimizer: null, metadata: null });
  });

  for (const level of ['word', 'char'] as const) {
    it(`round-trips the model, config and ${level}-level vocabularies`, async () => {
      const translator = standIn(level);
      const dir = freshDir();
      await saveTranslator(translator, dir, { metadata: { epoch: 3, bleu: 0.25 } });
      const loaded = await loadTranslator(dir);
      try {
        expect(predict(loaded.model, translator.sourceIds)).toEqual(
          predict(translator.model, translator.sourceIds),
        );
        expect(loaded.config).toEqual(translator.config);
        expect(loaded.metadata).toEqual({ epoch: 3, bleu: 0.25 });
        expect([loaded.bos, loaded.eos]).toEqual([translator.bos, translator.eos]);
        expect(loaded.standardize).toEqual(translator.standardize);
        expect(loaded.sourceVocabulary.toJSON()).toBe(translator.sourceVocabulary.toJSON());
        expect(loaded.targetVocabulary.toJSON()).toBe(translator.targetVocabulary.toJSON());
        expect(loaded.sourceVocabulary.constructor).toBe(translator.sourceVocabulary.constructor);
        const sources = PAIRS.map((pair) => pair.source).concat('Go, who?');
        expect(encodeSources(sources, loaded)).toEqual(encodeSources(sources, translator));
        const rows = (translator as unknown as ReturnType<typeof preparePairs>).targetIds.rows();
        expect(decodeTargets(rows, loaded)).toEqual(decodeTargets(rows, translator));
        expect(loaded.optimizer).toBeUndefined();
      } finally {
        loaded.model.dispose();
        translator.model.dispose();
        translator.sourceIds.dispose();
      }
    });
  }

  it('saves the optimizer state when asked', async () => {
    const translator = standIn();
    translator.model.compile({ optimizer: tf.train.adam(0.01), loss: 'sparseCategoricalCrossentropy' });
    const dir = freshDir();
    await saveTranslator(translator, dir, { optimizer: translator.model.optimizer });
    const loaded = await loadTranslator(dir);
    expect(loaded.optimizer).toBeDefined();
    loaded.model.dispose();
    translator.model.dispose();
    translator.sourceIds.dispose();
  });

  it('refuses bad translators and options with typed errors, writing nothing', async () => {
    const translator = standIn();
    const dir = freshDir();
    const save = (value: unknown, options?: object) =>
      saveTranslator(value as SavableTranslator, dir, options);
    await expectErrorCode(save(translator, { metdata: 1 }), Seq2SeqError, 'SEQ2SEQ_INVALID_OPTION');
    await expectErrorCode(save(translator, { optimiser: null }), Seq2SeqError, 'SEQ2SEQ_INVALID_OPTION');
    await expectErrorCode(
      save(translator, { metadata: { when: new Date() } }),
      Seq2SeqError,
      'SEQ2SEQ_INVALID_OPTION',
    );
    await expectErrorCode(save({ ...translator, model: {} }), Seq2SeqError, 'SEQ2SEQ_INVALID_INPUT');
    await expectErrorCode(
      save({ ...translator, config: { dropout: Number.NaN } }),
      Seq2SeqError,
      'SEQ2SEQ_INVALID_INPUT',
    );
    await expectErrorCode(
      save({ ...translator, config: { f: () => 1 } }),
      Seq2SeqError,
      'SEQ2SEQ_INVALID_INPUT',
    );
    await expectErrorCode(save({ ...translator, config: [] }), Seq2SeqError, 'SEQ2SEQ_INVALID_INPUT');
    await expectErrorCode(
      save({ ...translator, targetVocabulary: {} }),
      Seq2SeqError,
      'SEQ2SEQ_INVALID_INPUT',
    );
    await expectErrorCode(
      save({ ...translator, standardize: { lowercse: true } }),
      Seq2SeqError,
      'SEQ2SEQ_INVALID_INPUT',
    );
    await expectErrorCode(save({ ...translator, eos: 10_000 }), Seq2SeqError, 'SEQ2SEQ_VOCABULARY_MISMATCH');
    await expectErrorCode(
      save({ ...translator, config: { ...translator.config, targetVocabularySize: 3 } }),
      Seq2SeqError,
      'SEQ2SEQ_VOCABULARY_MISMATCH',
    );
    await expectErrorCode(loadTranslator(dir), RnnModelsError, 'RNN_MODELS_CHECKPOINT_CORRUPT');
    translator.model.dispose();
    translator.sourceIds.dispose();
  });

  it('fails with typed errors on missing, plain, tampered or malformed checkpoints, leaking no tensor', async () => {
    const translator = standIn();
    const good = freshDir();
    await saveTranslator(translator, good);
    const extras = JSON.parse(await readFile(join(good, 'extras.json'), 'utf8')) as Record<string, unknown>;
    const withExtras = async (changed: Record<string, unknown> | undefined) => {
      const dir = freshDir();
      await saveModel(translator.model, dir, changed === undefined ? {} : { extras: changed as never });
      return dir;
    };
    const cases: [string, Promise<string>][] = [
      ['no extras', withExtras(undefined)],
      ['another format', withExtras({ ...extras, format: 'something-else' })],
      ['a newer version', withExtras({ ...extras, formatVersion: 2 })],
      ['no config', withExtras({ ...extras, config: undefined })],
      ['a broken vocabulary', withExtras({ ...extras, targetVocabulary: { class_name: 'Tokenizer' } })],
      ['no vocabulary', withExtras({ ...extras, sourceVocabulary: undefined })],
      ['bos out of range', withExtras({ ...extras, bos: -1 })],
      ['no standardize', withExtras({ ...extras, standardize: undefined })],
    ];
    await loadTranslator(good).then(({ model }) => model.dispose()); // warm-up: kernels, layer registry
    for (const [name, made] of cases) {
      const dir = await made;
      const before = tf.memory().numTensors;
      const error = await expectErrorCode(loadTranslator(dir), Seq2SeqError, 'SEQ2SEQ_CHECKPOINT_CORRUPT');
      expect(error.message, name).toContain(dir);
      expect(tf.memory().numTensors, name).toBe(before);
    }
    const mismatched = await withExtras({ ...extras, config: { targetVocabularySize: 2 } });
    const before = tf.memory().numTensors;
    await expectErrorCode(loadTranslator(mismatched), Seq2SeqError, 'SEQ2SEQ_VOCABULARY_MISMATCH');
    expect(tf.memory().numTensors).toBe(before);
    // extras.json edited after the save: the checksum catches it before anything is built
    const tampered = freshDir();
    await saveTranslator(translator, tampered);
    await writeFile(
      join(tampered, 'extras.json'),
      JSON.stringify({ ...extras, bos: extras.eos, eos: extras.bos }),
    );
    await expectErrorCode(loadTranslator(tampered), RnnModelsError, 'RNN_MODELS_CHECKPOINT_CORRUPT');
    await expectErrorCode(
      loadTranslator(join(root, 'missing')),
      RnnModelsError,
      'RNN_MODELS_CHECKPOINT_CORRUPT',
    );
    await expectErrorCode(loadTranslator('' as string), Seq2SeqError, 'SEQ2SEQ_INVALID_INPUT');
    // A valid translator whose model is not an encoderDecoder's (this stand-in): the model is freed.
    const notEncoderDecoder = await expectErrorCode(
      loadEncoderDecoder(good),
      Seq2SeqError,
      'SEQ2SEQ_CHECKPOINT_CORRUPT',
    );
    expect(notEncoderDecoder.message).toContain('loadTranslator');
    expect(tf.memory().numTensors).toBe(before);
    expect(extras.format).toBe(TRANSLATOR_FORMAT);
    translator.model.dispose();
    translator.sourceIds.dispose();
  });
});
