import { expectErrorCode, expectNoLeaks } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { tinyTranslatorOptions, useCpuBackend } from '../test/support.js';
import { EncoderDecoder, encoderDecoder } from './encoder-decoder.js';
import { DEFAULT_ENCODER_DECODER_OPTIONS, type EncoderDecoderOptions } from './encoder-decoder-options.js';
import { Seq2SeqError } from './errors.js';

useCpuBackend();

const small = tinyTranslatorOptions([12, 14], 3, { embeddingDim: 6, units: 8 });
// Two sources, the second padded; decoder inputs, the second padded too.
const sources = [
  [3, 4, 5, 6],
  [7, 8, 0, 0],
];
const decoderInputs = [
  [1, 5, 6, 7],
  [1, 9, 10, 0],
];

const variants: EncoderDecoderOptions[] = [
  { ...small },
  { ...small, attention: 'none' },
  { ...small, attention: 'luong-general', cell: 'lstm' },
  { ...small, attention: 'bahdanau', layers: 2 },
  { ...small, bidirectionalEncoder: true, cell: 'lstm', layers: 2 },
  { ...small, bidirectionalEncoder: true, attention: 'bahdanau' },
];

/** Logits of the step model fed `decoderInputs` one column at a time, `[batch, Tt, vocab]`. */
function stepLogits(
  translator: ReturnType<typeof encoderDecoder>,
  src: number[][],
  inputs: number[][],
): tf.Tensor3D {
  const stepModel = translator.stepModel(src);
  let state = stepModel.initialState(src.length);
  const columns: tf.Tensor2D[] = [];
  for (let t = 0; t < inputs[0]!.length; t++) {
    const { logits, state: next } = stepModel.step(
      Int32Array.from(inputs, (row) => row[t]!),
      state,
    );
    stepModel.disposeState(state);
    state = next;
    columns.push(logits);
  }
  stepModel.disposeState(state);
  stepModel.dispose();
  const stacked = tf.stack(columns, 1) as tf.Tensor3D;
  tf.dispose(columns);
  return stacked;
}

describe('encoderDecoder', () => {
  it('pins the documented defaults', () => {
    expect(DEFAULT_ENCODER_DECODER_OPTIONS).toEqual({
      embeddingDim: 64,
      units: 128,
      cell: 'gru',
      layers: 1,
      bidirectionalEncoder: false,
      attention: 'luong-dot',
      dropout: 0,
      seed: null,
    });
    const translator = encoderDecoder({ sourceVocabularySize: 5, targetVocabularySize: 6 });
    expect(translator.config).toEqual({
      ...DEFAULT_ENCODER_DECODER_OPTIONS,
      sourceVocabularySize: 5,
      targetVocabularySize: 6,
    });
    translator.dispose();
  });

  it.each(variants)('the step model equals the teacher-forced forward pass (%o)', (options) => {
    const translator = encoderDecoder(options);
    const forward = tf.tidy(() =>
      translator.model.predict([
        tf.tensor2d(sources, undefined, 'int32'),
        tf.tensor2d(decoderInputs, undefined, 'int32'),
      ]),
    ) as tf.Tensor3D;
    expect(forward.shape).toEqual([2, 4, small.targetVocabularySize]);
    const stepped = stepLogits(translator, sources, decoderInputs);
    // Compare real positions only (the padded decoder input of row 1 is masked in both anyway).
    const difference = tf.tidy(() => tf.max(tf.abs(tf.sub(forward, stepped))).dataSync()[0]!);
    expect(difference).toBeLessThanOrEqual(1e-4);
    // Padding a source does not change its translation: row 1 alone, unpadded.
    const alone = tf.tidy(() =>
      translator.model.predict([
        tf.tensor2d([[7, 8]], undefined, 'int32'),
        tf.tensor2d([[1, 9, 10]], undefined, 'int32'),
      ]),
    ) as tf.Tensor3D;
    const rowDifference = tf.tidy(
      () => tf.max(tf.abs(tf.sub(tf.slice(forward, [1, 0, 0], [1, 3, -1]), alone))).dataSync()[0]!,
    );
    expect(rowDifference).toBeLessThanOrEqual(1e-5);
    tf.dispose([forward, stepped, alone]);
    translator.dispose();
  });

  it.each(['luong-dot', 'luong-general', 'bahdanau'] as const)(
    '%s attention weights sum to 1 and are exactly 0 on padded source positions',
    (attention) => {
      const translator = encoderDecoder({ ...small, attention });
      const weights = translator.attentionWeights(sources, decoderInputs);
      expect(weights.shape).toEqual([2, 4, 4]);
      const values = weights.arraySync();
      for (const row of values.flat()) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      for (const row of values[1]!) expect([row[2], row[3]]).toEqual([0, 0]);
      weights.dispose();
      translator.dispose();
    },
  );

  it('leaks nothing in forward passes, attention weights and decoder steps', async () => {
    const translator = encoderDecoder({
      ...small,
      attention: 'bahdanau',
      cell: 'lstm',
      bidirectionalEncoder: true,
    });
    await expectNoLeaks(() => {
      tf.tidy(() => {
        translator.model.predict([
          tf.tensor2d(sources, undefined, 'int32'),
          tf.tensor2d(decoderInputs, undefined, 'int32'),
        ]);
      });
      translator.attentionWeights(sources, decoderInputs).dispose();
      stepLogits(translator, sources, decoderInputs).dispose();
    });
    translator.dispose();
  });

  it('refuses misspelt, missing and out-of-range options with typed errors', () => {
    expectErrorCode(
      () => encoderDecoder({ ...small, unit: 4 } as never),
      Seq2SeqError,
      'SEQ2SEQ_INVALID_OPTION',
    );
    expectErrorCode(
      () => encoderDecoder({ targetVocabularySize: 5 } as never),
      Seq2SeqError,
      'SEQ2SEQ_INVALID_OPTION',
    );
    expectErrorCode(
      () => encoderDecoder({ ...small, cell: 'rnn' } as never),
      Seq2SeqError,
      'SEQ2SEQ_INVALID_OPTION',
    );
    expectErrorCode(
      () => encoderDecoder({ ...small, attention: 'luong' } as never),
      Seq2SeqError,
      'SEQ2SEQ_INVALID_OPTION',
    );
    expectErrorCode(() => encoderDecoder({ ...small, dropout: 1 }), Seq2SeqError, 'SEQ2SEQ_INVALID_OPTION');
    expectErrorCode(() => encoderDecoder({ ...small, layers: 0 }), Seq2SeqError, 'SEQ2SEQ_INVALID_OPTION');
  });

  it('refuses sizes beyond one tensor before building anything', () => {
    const before = tf.memory().numTensors;
    expectErrorCode(
      () =>
        encoderDecoder({ sourceVocabularySize: 10_000_000, targetVocabularySize: 10, embeddingDim: 1024 }),
      Seq2SeqError,
      'SEQ2SEQ_TOO_LARGE',
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses bad ids and attention on a model without it', () => {
    const translator = encoderDecoder({ ...small, attention: 'none' });
    expectErrorCode(
      () => translator.attentionWeights(sources, decoderInputs),
      Seq2SeqError,
      'SEQ2SEQ_INVALID_OPTION',
    );
    translator.dispose();
    const other = encoderDecoder(small);
    expectErrorCode(() => other.stepModel([[3, 99]]), Seq2SeqError, 'SEQ2SEQ_INVALID_INPUT');
    expectErrorCode(
      () => other.attentionWeights([[3, 4]], [[1], [1]]),
      Seq2SeqError,
      'SEQ2SEQ_INVALID_INPUT',
    );
    const stepModel = other.stepModel([3, 4]);
    const state = stepModel.initialState(1);
    expectErrorCode(() => stepModel.step(Int32Array.of(1, 2), state), Seq2SeqError, 'SEQ2SEQ_INVALID_INPUT');
    stepModel.disposeState(state);
    stepModel.dispose();
    other.dispose();
  });

  it.each([
    { ...small, cell: 'lstm', bidirectionalEncoder: true, attention: 'bahdanau', layers: 2 },
    { ...small, attention: 'luong-general' },
  ] as const)(
    'serialises: a model loaded from its topology and weights decodes identically (%o)',
    async (options) => {
      const translator = encoderDecoder(options);
      let artifacts: tf.io.ModelArtifacts | undefined;
      await translator.model.save(
        tf.io.withSaveHandler(async (saved) => {
          artifacts = saved;
          return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
        }),
      );
      const loaded = new EncoderDecoder(
        await tfl.loadLayersModel(tf.io.fromMemory(artifacts!)),
        translator.config,
      );
      const [a, b] = [translator, loaded].map((t) => stepLogits(t, sources, decoderInputs));
      expect(tf.tidy(() => tf.max(tf.abs(tf.sub(a!, b!))).dataSync()[0])).toBe(0);
      tf.dispose([a!, b!]);
      loaded.dispose();
      translator.dispose();
    },
  );
});
