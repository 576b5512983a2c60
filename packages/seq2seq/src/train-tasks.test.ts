import { SeededRandom } from '@rnnkit/core';
import { maskedSparseCategoricalCrossentropy } from '@rnnkit/metrics/tensor';
import { initBackend, train } from '@rnnkit/rnn-models';
import { expectNoLeaks } from '@rnnkit/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { type EncoderDecoder, encoderDecoder } from './encoder-decoder.js';
import type { EncoderDecoderOptions } from './encoder-decoder-options.js';
import { teacherForcingBatches } from './teacher-forcing.js';
import { translate } from './translate.js';

beforeAll(async () => {
  // The wasm backend: rnn-models' fused kernels train ~10× faster there than on cpu, which keeps
  // these learning tests within seconds.
  await initBackend({ backend: 'wasm' });
});

const BOS = 1;
const EOS = 2;
const SYMBOLS = 8; // ids 3 … 10
const VOCABULARY = 3 + SYMBOLS;

function randomSequences(count: number, seed: number): number[][] {
  const random = new SeededRandom(seed);
  return Array.from({ length: count }, () =>
    Array.from({ length: 3 + random.nextInt(4) }, () => 3 + random.nextInt(SYMBOLS)),
  );
}

/** A translator over the task vocabulary on both sides. */
function taskTranslator(
  options: Omit<EncoderDecoderOptions, 'sourceVocabularySize' | 'targetVocabularySize'>,
): EncoderDecoder {
  return encoderDecoder({ sourceVocabularySize: VOCABULARY, targetVocabularySize: VOCABULARY, ...options });
}

async function trainTask(task: (source: number[]) => number[], epochs: number) {
  const sources = randomSequences(3000, 1);
  const translator = taskTranslator({ embeddingDim: 16, units: 64, seed: Number(process.env.SEED ?? 7) });
  const started = performance.now();
  const history = await train(
    translator.model,
    teacherForcingBatches(sources, sources.map(task), { bos: BOS, eos: EOS, batchSize: 64, seed: 2 }),
    {
      loss: maskedSparseCategoricalCrossentropy({ fromLogits: true }),
      optimizer: 'adam',
      learningRate: 0.01,
      globalClipNorm: 1,
      epochs,
      verbose: 0,
      seed: 3,
    },
  );
  const trainMs = performance.now() - started;
  const heldOut = randomSequences(200, 99);
  const decodeStarted = performance.now();
  const translations = await translate(translator, heldOut, { bos: BOS, eos: EOS, maxNewTokens: 10 });
  const decodeMs = performance.now() - decodeStarted;
  const exact = translations.filter((t, i) => t.finished && t.ids.join() === task(heldOut[i]!).join()).length;
  return { translator, history, exactMatch: exact / heldOut.length, trainMs, decodeMs };
}

describe('copy and reverse tasks', () => {
  it.each([
    ['copy', (source: number[]) => [...source]],
    ['reverse', (source: number[]) => [...source].reverse()],
  ] as const)(
    '%s reaches ≥ 99%% exact match with greedy decoding',
    async (name, task) => {
      const { translator, exactMatch, trainMs, decodeMs, history } = await trainTask(task, 8);
      if (process.env.SEQ2SEQ_REPORT) {
        console.log(name, {
          exactMatch,
          trainMs: Math.round(trainMs),
          decodeMs: Math.round(decodeMs),
          loss: history.history['loss'],
        });
      }
      expect(exactMatch).toBeGreaterThanOrEqual(0.99);
      translator.dispose();
    },
    60_000,
  );

  it('leaks no tensors in a training loop or in greedy, sampled and beam decoding', async () => {
    const sources = randomSequences(64, 5);
    const translator = taskTranslator({ units: 8, seed: 1 });
    const data = teacherForcingBatches(sources, sources, { bos: BOS, eos: EOS, batchSize: 16, seed: 1 });
    const loss = maskedSparseCategoricalCrossentropy({ fromLogits: true });
    await expectNoLeaks(async () => {
      await train(translator.model, data, { loss, epochs: 1, verbose: 0, globalClipNorm: 1 });
      for (const method of ['greedy', 'sample', 'beam'] as const) {
        await translate(translator, sources.slice(0, 2), {
          bos: BOS,
          eos: EOS,
          method,
          maxNewTokens: 4,
          returnAttention: true,
        });
      }
    });
    translator.dispose();
  });
});
