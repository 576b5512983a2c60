import { SeededRandom } from '@rnnkit/core';
import { maskedSparseCategoricalCrossentropy } from '@rnnkit/metrics/tensor';
import { train } from '@rnnkit/rnn-models';
import { expectErrorCode, expectNoLeaks } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { tinyTranslatorOptions, useCpuBackend } from '../test/support.js';
import { encoderDecoder } from './encoder-decoder.js';
import { Seq2SeqError } from './errors.js';
import {
  DEFAULT_SCHEDULED_SAMPLING_OPTIONS,
  scheduledDecoderInputs,
  scheduledSamplingStep,
  teacherForcingProbability,
} from './scheduled-sampling.js';
import { teacherForcingBatch, teacherForcingBatches } from './teacher-forcing.js';

useCpuBackend();

const options = tinyTranslatorOptions([9, 9], 5);
const sources = [
  [3, 4, 5],
  [6, 7],
  [8, 3, 4, 5],
  [5, 5],
];
const targets = [
  [5, 4, 3],
  [7, 6, 6],
  [4, 3],
  [5, 6, 7, 8],
];
const loss = maskedSparseCategoricalCrossentropy({ fromLogits: true });

describe('teacherForcingProbability', () => {
  it('follows Bengio et al.’s linear, exponential and inverse-sigmoid decays', () => {
    expect(teacherForcingProbability({ kind: 'constant', probability: 0.3 }, 7)).toBe(0.3);
    expect(teacherForcingProbability({ kind: 'linear', slope: 0.1 }, 3)).toBeCloseTo(0.7, 12);
    expect(teacherForcingProbability({ kind: 'linear', slope: 0.1, minimum: 0.2 }, 30)).toBe(0.2);
    expect(teacherForcingProbability({ kind: 'exponential', base: 0.9 }, 2)).toBeCloseTo(0.81, 12);
    expect(teacherForcingProbability({ kind: 'inverseSigmoid', k: 10 }, 0)).toBeCloseTo(10 / 11, 12);
    expect(teacherForcingProbability({ kind: 'inverseSigmoid', k: 10 }, 50)).toBeCloseTo(
      10 / (10 + Math.exp(5)),
      12,
    );
  });

  it('refuses bad schedules and options with typed errors', () => {
    const bad = [
      { kind: 'linear' },
      { kind: 'linera', slope: 1 },
      { kind: 'exponential', base: 2 },
      { kind: 'inverseSigmoid', k: 0.5 },
      { kind: 'constant', probabilty: 1 },
    ];
    for (const schedule of bad) {
      expectErrorCode(
        () => scheduledSamplingStep({ schedule } as never),
        Seq2SeqError,
        'SEQ2SEQ_INVALID_OPTION',
      );
    }
    expectErrorCode(
      () => scheduledSamplingStep({ schedule: { kind: 'constant', probability: 1 }, pik: 'sample' } as never),
      Seq2SeqError,
      'SEQ2SEQ_INVALID_OPTION',
    );
    expect(DEFAULT_SCHEDULED_SAMPLING_OPTIONS).toEqual({ per: 'step', pick: 'argmax', seed: null });
  });
});

describe('scheduled sampling', () => {
  it('at teacher-forcing probability 1 trains bit for bit like teacher forcing', async () => {
    const weights = [];
    for (const step of [
      undefined,
      scheduledSamplingStep({ schedule: { kind: 'constant', probability: 1 }, seed: 1 }),
    ]) {
      const translator = encoderDecoder(options);
      await train(
        translator.model,
        teacherForcingBatches(sources, targets, { bos: 1, eos: 2, batchSize: 2, seed: 4 }),
        {
          loss,
          epochs: 2,
          verbose: 0,
          ...(step === undefined ? {} : { step }),
        },
      );
      weights.push(translator.model.getWeights().map((w) => Array.from(w.dataSync())));
      translator.dispose();
    }
    expect(weights[1]).toEqual(weights[0]);
  });

  it('at probability 0 feeds the model its own previous predictions (BOS and padding kept)', () => {
    const translator = encoderDecoder(options);
    const batch = teacherForcingBatch(sources, targets, { bos: 1, eos: 2 });
    const [source, gold] = batch.xs;
    const mixed = scheduledDecoderInputs(translator.model, source, gold, 0, new SeededRandom(1));
    const predicted = tf.tidy(() =>
      tf.argMax(translator.model.predict([source, gold]) as tf.Tensor, -1).arraySync(),
    ) as number[][];
    const goldRows = gold.arraySync();
    mixed.arraySync().forEach((row, b) => {
      row.forEach((id, t) => {
        const expected = t === 0 || goldRows[b]![t] === 0 ? goldRows[b]![t] : predicted[b]![t - 1];
        expect(id).toBe(expected);
      });
    });
    const same = scheduledDecoderInputs(translator.model, source, gold, 1, new SeededRandom(1));
    expect(same.arraySync()).toEqual(goldRows);
    const half = scheduledDecoderInputs(translator.model, source, gold, 0.5, new SeededRandom(1), 'sample');
    expect(half.shape).toEqual(gold.shape);
    tf.dispose([...batch.xs, batch.ys, mixed, same, half]);
    translator.dispose();
  });

  it('trains with a decaying schedule, logs the probability and leaks nothing', async () => {
    const translator = encoderDecoder(options);
    const data = teacherForcingBatches(sources, targets, { bos: 1, eos: 2, batchSize: 2, seed: 4 });
    const step = scheduledSamplingStep({
      schedule: { kind: 'linear', slope: 0.25 },
      pick: 'sample',
      seed: 3,
    });
    let history: Awaited<ReturnType<typeof train>> | undefined;
    await expectNoLeaks(async () => {
      history = await train(translator.model, data, { loss, step, epochs: 2, verbose: 0 });
    });
    const logged = history!.history['teacher_forcing'] as number[];
    expect(logged).toHaveLength(2);
    expect(logged[1]!).toBeLessThan(logged[0]!);
    translator.dispose();
  });
});
