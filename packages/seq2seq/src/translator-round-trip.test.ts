import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeededRandom } from '@rnnkit/core';
import { maskedSparseCategoricalCrossentropy } from '@rnnkit/metrics/tensor';
import { initBackend, train } from '@rnnkit/rnn-models';
import { expectErrorCode, expectNoLeaks } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeTargets, encodeSources } from './data/pair-codec.js';
import { preparePairs } from './data/prepare-pairs.js';
import { type EncoderDecoder, encoderDecoder } from './encoder-decoder.js';
import { Seq2SeqError } from './errors.js';
import { teacherForcingBatches } from './teacher-forcing.js';
import { translate, translateTexts } from './translate.js';
import { loadEncoderDecoder, saveTranslator } from './translator-io.js';

let root: string;

beforeAll(async () => {
  // wasm, as the learning tests in train-tasks.test.ts: the fused kernels keep training to seconds.
  await initBackend({ backend: 'wasm' });
  root = await mkdtemp(join(tmpdir(), 'rnnkit-seq2seq-round-trip-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const LETTERS = 'abcdefgh';

/** Random words of 3–6 letters; the copy task maps each to itself. */
function randomWords(count: number, seed: number): string[] {
  const random = new SeededRandom(seed);
  return Array.from({ length: count }, () =>
    Array.from({ length: 3 + random.nextInt(4) }, () => LETTERS[random.nextInt(LETTERS.length)]).join(''),
  );
}

describe('a trained translator saved and loaded', () => {
  it('decodes the same ids, greedy and beam, leaking no tensor', async () => {
    const words = randomWords(1500, 1);
    const prepared = preparePairs(
      words.map((word) => ({ source: word, target: word })),
      // standardize: false saves `standardize: null`, which loadTranslator refused until this test.
      { level: 'char', standardize: false },
    );
    const translator = encoderDecoder({
      sourceVocabularySize: prepared.sourceVocabulary.vocabularySize,
      targetVocabularySize: prepared.targetVocabulary.vocabularySize,
      embeddingDim: 16,
      units: 64,
      seed: 7,
    });
    await train(
      translator.model,
      teacherForcingBatches(prepared.sourceSequences, prepared.targetSequences, {
        bos: prepared.bos,
        eos: prepared.eos,
        batchSize: 64,
        seed: 2,
      }),
      {
        loss: maskedSparseCategoricalCrossentropy({ fromLogits: true }),
        learningRate: 0.01,
        globalClipNorm: 1,
        epochs: 5,
        verbose: 0,
        seed: 3,
      },
    );

    const dir = join(root, 'copy');
    const warn = vi.spyOn(console, 'warn');
    await saveTranslator({ ...prepared, model: translator.model, config: translator.config }, dir);
    // tfjs-layers warns about call arguments it cannot serialise; the decoder's states are inputs.
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
    const { translator: rebuilt, ...loaded } = await loadEncoderDecoder(dir);
    expect(rebuilt.config).toEqual(translator.config);

    const heldOut = randomWords(20, 99);
    const sources = encodeSources(heldOut, loaded).sequences;
    const decodeAll = (t: EncoderDecoder, method: 'greedy' | 'beam') =>
      translate(t, sources, { bos: loaded.bos, eos: loaded.eos, method, beamWidth: 3, maxNewTokens: 10 });
    for (const method of ['greedy', 'beam'] as const) {
      const [before, after] = [await decodeAll(translator, method), await decodeAll(rebuilt, method)];
      expect(after.map((t) => t.ids)).toEqual(before.map((t) => t.ids));
      expect(after.map((t) => t.finished)).toEqual(before.map((t) => t.finished));
      expect(after.map((t) => t.logProbability)).toEqual(before.map((t) => t.logProbability));
    }
    // Five epochs learn the copy task well enough that the comparison is between real outputs,
    // not between two runs of an untrained model.
    const copied = decodeTargets(
      (await decodeAll(rebuilt, 'greedy')).map((t) => t.ids),
      loaded,
    );
    const exact = copied.filter((text, i) => text === heldOut[i]).length;
    expect(exact).toBeGreaterThanOrEqual(heldOut.length / 4); // 11 of 20 on wasm; chance is ~0

    // Text in, text out: the same decoding through encodeSources → translate → decodeTargets.
    expect(await translateTexts(rebuilt, heldOut, loaded)).toEqual(copied);
    const beamTexts = decodeTargets(
      (await decodeAll(rebuilt, 'beam')).map((t) => t.ids),
      loaded,
    );
    expect(
      await translateTexts(rebuilt, heldOut, loaded, { method: 'beam', beamWidth: 3, maxNewTokens: 10 }),
    ).toEqual(beamTexts);
    expect(await translateTexts(rebuilt, [], loaded)).toEqual([]);
    await expectErrorCode(
      translateTexts(rebuilt, heldOut, loaded, { beamWidht: 3 } as never),
      Seq2SeqError,
      'SEQ2SEQ_INVALID_OPTION',
    );
    await expectErrorCode(
      translateTexts(rebuilt, heldOut, loaded, { bos: 1 } as never),
      Seq2SeqError,
      'SEQ2SEQ_INVALID_OPTION',
    );

    const before = tf.memory().numTensors;
    await expectNoLeaks(async () => {
      await decodeAll(rebuilt, 'greedy');
      await decodeAll(rebuilt, 'beam');
    });
    expect(tf.memory().numTensors).toBe(before);
    rebuilt.dispose();
    translator.dispose();
  }, 60_000);
});
