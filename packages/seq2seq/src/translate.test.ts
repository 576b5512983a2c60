import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { tinyTranslatorOptions, useCpuBackend } from '../test/support.js';
import { encoderDecoder } from './encoder-decoder.js';
import { Seq2SeqError } from './errors.js';
import { DEFAULT_TRANSLATE_OPTIONS, translate } from './translate.js';

useCpuBackend();

const options = tinyTranslatorOptions([9, 10], 11);
const sources = [
  [3, 4, 5],
  [6, 7, 8, 3, 4],
];

describe('translate', () => {
  it('pins the documented defaults', () => {
    expect(DEFAULT_TRANSLATE_OPTIONS).toEqual({
      method: 'greedy',
      beamWidth: 4,
      lengthPenalty: 1,
      maxNewTokens: 50,
      temperature: 1,
      seed: 0,
      batchSize: 64,
      returnAttention: false,
      signal: null,
    });
  });

  it.each(['gru', 'lstm'] as const)('beam width 1 equals greedy (%s)', async (cell) => {
    const translator = encoderDecoder({ ...options, cell, attention: 'luong-general' });
    const greedy = await translate(translator, sources, { bos: 1, eos: 2, maxNewTokens: 8 });
    const beam = await translate(translator, sources, {
      bos: 1,
      eos: 2,
      maxNewTokens: 8,
      method: 'beam',
      beamWidth: 1,
    });
    expect(beam.map((t) => t.ids)).toEqual(greedy.map((t) => t.ids));
    for (const [i, t] of beam.entries()) expect(t.logProbability).toBeCloseTo(greedy[i]!.logProbability, 4);
    translator.dispose();
  });

  it('returns attention rows over each source, summing to 1, and seeded samples repeat', async () => {
    const translator = encoderDecoder({ ...options, attention: 'bahdanau' });
    const [first] = await translate(translator, [sources[1]!], {
      bos: 1,
      eos: 2,
      maxNewTokens: 5,
      returnAttention: true,
    });
    expect(first!.attention).toHaveLength(first!.ids.length + (first!.finished ? 1 : 0));
    for (const row of first!.attention!) {
      expect(row).toHaveLength(5);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }
    const a = await translate(translator, sources, {
      bos: 1,
      eos: 2,
      method: 'sample',
      seed: 4,
      maxNewTokens: 6,
    });
    const b = await translate(translator, sources, {
      bos: 1,
      eos: 2,
      method: 'sample',
      seed: 4,
      maxNewTokens: 6,
    });
    expect(a).toEqual(b);
    translator.dispose();
  });

  it('refuses misspelt options, missing markers and bad sources with typed errors, leaking nothing', async () => {
    const translator = encoderDecoder(options);
    const before = tf.memory().numTensors;
    const bad = [
      { bos: 1, eos: 2, beamWidht: 2 },
      { bos: 1, eos: 2, maxLength: 5 },
      { eos: 2 },
      { bos: 1, eos: 10 },
      { bos: 1, eos: 2, method: 'beams' },
      { bos: 1, eos: 2, temperature: 0, method: 'sample' },
      { bos: 1, eos: 2, batchSize: 0 },
      { bos: 1, eos: 2, batchSize: 2.5 },
    ];
    for (const o of bad) {
      await expect(translate(translator, sources, o as never)).rejects.toMatchObject({
        name: 'Seq2SeqError',
        code: 'SEQ2SEQ_INVALID_OPTION',
      });
    }
    await expect(translate(translator, sources, { bos: 1, eos: 2, batchSzie: 8 } as never)).rejects.toThrow(
      /Did you mean 'batchSize'/,
    );
    await expect(translate(translator, [[3, 99]], { bos: 1, eos: 2 })).rejects.toMatchObject({
      code: 'SEQ2SEQ_INVALID_INPUT',
    });
    await expect(translate(translator, [[]], { bos: 1, eos: 2 })).rejects.toBeInstanceOf(Seq2SeqError);
    expect(tf.memory().numTensors).toBe(before);
    translator.dispose();
    const none = encoderDecoder({ ...options, attention: 'none' });
    await expect(translate(none, sources, { bos: 1, eos: 2, returnAttention: true })).rejects.toMatchObject({
      code: 'SEQ2SEQ_INVALID_OPTION',
    });
    none.dispose();
  });
});
