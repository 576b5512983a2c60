import '@tensorflow/tfjs-backend-cpu';
import { expectErrorCode, expectNoLeaks } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  abortByTimer,
  CHI_SQUARE_CRITICAL_0_001,
  charDecoder,
  chiSquare,
  randomTable,
  TableStepModel,
} from '../test/support.js';
import { SamplingError } from './errors.js';
import { generate, stream } from './generate.js';
import {
  DEFAULT_GENERATE_OPTIONS,
  type GenerateOptions,
  resolveGenerateOptions,
} from './generate-options.js';
import {
  bannedTokensProcessor,
  minPProcessor,
  noRepeatNgramProcessor,
  repetitionPenaltyProcessor,
  temperatureProcessor,
  topKProcessor,
  topPProcessor,
} from './logits-processors.js';
import { softmax } from './softmax.js';
import type { StepModel, TokenEvent } from './types.js';

const ALPHABET = 'abcdef';
const decoder = charDecoder(ALPHABET);
let model: TableStepModel;

beforeAll(async () => {
  await tf.setBackend('cpu');
  model = new TableStepModel(randomTable(ALPHABET.length, 42));
});

afterAll(() => model.dispose());

const table = randomTable(ALPHABET.length, 42);
const argmax = (row: readonly number[]) => row.indexOf(Math.max(...row));

describe('resolveGenerateOptions', () => {
  it('pins the documented defaults', () => {
    expect(DEFAULT_GENERATE_OPTIONS).toEqual({
      maxNewTokens: 100,
      decoder: null,
      stop: [],
      temperature: 1,
      topK: null,
      topP: 1,
      minP: 0,
      repetitionPenalty: 1,
      noRepeatNgramSize: 0,
      bannedIds: [],
      allowedIds: null,
      processors: [],
      sampler: null,
      stoppingCriteria: [],
      seed: 0,
      batchSize: 1,
      signal: null,
      onToken: null,
      streamer: null,
    });
    const resolved = resolveGenerateOptions({ prompt: 'ab', decoder }, 6);
    expect(resolved.promptIds).toEqual([0, 1]);
    expect(resolved.pipeline).toEqual([]); // temperature 1 and no filters: nothing to do
    expect(resolved.maxNewTokens).toBe(100);
    expect(resolved.seed).toBe(0);
  });

  it('rejects bad options with SAMPLING_INVALID_OPTION', () => {
    const bad: Record<string, unknown>[] = [
      { prompt: [] },
      { prompt: 'ab' },
      { prompt: [6] },
      { prompt: [-1] },
      { prompt: [0], max_new_tokens: 5 },
      { prompt: [0], maxNewTokens: 0 },
      { prompt: [0], temperature: -1 },
      { prompt: [0], topK: 0 },
      { prompt: [0], topP: 0 },
      { prompt: [0], minP: 2 },
      { prompt: [0], repetitionPenalty: 0 },
      { prompt: [0], noRepeatNgramSize: -1 },
      { prompt: [0], bannedIds: [9] },
      { prompt: [0], allowedIds: [] },
      { prompt: [0], stop: ['x'] },
      { prompt: [0], stop: [7] },
      { prompt: [0], stop: 'x' },
      { prompt: [0], seed: 0.5 },
      { prompt: [0], batchSize: 0 },
      { prompt: [0], processors: [1] },
      { prompt: [0], temperature: 0, sampler: () => 0 },
      { prompt: [0], decoder: {} },
      { prompt: [0], signal: 'abort' },
      { prompt: [0], streamer: { put: () => {} } },
    ];
    for (const options of bad) {
      expectErrorCode(
        () => resolveGenerateOptions(options as unknown as GenerateOptions, 6),
        SamplingError,
        'SAMPLING_INVALID_OPTION',
      );
    }
  });

  it('rejects a model that is not a StepModel', () => {
    expectErrorCode(() => stream({} as StepModel, { prompt: [0] }), SamplingError, 'SAMPLING_INVALID_INPUT');
  });
});

describe('generate', () => {
  it('greedy (temperature 0) follows the argmax chain; the prompt is fed once, one step per new token', async () => {
    const before = model.steps;
    const result = await generate(model, { prompt: 'cab', decoder, temperature: 0, maxNewTokens: 8 });
    const expected: number[] = [];
    let last = 1; // 'b'
    for (let i = 0; i < 8; i++) {
      last = argmax(table[last]!);
      expected.push(last);
    }
    expect(result.ids).toEqual(expected);
    expect(result.text).toBe(decoder.decode(expected));
    expect(result.stopReason).toBe('maxNewTokens');
    expect(result.promptIds).toEqual([2, 0, 1]);
    expect(result.steps).toBe(3 + 8 - 1);
    expect(model.steps - before).toBe(result.steps);
  });

  it('temperature → 0 equals greedy', async () => {
    const greedy = await generate(model, { prompt: [3], temperature: 0, maxNewTokens: 30 });
    for (const seed of [1, 2, 3]) {
      const cold = await generate(model, { prompt: [3], temperature: 1e-4, maxNewTokens: 30, seed });
      expect(cold.ids).toEqual(greedy.ids);
    }
  });

  it('pins the ids of a seed (core’s SeededRandom draws exactly what sampling’s own did)', async () => {
    const single = await generate(model, { prompt: [0], maxNewTokens: 24, seed: 7 });
    expect(single.ids).toEqual([4, 5, 2, 0, 3, 2, 0, 4, 0, 4, 2, 0, 4, 2, 0, 4, 3, 5, 2, 0, 3, 3, 2, 0]);
    const batch = await generate(model, {
      prompt: [1, 2],
      maxNewTokens: 8,
      seed: -3,
      batchSize: 3,
      topP: 0.9,
    });
    expect(batch.sequences.map((sequence) => sequence.ids)).toEqual([
      [0, 3, 0, 1, 0, 3, 2, 0],
      [0, 1, 2, 0, 4, 2, 0, 4],
      [0, 1, 4, 2, 0, 1, 5, 2],
    ]);
  });

  it('same seed → same text; another seed → another text', async () => {
    const run = (seed: number) => generate(model, { prompt: 'a', decoder, maxNewTokens: 60, seed });
    expect((await run(5)).text).toBe((await run(5)).text);
    expect((await run(5)).text).not.toBe((await run(6)).text);
  });

  it('samples the model: chi-square of (1st, 2nd) token pairs over 3,000 parallel rows', async () => {
    const sharp = new TableStepModel(randomTable(4, 7, 1.5));
    const rows = 3000;
    const result = await generate(sharp, { prompt: [2], maxNewTokens: 2, batchSize: rows, seed: 123 });
    const counts = new Array<number>(16).fill(0);
    for (const sequence of result.sequences) counts[sequence.ids[0]! * 4 + sequence.ids[1]!]! += 1;
    const t = randomTable(4, 7, 1.5);
    const first = softmax(t[2]!);
    const expected = Array.from({ length: 16 }, (_, k) => first[k >> 2]! * softmax(t[k >> 2]!)[k & 3]!);
    expect(chiSquare(counts, expected)).toBeLessThan(CHI_SQUARE_CRITICAL_0_001[15]!);
    expect(result.steps).toBe(2); // one prompt step, one step for the whole batch
    expect(sharp.batchSizes).toEqual([1, rows]);
    sharp.dispose();
  });

  it('wires every sampling option: same ids as the equivalent processors', async () => {
    const cases: [Partial<GenerateOptions>, Partial<GenerateOptions>][] = [
      [{ temperature: 0.7 }, { processors: [temperatureProcessor(0.7)] }],
      [{ topK: 2 }, { processors: [topKProcessor(2)] }],
      [{ topP: 0.6 }, { processors: [topPProcessor(0.6)] }],
      [{ minP: 0.3 }, { processors: [minPProcessor(0.3)] }],
      [{ repetitionPenalty: 1.5 }, { processors: [repetitionPenaltyProcessor(1.5)] }],
      [{ noRepeatNgramSize: 2 }, { processors: [noRepeatNgramProcessor(2)] }],
      [{ bannedIds: [0, 4] }, { processors: [bannedTokensProcessor([0, 4])] }],
    ];
    for (const [option, equivalent] of cases) {
      const base = { prompt: [1, 2], maxNewTokens: 20, seed: 9 };
      const a = await generate(model, { ...base, ...option });
      const b = await generate(model, { ...base, ...equivalent });
      const plain = await generate(model, base);
      expect(a.ids).toEqual(b.ids);
      expect(a.ids, JSON.stringify(Object.keys(option))).not.toEqual(plain.ids);
    }
  });

  it('masks: banned ids never appear, only allowed ids appear, no-repeat-1 never repeats', async () => {
    const banned = await generate(model, { prompt: [0], maxNewTokens: 200, bannedIds: [1, 2] });
    expect(banned.ids.some((id) => id === 1 || id === 2)).toBe(false);
    const allowed = await generate(model, { prompt: [0], maxNewTokens: 200, allowedIds: [3, 5] });
    expect(new Set(allowed.ids)).toEqual(new Set([3, 5]));
    const unique = await generate(model, { prompt: [0, 1], maxNewTokens: 4, noRepeatNgramSize: 1 });
    expect(new Set([0, 1, ...unique.ids]).size).toBe(6);
    await expectErrorCode(
      generate(model, { prompt: [0, 1], maxNewTokens: 5, noRepeatNgramSize: 1 }),
      SamplingError,
      'SAMPLING_INVALID_INPUT', // the 5th token has nothing left to choose from
    );
  });

  it('stops on token ids and on strings (the stop is kept), row by row, shrinking the batch', async () => {
    const byId = await generate(model, { prompt: [0], maxNewTokens: 500, stop: [4], seed: 1 });
    expect(byId.stopReason).toBe('stopToken');
    expect(byId.ids.at(-1)).toBe(4);
    expect(byId.ids.slice(0, -1)).not.toContain(4);

    const byString = await generate(model, {
      prompt: 'a',
      decoder,
      maxNewTokens: 500,
      stop: ['fa', 'ee'],
      seed: 2,
    });
    expect(byString.stopReason).toBe('stopString');
    const text = byString.text!;
    expect(text.endsWith('fa') || text.endsWith('ee')).toBe(true);
    expect(text.slice(0, -1).includes('fa') || text.slice(0, -1).includes('ee')).toBe(false);

    const counting = new TableStepModel(randomTable(6, 42));
    const batch = await generate(counting, {
      prompt: [0],
      maxNewTokens: 300,
      stop: [4],
      batchSize: 8,
      seed: 3,
    });
    const lengths = batch.sequences.map((s) => s.ids.length);
    expect(new Set(lengths).size).toBeGreaterThan(1);
    for (const sequence of batch.sequences) {
      expect(sequence.stopReason === 'stopToken' ? sequence.ids.at(-1) : 'max').toBe(
        sequence.stopReason === 'stopToken' ? 4 : 'max',
      );
    }
    // after the prompt step, each step feeds exactly the rows still running
    const running = (t: number) => batch.sequences.filter((s) => s.ids.length > t + 1).length;
    expect(counting.batchSizes).toEqual([
      1,
      ...Array.from({ length: Math.max(...lengths) - 1 }, (_, t) => running(t)),
    ]);
    counting.dispose();
  });

  it('honours custom stopping criteria with plain ids and text', async () => {
    const seen: unknown[] = [];
    const result = await generate(model, {
      prompt: 'a',
      decoder,
      maxNewTokens: 50,
      stoppingCriteria: [
        ({ row, ids, text }) => {
          seen.push(typeof row, Array.isArray(ids), typeof text);
          return ids.length === 7;
        },
      ],
    });
    expect(result.ids.length).toBe(7);
    expect(result.stopReason).toBe('stoppingCriterion');
    expect(new Set(seen)).toEqual(new Set(['number', true, 'string']));
  });

  it('streams tokens to onToken, a streamer and stream(), with text deltas that add up to the text', async () => {
    const options = { prompt: 'b', decoder, maxNewTokens: 25, seed: 4, batchSize: 2 };
    const viaCallback: TokenEvent[] = [];
    const put: TokenEvent[] = [];
    let ended = 0;
    const result = await generate(model, {
      ...options,
      onToken: (token) => viaCallback.push(token),
      streamer: { put: (token) => put.push(token), end: () => ended++ },
    });
    const viaIterator: TokenEvent[] = [];
    for await (const token of stream(model, options)) viaIterator.push(token);
    expect(viaIterator).toEqual(viaCallback);
    expect(put).toEqual(viaCallback);
    expect(ended).toBe(1);
    for (const row of [0, 1]) {
      const tokens = viaCallback.filter((token) => token.row === row);
      expect(tokens.map((token) => token.id)).toEqual(result.sequences[row]!.ids);
      expect(tokens.map((token) => token.text).join('')).toBe(result.sequences[row]!.text);
      expect(tokens.map((token) => token.index)).toEqual([...tokens.keys()]);
      expect(tokens.at(-1)!.stopReason).toBe('maxNewTokens');
    }
  });

  it('streams word-level text deltas through a decoder that joins with spaces', async () => {
    const words = ['the', 'cat', 'sat', 'on', 'a', 'mat'];
    const wordDecoder = { decode: (ids: Iterable<number>) => Array.from(ids, (id) => words[id]).join(' ') };
    const tokens: string[] = [];
    const result = await generate(model, {
      prompt: [0],
      decoder: wordDecoder,
      maxNewTokens: 6,
      onToken: (t) => tokens.push(t.text),
    });
    expect(tokens.join('')).toBe(result.text);
    expect(tokens.slice(1).every((text) => text.startsWith(' '))).toBe(true);
  });

  it('aborts with SAMPLING_ABORTED through an AbortSignal, leaving no tensors', async () => {
    await generate(model, { prompt: [0], maxNewTokens: 3 }); // warm-up
    const baseline = tf.memory().numTensors;
    const controller = new AbortController();
    const tokens: number[] = [];
    const reason = new Error('user pressed stop');
    let thrown: unknown;
    try {
      await generate(model, {
        prompt: [0],
        maxNewTokens: 1000,
        signal: controller.signal,
        onToken: (token) => {
          tokens.push(token.id);
          if (tokens.length === 5) controller.abort(reason);
        },
      });
    } catch (error) {
      thrown = error;
    }
    expect((thrown as { code?: string }).code).toBe('SAMPLING_ABORTED');
    expect((thrown as Error).cause).toBe(reason);
    expect(tokens.length).toBe(5);
    expect(tf.memory().numTensors).toBe(baseline);

    const stepsBefore = model.steps;
    await expectErrorCode(
      generate(model, { prompt: [0], signal: AbortSignal.abort() }),
      SamplingError,
      'SAMPLING_ABORTED',
    );
    expect(model.steps).toBe(stepsBefore);
  });

  it('frees everything when a stream is left early', async () => {
    await expectNoLeaks(async () => {
      let count = 0;
      for await (const _ of stream(model, { prompt: [0, 1], maxNewTokens: 100, batchSize: 3 })) {
        if (++count === 10) break;
      }
      expect(count).toBe(10);
    });
  });

  it('leaks no tensors over 1,000-token generations (batch 1 and 4)', async () => {
    await expectNoLeaks(async () => {
      const result = await generate(model, { prompt: 'abc', decoder, maxNewTokens: 1000, topK: 4, seed: 8 });
      expect(result.ids.length).toBe(1000);
    });
    await expectNoLeaks(async () => {
      const result = await generate(model, { prompt: [1], maxNewTokens: 1000, batchSize: 4, stop: [5] });
      expect(result.sequences.length).toBe(4);
    });
  });

  it('rejects logits of the wrong shape with SAMPLING_INVALID_INPUT and frees them', async () => {
    const broken: StepModel<tf.Tensor> = {
      vocabularySize: 6,
      initialState: (batch) => tf.zeros([batch, 2]),
      step: (ids) => ({ logits: tf.zeros([ids.length, 5]) as tf.Tensor2D, state: tf.zeros([ids.length, 2]) }),
      gatherState: (state, rows) => tf.gather(state, tf.tensor1d(rows, 'int32')),
      disposeState: (state) => state.dispose(),
    };
    await generate(model, { prompt: [0], maxNewTokens: 1 });
    const baseline = tf.memory().numTensors;
    await expectErrorCode(generate(broken, { prompt: [0, 1, 2] }), SamplingError, 'SAMPLING_INVALID_INPUT');
    await expectErrorCode(generate(broken, { prompt: [0] }), SamplingError, 'SAMPLING_INVALID_INPUT');
    expect(tf.memory().numTensors).toBe(baseline);
  });
});

describe('issue 13 #4: long loops yield to the event loop', () => {
  it('issue 13 #4: a timer-driven abort stops generate within a few ms, and intervals tick meanwhile', async () => {
    await expectNoLeaks(
      async () => {
        const { firedAt, landedMs, ticks } = await abortByTimer((signal) =>
          generate(model, { prompt: [0], maxNewTokens: 20_000, signal }),
        );
        expect(firedAt).toBeGreaterThan(0);
        expect(landedMs).toBeLessThan(250); // generous: a few ms on a quiet machine
        expect(ticks).toBeGreaterThan(0);
      },
      { runs: 1 },
    );
  });

  it('issue 13 #4: a timer-driven abort stops stream() and frees its state', async () => {
    await expectNoLeaks(
      async () => {
        const { landedMs, ticks } = await abortByTimer(async (signal) => {
          for await (const _ of stream(model, { prompt: [0], maxNewTokens: 20_000, batchSize: 2, signal }));
        });
        expect(landedMs).toBeLessThan(250);
        expect(ticks).toBeGreaterThan(0);
      },
      { runs: 1 },
    );
  });

  it('issue 13 #4: a timer-driven abort stops the feeding of a 20,000-token prompt', async () => {
    const prompt = Array.from({ length: 20_000 }, (_, i) => i % ALPHABET.length);
    await expectNoLeaks(
      async () => {
        const { landedMs } = await abortByTimer((signal) =>
          generate(model, { prompt, maxNewTokens: 1, signal }),
        );
        expect(landedMs).toBeLessThan(250);
      },
      { runs: 1 },
    );
  });

  it('issue 13 #4: a stream left early or aborted between tokens frees its state', async () => {
    await expectNoLeaks(async () => {
      const controller = new AbortController();
      const iterator = stream(model, { prompt: [0], maxNewTokens: 20_000, signal: controller.signal });
      for (let i = 0; i < 300; i++) await iterator.next();
      controller.abort();
      await expectErrorCode(iterator.next(), SamplingError, 'SAMPLING_ABORTED');
      const left = stream(model, { prompt: [0], maxNewTokens: 20_000, batchSize: 3 });
      for (let i = 0; i < 300; i++) await left.next();
      await left.return(undefined as never);
    });
  });
});

describe('issue 13 #8: misbehaving pipeline parts and models are typed errors', () => {
  const gen = (options: Partial<GenerateOptions>, m: StepModel<unknown> = model) =>
    generate(m, { prompt: [0], maxNewTokens: 5, ...options });

  it('issue 13 #8: a logits processor returning the wrong length is a typed error naming it and both lengths', async () => {
    const error = await expectErrorCode(
      gen({
        processors: [
          (logits) => logits,
          function shorten(logits) {
            return logits.subarray(0, 2);
          },
        ],
      }),
      SamplingError,
      'SAMPLING_INVALID_INPUT',
    );
    expect(error.message).toContain('processors[1]');
    expect(error.message).toContain('shorten');
    expect(error.message).toMatch(/\b6\b/); // expected
    expect(error.message).toMatch(/\b2\b/); // received
    await expectErrorCode(
      gen({ processors: [(logits) => Float32Array.of(...logits, 0)], temperature: 0 }),
      SamplingError,
      'SAMPLING_INVALID_INPUT',
    );
  });

  it('issue 13 #8: processors returning a non-array, a NaN row or non-numbers are typed errors naming them', async () => {
    const bad: unknown[] = [
      () => 3,
      () => undefined,
      (logits: Float32Array) => logits.map(() => Number.NaN),
      () => ['1', '2', '3', '4', '5', '6'],
    ];
    for (const processor of bad) {
      const error = await expectErrorCode(
        gen({ processors: [processor as never], temperature: 0 }),
        SamplingError,
        'SAMPLING_INVALID_INPUT',
      );
      expect(error.message).toContain('processors[0]');
    }
  });

  it('issue 13 #8: custom samplers, stopping criteria and decoders that return the wrong kind are typed errors', async () => {
    for (const sampler of [() => 99, () => -1, () => 1.5, () => '1', () => Number.NaN]) {
      await expectErrorCode(gen({ sampler: sampler as never }), SamplingError, 'SAMPLING_INVALID_INPUT');
    }
    for (const criterion of [() => 'yes', () => undefined, () => 1]) {
      await expectErrorCode(
        gen({ stoppingCriteria: [criterion as never] }),
        SamplingError,
        'SAMPLING_INVALID_INPUT',
      );
    }
    await expectErrorCode(
      gen({ decoder: { decode: () => 42 as never } }),
      SamplingError,
      'SAMPLING_INVALID_INPUT',
    );
  });

  it('issue 13 #8: a StepModel returning a non-tensor, nothing, or logits of the wrong shape is a typed error, leaking nothing', async () => {
    const broken = (output: (ids: Int32Array) => unknown): StepModel<tf.Tensor> => ({
      vocabularySize: 6,
      initialState: (batch) => tf.zeros([batch]),
      step: (ids) => output(ids) as never,
      gatherState: (state, rows) => tf.gather(state, tf.tensor1d(rows, 'int32')),
      disposeState: (state) => state.dispose(),
    });
    const models = [
      broken(() => undefined),
      broken(() => 7),
      broken((ids) => ({ logits: [[0, 1, 2, 3, 4, 5]], state: tf.zeros([ids.length]) })),
      broken((ids) => ({ logits: tf.zeros([ids.length, 5]), state: tf.zeros([ids.length]) })),
      broken((ids) => ({ logits: tf.zeros([ids.length, 6], 'int32'), state: tf.zeros([ids.length]) })),
    ];
    await expectNoLeaks(async () => {
      for (const m of models) {
        for (const prompt of [[0], [0, 1, 2]]) {
          await expectErrorCode(gen({ prompt }, m), SamplingError, 'SAMPLING_INVALID_INPUT');
        }
      }
    });
  });

  it('rejects a batch too large to hold, before allocating it', () => {
    expectErrorCode(
      () => stream(model, { prompt: [0], batchSize: 1e9 }),
      SamplingError,
      'SAMPLING_INVALID_OPTION',
    );
  });

  it('runs concurrent generations on one model independently (states are per call)', async () => {
    const ids = (seed: number) =>
      generate(model, { prompt: [0], maxNewTokens: 2000, seed }).then((r) => r.ids);
    const together = await Promise.all([ids(1), ids(2)]);
    expect(together).toEqual([await ids(1), await ids(2)]);
  });
});
