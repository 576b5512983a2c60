import { SeededRandom } from '@rnnkit/core';
import { maskedSparseCategoricalCrossentropy } from '@rnnkit/metrics/tensor';
import { train } from '@rnnkit/rnn-models';
import { beamSearch, generate, SamplingError } from '@rnnkit/sampling';
import { expectErrorCode, expectNoLeaks } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpuBackend } from '../test/support.js';
import { type EncoderDecoder, encoderDecoder } from './encoder-decoder.js';
import type { EncoderDecoderOptions } from './encoder-decoder-options.js';
import { teacherForcingBatches } from './teacher-forcing.js';
import { type DecodingMethod, type Translation, translate } from './translate.js';

// translate() decodes many sources per step; these tests pin it to the one-source-at-a-time
// reference: sampling's generate / beamSearch on translator.stepModel([row]).

useCpuBackend();

const BOS = 1;
const EOS = 2;
const VOCABULARY = 11; // ids 3 … 10 are symbols

function randomSources(count: number, seed: number): number[][] {
  const random = new SeededRandom(seed);
  return Array.from({ length: count }, () =>
    Array.from({ length: 1 + random.nextInt(7) }, () => 3 + random.nextInt(8)),
  );
}

function translatorWith(options: Partial<EncoderDecoderOptions> = {}): EncoderDecoder {
  return encoderDecoder({
    sourceVocabularySize: VOCABULARY,
    targetVocabularySize: VOCABULARY,
    embeddingDim: 8,
    units: 12,
    seed: 5,
    ...options,
  });
}

/** What translate returned before batching: generated ids with EOS when finished. */
const withEos = (t: Translation) => (t.finished ? [...t.ids, EOS] : t.ids);

interface ReferenceOptions {
  readonly maxNewTokens: number;
  readonly beamWidth?: number;
  readonly seed?: number;
  readonly temperature?: number;
}

/** The reference: each source alone through sampling's generate / beamSearch. */
async function oneAtATime(
  translator: EncoderDecoder,
  sources: number[][],
  method: DecodingMethod,
  o: ReferenceOptions,
): Promise<number[][]> {
  const out: number[][] = [];
  for (const [i, row] of sources.entries()) {
    const stepModel = translator.stepModel([row]);
    try {
      const common = { prompt: [BOS], stop: [EOS], maxNewTokens: o.maxNewTokens };
      const result =
        method === 'beam'
          ? await beamSearch(stepModel, { ...common, beamWidth: o.beamWidth ?? 4 })
          : await generate(stepModel, {
              ...common,
              temperature: method === 'greedy' ? 0 : (o.temperature ?? 1),
              seed: (o.seed ?? 0) + i,
            });
      out.push(result.ids);
    } finally {
      stepModel.dispose();
    }
  }
  return out;
}

let trained: EncoderDecoder;

beforeAll(async () => {
  // A toy model trained to reverse, so beams differ from greedy and many rows end on EOS early.
  trained = translatorWith({ units: 16, seed: 3 });
  const sources = randomSources(256, 1);
  await train(
    trained.model,
    teacherForcingBatches(
      sources,
      sources.map((s) => [...s].reverse()),
      { bos: BOS, eos: EOS, seed: 2 },
    ),
    {
      loss: maskedSparseCategoricalCrossentropy({ fromLogits: true }),
      learningRate: 0.02,
      globalClipNorm: 1,
      epochs: 3,
      verbose: 0,
    },
  );
}, 60_000);

describe('translate decodes batches exactly as one source at a time', () => {
  const sources = randomSources(13, 9);

  it.each([
    ['greedy', {}],
    ['sample', { seed: 4 }],
    ['sample', { seed: 0, temperature: 0.7 }],
    ['beam', { beamWidth: 3 }],
    ['beam', { beamWidth: 1 }],
  ] as const)('%s %o, trained model, batches of 4 sorted by length', async (method, extra) => {
    const o = { maxNewTokens: 9, ...extra };
    const expected = await oneAtATime(trained, sources, method, o);
    const got = await translate(trained, sources, { bos: BOS, eos: EOS, method, batchSize: 4, ...o });
    expect(got.map(withEos)).toEqual(expected);
  });

  it.each([
    ['gru', 'bahdanau', false],
    ['lstm', 'luong-general', true],
    ['gru', 'none', true],
  ] as const)(
    'greedy, sample and beam on an untrained %s (%s attention, bidirectional %s)',
    async (cell, attention, bidirectionalEncoder) => {
      const translator = translatorWith({ cell, attention, bidirectionalEncoder, layers: 2 });
      for (const method of ['greedy', 'sample', 'beam'] as const) {
        const expected = await oneAtATime(translator, sources, method, {
          maxNewTokens: 6,
          seed: 11,
          beamWidth: 2,
        });
        const got = await translate(translator, sources, {
          bos: BOS,
          eos: EOS,
          method,
          maxNewTokens: 6,
          seed: 11,
          beamWidth: 2,
          batchSize: 5,
        });
        expect(got.map(withEos), method).toEqual(expected);
      }
      translator.dispose();
    },
  );

  it('a padded source steps exactly as it does alone (the encoder masks padding)', () => {
    for (const bidirectionalEncoder of [false, true]) {
      const translator = translatorWith({ bidirectionalEncoder, attention: 'luong-dot' });
      const alone = translator.stepModel([[4, 7, 5]]);
      const padded = translator.stepModel([
        [4, 7, 5, 0, 0, 0],
        [3, 3, 3, 3, 3, 3],
      ]);
      let a = alone.initialState(1);
      let p = padded.initialState(2);
      for (const id of [BOS, 6, 9]) {
        const stepA = alone.step(Int32Array.of(id), a);
        const stepP = padded.step(Int32Array.of(id, id), p);
        const rowP = tf.slice(stepP.logits, [0, 0], [1, -1]);
        expect(Array.from(rowP.dataSync())).toEqual(Array.from(stepA.logits.dataSync()));
        tf.dispose([stepA.logits, stepP.logits, rowP]);
        alone.disposeState(a);
        padded.disposeState(p);
        a = stepA.state;
        p = stepP.state;
      }
      alone.disposeState(a);
      padded.disposeState(p);
      alone.dispose();
      padded.dispose();
      translator.dispose();
    }
  });

  it('scores, attention and samples do not depend on the batch size', async () => {
    const options = { bos: BOS, eos: EOS, maxNewTokens: 8, returnAttention: true } as const;
    for (const method of ['greedy', 'sample', 'beam'] as const) {
      const alone = await translate(trained, sources, { ...options, method, batchSize: 1 });
      const batched = await translate(trained, sources, { ...options, method, batchSize: 64 });
      expect(batched.map((t) => t.ids)).toEqual(alone.map((t) => t.ids));
      for (const [i, t] of batched.entries()) {
        expect(t.finished).toBe(alone[i]!.finished);
        expect(t.logProbability).toBeCloseTo(alone[i]!.logProbability, 5);
        expect(t.attention).toHaveLength(alone[i]!.attention!.length);
        t.attention!.forEach((row, r) => {
          expect(row).toHaveLength(sources[i]!.length);
          for (const [c, w] of row.entries()) expect(w).toBeCloseTo(alone[i]!.attention![r]![c]!, 5);
        });
      }
    }
  });

  it('leaks no tensors, and an abort rejects with SAMPLING_ABORTED leaking nothing', async () => {
    const many = randomSources(300, 4);
    await expectNoLeaks(async () => {
      for (const method of ['greedy', 'sample', 'beam'] as const) {
        await translate(trained, many.slice(0, 20), {
          bos: BOS,
          eos: EOS,
          method,
          batchSize: 8,
          maxNewTokens: 5,
          returnAttention: true,
        });
      }
    });
    const before = tf.memory().numTensors;
    for (const method of ['greedy', 'sample', 'beam'] as const) {
      await expectErrorCode(
        translate(trained, many, { bos: BOS, eos: EOS, method, signal: AbortSignal.abort() }),
        SamplingError,
        'SAMPLING_ABORTED',
      );
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('stop')), 0);
      const untrained = translatorWith({ seed: 8 });
      await expectErrorCode(
        translate(untrained, many, {
          bos: BOS,
          eos: EOS,
          method,
          maxNewTokens: 50,
          signal: controller.signal,
        }),
        SamplingError,
        'SAMPLING_ABORTED',
      );
      untrained.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
  });
});
