import '@tensorflow/tfjs-backend-cpu';
import { expectErrorCode, expectNoLeaks } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { abortByTimer, charDecoder, randomTable, SecondOrderStepModel } from '../test/support.js';
import { beamSearch } from './beam-search.js';
import {
  type BeamSearchOptions,
  DEFAULT_BEAM_SEARCH_OPTIONS,
  resolveBeamSearchOptions,
} from './beam-search-options.js';
import { SamplingError } from './errors.js';
import { generate } from './generate.js';
import { noRepeatNgramProcessor } from './logits-processors.js';
import { logSoftmax } from './softmax.js';

const V = 4;
let model: SecondOrderStepModel;

beforeAll(async () => {
  await tf.setBackend('cpu');
  model = new SecondOrderStepModel(randomTable(V, 5).flatMap((_, a) => randomTable(V, 100 + a)));
});

afterAll(() => model.dispose());

/** Every hypothesis a search could return, by brute force: Σ log p and the HF-normalised score. */
function exhaustiveBest(
  m: SecondOrderStepModel,
  prompt: number[],
  maxNewTokens: number,
  stop: readonly number[],
  lengthPenalty: number,
): { ids: number[]; score: number } {
  let best = { ids: [] as number[], score: Number.NEGATIVE_INFINITY };
  const visit = (ids: number[], logProbability: number) => {
    const history = [...prompt, ...ids];
    const ended = ids.length > 0 && stop.includes(ids.at(-1)!);
    if (ended || ids.length === maxNewTokens) {
      const score = logProbability / ids.length ** lengthPenalty;
      if (score > best.score) best = { ids, score };
      return;
    }
    const previous = history.length >= 2 ? history.at(-2)! : 0;
    const logProbabilities = logSoftmax(m.logitsAfter(previous, history.at(-1)!));
    for (let v = 0; v < m.vocabularySize; v++) visit([...ids, v], logProbability + logProbabilities[v]!);
  };
  visit([], 0);
  return best;
}

describe('resolveBeamSearchOptions', () => {
  it('pins the documented defaults', () => {
    expect(DEFAULT_BEAM_SEARCH_OPTIONS).toEqual({
      beamWidth: 4,
      maxNewTokens: 50,
      lengthPenalty: 1,
      stop: [],
      earlyStopping: false,
      numReturnSequences: 1,
      processors: [],
      decoder: null,
      signal: null,
    });
    expect(resolveBeamSearchOptions({ prompt: [1] }, V)).toMatchObject({
      promptIds: [1],
      beamWidth: 4,
      maxNewTokens: 50,
    });
  });

  it('rejects a model that is not a StepModel', async () => {
    await expectErrorCode(
      beamSearch({ step: () => 0 } as never, { prompt: [0] }),
      SamplingError,
      'SAMPLING_INVALID_INPUT',
    );
  });

  it('rejects bad options', () => {
    const bad: Record<string, unknown>[] = [
      { prompt: [] },
      { prompt: [0], beamWidth: 0 },
      { prompt: [0], beamWidth: 2, numReturnSequences: 3 },
      { prompt: [0], stop: [V] },
      { prompt: [0], stop: V },
      { prompt: [0], stop: ['x'] },
      { prompt: [0], eosId: 2 },
      { prompt: [0], maxLength: 5 },
      { prompt: [0], earlyStopping: 'always' },
      { prompt: [0], lengthPenalty: Number.NaN },
      { prompt: [0], maxNewTokens: 0 },
      { prompt: [0], num_beams: 4 },
      { prompt: 'ab' },
    ];
    for (const options of bad) {
      expectErrorCode(
        () => resolveBeamSearchOptions(options as unknown as BeamSearchOptions, V),
        SamplingError,
        'SAMPLING_INVALID_OPTION',
      );
    }
  });
});

describe('beamSearch', () => {
  it('with width 1 equals greedy decoding (without EOS, and with EOS and early stopping)', async () => {
    for (const prompt of [[0], [1, 2], [3, 3, 1]]) {
      const greedy = await generate(model, { prompt, temperature: 0, maxNewTokens: 12 });
      const beam = await beamSearch(model, { prompt, beamWidth: 1, maxNewTokens: 12 });
      expect(beam.ids).toEqual(greedy.ids);
      const greedyEos = await generate(model, { prompt, temperature: 0, maxNewTokens: 12, stop: [2] });
      const beamEos = await beamSearch(model, {
        prompt,
        beamWidth: 1,
        maxNewTokens: 12,
        stop: [2],
        earlyStopping: true,
      });
      expect(beamEos.ids).toEqual(greedyEos.ids);
    }
  });

  it('with a wide beam finds the exhaustive-search optimum (several models, length penalties)', async () => {
    for (const seed of [1, 2, 3]) {
      const m = new SecondOrderStepModel(
        randomTable(V, seed).flatMap((_, a) => randomTable(V, seed * 10 + a, 2)),
      );
      for (const lengthPenalty of [0, 1, 2, -0.5]) {
        const expected = exhaustiveBest(m, [1, 2], 4, [3], lengthPenalty);
        const result = await beamSearch(m, {
          prompt: [1, 2],
          beamWidth: 128,
          maxNewTokens: 4,
          stop: [3],
          lengthPenalty,
          earlyStopping: 'never',
        });
        expect(result.ids).toEqual(expected.ids);
        expect(result.sequences[0]!.score).toBeCloseTo(expected.score, 5);
        const noEos = exhaustiveBest(m, [0], 5, [], 1);
        expect((await beamSearch(m, { prompt: [0], beamWidth: 256, maxNewTokens: 5 })).ids).toEqual(
          noEos.ids,
        );
      }
      m.dispose();
    }
  });

  it('beats greedy where the greedy first step is a trap (hand-computed scores)', async () => {
    // After the prompt 0: p(1) = 0.5, p(2) = 0.4, p(0) = p(3) = 0.05. After 1 everything is
    // uniform (0.25); after 2, token 3 has 0.9. Greedy: 1 then 0 → 0.5·0.25 = 0.125;
    // the best pair is 2, 3 → 0.4·0.9 = 0.36.
    const uniform = [0, 0, 0, 0];
    const rows = Array.from({ length: 16 }, () => uniform);
    const log = (ps: number[]) => ps.map(Math.log);
    rows[0 * 4 + 0] = log([0.05, 0.5, 0.4, 0.05]);
    rows[0 * 4 + 2] = log([1 / 30, 1 / 30, 1 / 30, 0.9]);
    const trap = new SecondOrderStepModel(rows);
    const greedy = await generate(trap, { prompt: [0], temperature: 0, maxNewTokens: 2 });
    expect(greedy.ids).toEqual([1, 0]);
    const beam = await beamSearch(trap, {
      prompt: [0],
      beamWidth: 2,
      maxNewTokens: 2,
      lengthPenalty: 0,
      numReturnSequences: 2,
    });
    expect(beam.ids).toEqual([2, 3]);
    expect(beam.sequences[0]!.logProbability).toBeCloseTo(Math.log(0.36), 6);
    expect(beam.sequences[1]!.ids).toEqual([1, 0]);
    expect(beam.sequences[1]!.score).toBeCloseTo(Math.log(0.125), 6);
    trap.dispose();
  });

  it('runs all beams as one batch per step and returns distinct hypotheses best first', async () => {
    const counting = new SecondOrderStepModel(model.table);
    const result = await beamSearch(counting, {
      prompt: [0, 1, 2],
      beamWidth: 3,
      maxNewTokens: 6,
      numReturnSequences: 3,
      decoder: charDecoder('wxyz'),
    });
    expect(counting.batchSizes).toEqual([1, 1, 1, 3, 3, 3, 3, 3]); // 3 prompt steps, then 5 steps of 3 beams
    expect(result.steps).toBe(8);
    const scores = result.sequences.map((s) => s.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(new Set(result.sequences.map((s) => s.ids.join())).size).toBe(3);
    for (const s of result.sequences) {
      expect(s.ids.length).toBe(6);
      expect(s.score).toBeCloseTo(s.logProbability / 6, 12);
      expect(s.text).toBe(charDecoder('wxyz').decode(s.ids));
      expect(s.finished).toBe(false);
    }
    counting.dispose();
  });

  it('applies processors (no repeated bigram)', async () => {
    const result = await beamSearch(model, {
      prompt: [0],
      beamWidth: 3,
      maxNewTokens: 10,
      processors: [noRepeatNgramProcessor(2)],
    });
    const ids = [0, ...result.ids];
    const bigrams = ids.slice(1).map((id, i) => `${ids[i]},${id}`);
    expect(new Set(bigrams).size).toBe(bigrams.length);
  });

  it('stops early once enough hypotheses end (earlyStopping: true)', async () => {
    const counting = new SecondOrderStepModel(model.table);
    const result = await beamSearch(counting, {
      prompt: [1],
      beamWidth: 2,
      maxNewTokens: 40,
      stop: [3],
      earlyStopping: true,
    });
    expect(result.sequences[0]!.finished).toBe(true);
    expect(result.ids.at(-1)).toBe(3);
    expect(counting.batchSizes.length).toBeLessThan(41);
    counting.dispose();
  });

  it('leaks no tensors, and aborts with SAMPLING_ABORTED', async () => {
    await expectNoLeaks(() =>
      beamSearch(model, { prompt: [0, 1], beamWidth: 5, maxNewTokens: 200, stop: [3] }),
    );
    await expectNoLeaks(() => beamSearch(model, { prompt: [0, 1], beamWidth: 5, maxNewTokens: 300 }));
    const baseline = tf.memory().numTensors;
    await expectErrorCode(
      beamSearch(model, { prompt: [0], signal: AbortSignal.abort() }),
      SamplingError,
      'SAMPLING_ABORTED',
    );
    const controller = new AbortController();
    const search = beamSearch(model, {
      prompt: [0],
      beamWidth: 4,
      maxNewTokens: 10_000,
      signal: controller.signal,
    });
    await Promise.resolve();
    controller.abort();
    await expectErrorCode(search, SamplingError, 'SAMPLING_ABORTED');
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('issue 13 #4: a timer-driven abort stops a long beam search within a few ms, and intervals tick meanwhile', async () => {
    await expectNoLeaks(
      async () => {
        const { firedAt, landedMs, ticks } = await abortByTimer((signal) =>
          beamSearch(model, { prompt: [0], beamWidth: 4, maxNewTokens: 20_000, signal }),
        );
        expect(firedAt).toBeGreaterThan(0);
        expect(landedMs).toBeLessThan(250); // generous: a few ms on a quiet machine
        expect(ticks).toBeGreaterThan(0);
      },
      { runs: 1 },
    );
  });

  it('issue 13 #8: a processor returning the wrong length or NaN is a typed error naming it; nothing leaks', async () => {
    await expectNoLeaks(async () => {
      const error = await expectErrorCode(
        beamSearch(model, {
          prompt: [0],
          processors: [
            function shorten(l) {
              return l.subarray(1);
            },
          ],
        }),
        SamplingError,
        'SAMPLING_INVALID_INPUT',
      );
      expect(error.message).toContain("processors[0] 'shorten'");
      await expectErrorCode(
        beamSearch(model, { prompt: [0], processors: [(l) => l, (l) => l.map(() => Number.NaN)] }),
        SamplingError,
        'SAMPLING_INVALID_INPUT',
      );
      await expectErrorCode(
        beamSearch(model, { prompt: [0], decoder: { decode: () => null as never } }),
        SamplingError,
        'SAMPLING_INVALID_INPUT',
      );
    });
  });

  it('rejects a beam too wide to hold before allocating it', () => {
    expectErrorCode(
      () => resolveBeamSearchOptions({ prompt: [0], beamWidth: 1e9 }, V),
      SamplingError,
      'SAMPLING_INVALID_OPTION',
    );
  });
});
