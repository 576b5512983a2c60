import * as tfl from '@tensorflow/tfjs-layers';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { initBackend } from '../backend/backend.js';
import { RnnModelsError } from '../errors.js';
import { gru, lstm } from '../layers/recurrent-layers.js';
import { languageModel } from './language-model.js';
import { sequenceClassifier } from './sequence-classifier.js';
import { sequenceTagger } from './sequence-tagger.js';
import { DEFAULT_SUMMARY_OPTIONS, summary } from './summary.js';

const built: tfl.LayersModel[] = [];

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

afterEach(() => {
  for (const model of built.splice(0)) model.dispose();
});

function keep<T extends tfl.LayersModel>(model: T): T {
  built.push(model);
  return model;
}

const BLANK = ' '.repeat(65);

/** Keras 2's `model.summary()` of the poetry notebook's model (sequence length 10), character for character. */
const KERAS_POETRY_SUMMARY = [
  'Model: "sequential"',
  '_________________________________________________________________',
  ' Layer (type)                Output Shape              Param #   ',
  '=================================================================',
  ' embedding (Embedding)       (None, 10, 8)             224       ',
  BLANK,
  ' lstm (LSTM)                 (None, 128)               70144     ',
  BLANK,
  ' batch_normalization (BatchN  (None, 128)              512       ',
  ' ormalization)                                                   ',
  BLANK,
  ' dense (Dense)               (None, 64)                8256      ',
  BLANK,
  ' batch_normalization_1 (Batc  (None, 64)               256       ',
  ' hNormalization)                                                 ',
  BLANK,
  ' dense_1 (Dense)             (None, 28)                1820      ',
  BLANK,
  '=================================================================',
  'Total params: 81,212',
  'Trainable params: 80,828',
  'Non-trainable params: 384',
  '_________________________________________________________________',
].join('\n');

/** The Param # column of a sequential-like summary (rows that start a layer). */
function paramColumn(text: string): number[] {
  const lines = text.split('\n');
  const first = lines.indexOf('='.repeat(65));
  const last = lines.lastIndexOf('='.repeat(65));
  return lines
    .slice(first + 1, last)
    .map((line) => line.slice(55).trim())
    .filter((cell) => cell !== '')
    .map(Number);
}

function totals(text: string): string[] {
  return text.split('\n').slice(-4, -1);
}

describe('summary', () => {
  it("reproduces Keras' text for the poetry model (names given as Keras names them)", () => {
    const model = keep(
      tfl.sequential({
        name: 'sequential',
        layers: [
          tfl.layers.embedding({ name: 'embedding', inputDim: 28, outputDim: 8, inputShape: [10] }),
          lstm({ name: 'lstm', units: 128, activation: 'relu' }),
          tfl.layers.batchNormalization({ name: 'batch_normalization' }),
          tfl.layers.dense({ name: 'dense', units: 64, activation: 'relu' }),
          tfl.layers.batchNormalization({ name: 'batch_normalization_1' }),
          tfl.layers.dense({ name: 'dense_1', units: 28, activation: 'softmax' }),
        ],
      }),
    );
    expect(summary(model)).toBe(KERAS_POETRY_SUMMARY);
  });

  it('1. poetry char model (Keras notebook): 81,212 parameters, 80,828 trainable', () => {
    const model = keep(
      languageModel({
        vocabularySize: 28,
        embeddingDim: 8,
        sequenceLength: 10,
        mode: 'next',
        units: 128,
        activation: 'relu',
        batchNorm: true,
        hiddenUnits: [64],
      }),
    );
    const text = summary(model);
    expect(model.countParams()).toBe(81_212);
    expect(paramColumn(text)).toEqual([224, 70_144, 512, 8_256, 256, 1_820]);
    expect(totals(text)).toEqual([
      'Total params: 81,212',
      'Trainable params: 80,828',
      'Non-trainable params: 384',
    ]);
    expect(text).toContain(' (LSTM) ');
  });

  it('2. word model (Keras notebook): 145,967 parameters with reset-after GRUs', () => {
    const options = {
      vocabularySize: 4855,
      embeddingDim: 8,
      sequenceLength: 10,
      mode: 'next',
      cell: 'gru',
      units: [64, 32],
      batchNorm: true,
      layerDropout: 0.2,
      hiddenUnits: [16],
    } as const;
    const model = keep(languageModel(options));
    const text = summary(model);
    expect(model.countParams()).toBe(145_967);
    // Embedding, GRU 64 (returns sequences), BN, Dropout, GRU 32 (last state), BN, Dropout, Dense 16, BN, Dropout, Dense.
    expect(paramColumn(text)).toEqual([38_840, 14_208, 256, 0, 9_408, 128, 0, 528, 64, 0, 82_535]);
    expect(model.layers.map((layer) => JSON.stringify(layer.outputShape))).toEqual([
      '[null,10,8]',
      '[null,10,64]',
      '[null,10,64]',
      '[null,10,64]',
      '[null,32]',
      '[null,32]',
      '[null,32]',
      '[null,16]',
      '[null,16]',
      '[null,16]',
      '[null,4855]',
    ]);
    expect(totals(text)).toEqual([
      'Total params: 145,967',
      'Trainable params: 145,743',
      'Non-trainable params: 224',
    ]);
    // reset_after=False (one GRU bias row) would give 3·(64 + 32) fewer: not the notebook's model.
    const resetBefore = keep(languageModel({ ...options, resetAfter: false }));
    expect(resetBefore.countParams()).toBe(145_967 - 3 * (64 + 32));
  });

  it('3. Alice char model (TF tutorial): 139,530 parameters', () => {
    const model = keep(
      languageModel({ vocabularySize: 90, embeddingDim: 256, cell: 'gru', units: 100, logits: true }),
    );
    const text = summary(model);
    expect(model.countParams()).toBe(139_530);
    expect(paramColumn(text)).toEqual([23_040, 107_400, 9_090]);
    expect(text).toContain('(None, None, 90)');
    expect(totals(text)).toEqual([
      'Total params: 139,530',
      'Trainable params: 139,530',
      'Non-trainable params: 0',
    ]);
  });

  it('4. sentiment classifier (TF notebook): 411,777 parameters', () => {
    const model = keep(
      sequenceClassifier({
        vocabularySize: 5272,
        embeddingDim: 64,
        units: 64,
        bidirectional: true,
        hiddenUnits: [64],
        logits: true,
      }),
    );
    const text = summary(model);
    expect(model.countParams()).toBe(411_777);
    expect(paramColumn(text)).toEqual([337_408, 66_048, 8_256, 65]);
    expect(text).toContain('(Bidirectiona  (None, 128)');
    expect(totals(text)).toEqual([
      'Total params: 411,777',
      'Trainable params: 411,777',
      'Non-trainable params: 0',
    ]);
  });

  it('5. POS tagger (Keras notebook): 1,765,031 parameters', () => {
    const model = keep(
      sequenceTagger({
        vocabularySize: 9001,
        embeddingDim: 128,
        numTags: 39,
        units: 256,
        sequenceLength: 100,
        timeDistributed: true,
      }),
    );
    const text = summary(model);
    expect(model.countParams()).toBe(1_765_031);
    expect(paramColumn(text)).toEqual([1_152_128, 592_896, 20_007]);
    expect(text).toContain('(None, 100, 512)');
    expect(totals(text)).toEqual([
      'Total params: 1,765,031',
      'Trainable params: 1,765,031',
      'Non-trainable params: 0',
    ]);
  });

  it('lists inputs and connections for a non-sequential model (4 columns, wrapped lists)', () => {
    const a = tfl.input({ shape: [3], name: 'a' });
    const b = tfl.input({ shape: [2], name: 'b' });
    const merged = tfl.layers.concatenate({ name: 'concatenate' }).apply([a, b]) as tfl.SymbolicTensor;
    const out = tfl.layers.dense({ name: 'dense', units: 1 }).apply(merged) as tfl.SymbolicTensor;
    const model = keep(tfl.model({ name: 'two_inputs', inputs: [a, b], outputs: out }));
    const lines = summary(model).split('\n');
    const width = 98;
    expect(lines[0]).toBe('Model: "two_inputs"');
    expect(lines[2]).toBe(
      ' Layer (type)                   Output Shape         Param #     Connected to'.padEnd(width),
    );
    expect(lines).toContain(
      ' a (InputLayer)                 [(None, 3)]          0           []'.padEnd(width),
    );
    const concat = lines.findIndex((line) => line.startsWith(' concatenate (Concatenate)'));
    expect(lines[concat]).toBe(
      " concatenate (Concatenate)      (None, 5)            0           ['a[0][0]',".padEnd(width),
    );
    expect(lines[concat + 1]).toBe(`${' '.repeat(65)} 'b[0][0]']`.padEnd(width));
    expect(lines).toContain(
      " dense (Dense)                  (None, 1)            6           ['concatenate[0][0]']".padEnd(width),
    );
    expect(lines.slice(-4, -1)).toEqual([
      'Total params: 6',
      'Trainable params: 6',
      'Non-trainable params: 0',
    ]);
  });

  it('counts a shared layer once and frozen layers as non-trainable', () => {
    const input = tfl.input({ shape: [4] });
    const shared = tfl.layers.dense({ units: 4 });
    const twice = shared.apply(shared.apply(input)) as tfl.SymbolicTensor;
    const model = keep(tfl.model({ inputs: input, outputs: twice }));
    expect(summary(model).split('\n').slice(-4, -1)).toEqual([
      'Total params: 20',
      'Trainable params: 20',
      'Non-trainable params: 0',
    ]);
    const frozen = keep(
      tfl.sequential({ layers: [gru({ units: 2, inputShape: [3, 1] }), tfl.layers.dense({ units: 1 })] }),
    );
    frozen.layers[0]!.trainable = false;
    expect(totals(summary(frozen))).toEqual([
      'Total params: 33',
      'Trainable params: 3',
      'Non-trainable params: 30',
    ]);
  });

  it('lineLength and positions (relative or absolute) set the columns', () => {
    const model = keep(
      tfl.sequential({
        layers: [tfl.layers.dense({ name: 'a_rather_long_dense_layer_name', units: 2, inputShape: [3] })],
      }),
    );
    const wide = summary(model, { lineLength: 100 }).split('\n');
    expect(wide[1]).toBe('_'.repeat(100));
    // [0.45, 0.85, 1] × 100 = [45, 85, 100]
    expect(wide[4]).toBe(
      ' a_rather_long_dense_layer_name (Dense)'.padEnd(45) + '(None, 2)'.padEnd(40) + '8'.padEnd(15),
    );
    const absolute = summary(model, { lineLength: 66, positions: [45, 59, 66] }).split('\n');
    expect(absolute[4]).toBe(
      [' a_rather_long_dense_layer_name (Dense)'.padEnd(45), '(None, 2)'.padEnd(14), '8'.padEnd(7)].join(''),
    );
    const narrow = summary(model).split('\n');
    expect(narrow[4]).toBe(' a_rather_long_dense_layer_n  (None, 2)                8         ');
    expect(narrow[5]).toBe(' ame (Dense)'.padEnd(65));
  });

  it('pins its defaults and rejects bad options with RNN_MODELS_INVALID_OPTION', () => {
    expect(DEFAULT_SUMMARY_OPTIONS).toEqual({ lineLength: null, positions: null });
    const model = keep(tfl.sequential({ layers: [tfl.layers.dense({ units: 2, inputShape: [3] })] }));
    expect(summary(model, { lineLength: null, positions: null })).toBe(summary(model));
    for (const options of [
      { lineLength: 0 },
      { lineLength: 70.5 },
      { positions: [0.5, 1] },
      { positions: [0.5, 0.4, 1] },
      { positions: [0.3, 0.6, 0.8, 1] },
    ]) {
      expect(() => summary(model, options)).toThrow(
        expect.objectContaining({ name: 'RnnModelsError', code: 'RNN_MODELS_INVALID_OPTION' }),
      );
    }
    expect(() => summary(model, { lineLength: -1 })).toThrow(RnnModelsError);
  });

  it('writes nothing to the console', () => {
    const spies = (['log', 'info', 'warn', 'error'] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation(() => {}),
    );
    const model = keep(tfl.sequential({ layers: [tfl.layers.dense({ units: 2, inputShape: [3] })] }));
    summary(model);
    for (const spy of spies) {
      expect(spy).not.toHaveBeenCalled();
      spy.mockRestore();
    }
  });
});
