import { expectErrorCode } from '@rnnkit/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SamplingError } from './errors.js';
import {
  allowedTokensProcessor,
  applyProcessors,
  bannedTokensProcessor,
  createLogitsProcessor,
  type LogitsProcessorConfig,
  minPProcessor,
  noRepeatNgramProcessor,
  repetitionPenaltyProcessor,
  temperatureProcessor,
  topKProcessor,
  topPProcessor,
} from './logits-processors.js';
import { softmax } from './softmax.js';
import type { LogitsProcessor } from './types.js';

const NONE = { ids: [], promptLength: 0 };
const NEG = Number.NEGATIVE_INFINITY;
const logOf = (probabilities: number[]) => Float32Array.from(probabilities, Math.log);
const kept = (logits: Float32Array) => [...logits.keys()].filter((i) => logits[i] !== NEG);

const logitsArb = fc
  .array(fc.float({ min: -20, max: 20, noNaN: true, noDefaultInfinity: true }), {
    minLength: 1,
    maxLength: 40,
  })
  .map((values) => Float32Array.from(values));

describe('temperatureProcessor', () => {
  it('divides by the temperature', () => {
    expect([...temperatureProcessor(0.5)(Float32Array.of(1, -2, 0), NONE)]).toEqual([2, -4, 0]);
    expect([...temperatureProcessor(4)(Float32Array.of(1, -2, NEG), NONE)]).toEqual([0.25, -0.5, NEG]);
  });

  it('rejects temperatures that are not finite and positive', () => {
    for (const t of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '1']) {
      expectErrorCode(() => temperatureProcessor(t as number), SamplingError, 'SAMPLING_INVALID_OPTION');
    }
  });
});

describe('topKProcessor', () => {
  it('keeps exactly the k highest logits, lower ids first among ties', () => {
    const logits = Float32Array.of(1, 5, 3, 5, -2);
    expect([...topKProcessor(2)(logits, NONE)]).toEqual([NEG, 5, NEG, 5, NEG]);
    expect([...topKProcessor(1)(logits, NONE)]).toEqual([NEG, 5, NEG, NEG, NEG]);
    expect([...topKProcessor(3)(logits, NONE)]).toEqual([NEG, 5, 3, 5, NEG]);
    expect([...topKProcessor(5)(logits, NONE)]).toEqual([...logits]);
    expect([...topKProcessor(9)(logits, NONE)]).toEqual([...logits]);
    expect([...topKProcessor(2)(Float32Array.of(7, 7, 7), NONE)]).toEqual([7, 7, NEG]);
  });

  it('keeps min(k, unmasked) logits, each at least as large as every masked one', () => {
    fc.assert(
      fc.property(logitsArb, fc.integer({ min: 1, max: 45 }), (logits, k) => {
        const out = topKProcessor(k)(logits, NONE);
        const survivors = kept(out);
        expect(survivors.length).toBe(Math.min(k, logits.length));
        const lowestKept = Math.min(...survivors.map((i) => logits[i]!));
        for (let i = 0; i < logits.length; i++) {
          if (out[i] === NEG) expect(logits[i]).toBeLessThanOrEqual(lowestKept);
          else expect(out[i]).toBe(logits[i]);
        }
      }),
    );
  });

  it('rejects k that is not an integer ≥ 1', () => {
    for (const k of [0, -1, 2.5, Number.NaN])
      expectErrorCode(() => topKProcessor(k), SamplingError, 'SAMPLING_INVALID_OPTION');
  });
});

describe('topPProcessor', () => {
  it('keeps the smallest most-likely set whose mass reaches p', () => {
    const logits = logOf([0.05, 0.5, 0.15, 0.3]);
    expect(kept(topPProcessor(0.4)(logits, NONE))).toEqual([1]);
    expect(kept(topPProcessor(0.79)(logits, NONE))).toEqual([1, 3]);
    expect(kept(topPProcessor(0.9)(logits, NONE))).toEqual([1, 2, 3]);
    expect(kept(topPProcessor(0.99)(logits, NONE))).toEqual([0, 1, 2, 3]);
    expect(kept(topPProcessor(1)(logits, NONE))).toEqual([0, 1, 2, 3]);
    expect(kept(topPProcessor(1e-9)(logits, NONE))).toEqual([1]);
    // survivors keep their logits unchanged
    expect(topPProcessor(0.79)(logits, NONE)[3]).toBe(logits[3]);
  });

  it('keeps a set of mass ≥ p that stops being one once its least likely member is dropped', () => {
    fc.assert(
      fc.property(logitsArb, fc.double({ min: 0.01, max: 1, noNaN: true }), (logits, p) => {
        const probabilities = softmax(logits);
        const survivors = kept(topPProcessor(p)(logits, NONE));
        const mass = survivors.reduce((sum, i) => sum + probabilities[i]!, 0);
        const smallest = Math.min(...survivors.map((i) => probabilities[i]!));
        expect(mass).toBeGreaterThanOrEqual(p - 1e-9);
        expect(mass - smallest).toBeLessThan(p + 1e-9);
        for (let i = 0; i < logits.length; i++) {
          if (!survivors.includes(i)) expect(probabilities[i]).toBeLessThanOrEqual(smallest);
        }
      }),
    );
  });

  it('rejects p outside (0, 1]', () => {
    for (const p of [0, -0.1, 1.01, Number.NaN])
      expectErrorCode(() => topPProcessor(p), SamplingError, 'SAMPLING_INVALID_OPTION');
  });
});

describe('minPProcessor', () => {
  it('masks tokens below p × the top probability', () => {
    const logits = logOf([0.1, 0.6, 0.3]);
    expect(kept(minPProcessor(0.2)(logits, NONE))).toEqual([1, 2]);
    expect(kept(minPProcessor(0.51)(logits, NONE))).toEqual([1]);
    expect(kept(minPProcessor(0)(logits, NONE))).toEqual([0, 1, 2]);
    expect(kept(minPProcessor(1)(Float32Array.of(2, 2, 1), NONE))).toEqual([0, 1]);
  });

  it('rejects p outside [0, 1]', () => {
    for (const p of [-0.1, 1.5, Number.NaN])
      expectErrorCode(() => minPProcessor(p), SamplingError, 'SAMPLING_INVALID_OPTION');
  });
});

describe('repetitionPenaltyProcessor', () => {
  it('divides positive and multiplies negative logits of seen ids, once per id (CTRL/HF)', () => {
    const out = repetitionPenaltyProcessor(2)(Float32Array.of(4, -4, 4, 0), {
      ids: [0, 1, 0, 3],
      promptLength: 1,
    });
    expect([...out]).toEqual([2, -8, 4, 0]);
    const mild = repetitionPenaltyProcessor(1.2)(Float32Array.of(1.2, -1), { ids: [0, 1], promptLength: 0 });
    expect(mild[0]).toBeCloseTo(1, 6);
    expect(mild[1]).toBeCloseTo(-1.2, 6);
  });

  it('rejects penalties that are not finite and positive', () => {
    for (const p of [0, -1, Number.POSITIVE_INFINITY]) {
      expectErrorCode(() => repetitionPenaltyProcessor(p), SamplingError, 'SAMPLING_INVALID_OPTION');
    }
  });
});

describe('noRepeatNgramProcessor', () => {
  const zeros = new Float32Array(6);
  const banned = (size: number, ids: number[]) =>
    [...noRepeatNgramProcessor(size)(zeros, { ids, promptLength: 0 }).keys()].filter(
      (i) => noRepeatNgramProcessor(size)(zeros, { ids, promptLength: 0 })[i] === NEG,
    );

  it('bans the tokens that would repeat an n-gram of the row', () => {
    expect(banned(3, [1, 2, 3, 1, 2])).toEqual([3]);
    expect(banned(3, [1, 2, 3, 1, 2, 4, 1, 2])).toEqual([3, 4]);
    expect(banned(2, [1, 2, 3, 1, 2])).toEqual([3]);
    expect(banned(1, [1, 2, 5, 1])).toEqual([1, 2, 5]);
    expect(banned(3, [1, 2])).toEqual([]);
    expect(banned(4, [1, 2, 3, 1, 2])).toEqual([]);
  });

  it('never lets generation complete an n-gram it has seen (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 20 }),
        fc.integer({ min: 1, max: 4 }),
        (ids, n) => {
          const out = noRepeatNgramProcessor(n)(new Float32Array(4), { ids, promptLength: 0 });
          const seen = new Set<string>();
          for (let i = 0; i + n <= ids.length; i++) seen.add(ids.slice(i, i + n).join(','));
          for (let token = 0; token < 4; token++) {
            const candidate = [...ids, token].slice(-n);
            const repeats = candidate.length === n && seen.has(candidate.join(','));
            expect(out[token] === NEG).toBe(repeats);
          }
        },
      ),
    );
  });
});

describe('bannedTokensProcessor and allowedTokensProcessor', () => {
  it('mask the listed ids, or every other id', () => {
    const logits = Float32Array.of(1, 2, 3, 4);
    expect([...bannedTokensProcessor([0, 2])(logits, NONE)]).toEqual([NEG, 2, NEG, 4]);
    expect([...allowedTokensProcessor([0, 2])(logits, NONE)]).toEqual([1, NEG, 3, NEG]);
  });

  it('reject bad id lists, and ids beyond the logits when processing', () => {
    expectErrorCode(() => bannedTokensProcessor([-1]), SamplingError, 'SAMPLING_INVALID_OPTION');
    expectErrorCode(
      () => bannedTokensProcessor('ab' as unknown as number[]),
      SamplingError,
      'SAMPLING_INVALID_OPTION',
    );
    expectErrorCode(() => allowedTokensProcessor([]), SamplingError, 'SAMPLING_INVALID_OPTION');
    expectErrorCode(() => allowedTokensProcessor([1.5]), SamplingError, 'SAMPLING_INVALID_OPTION');
    expectErrorCode(
      () => bannedTokensProcessor([4])(Float32Array.of(1, 2, 3, 4), NONE),
      SamplingError,
      'SAMPLING_INVALID_OPTION',
    );
  });
});

describe('processors', () => {
  const all: [string, LogitsProcessor][] = [
    ['temperature', temperatureProcessor(0.7)],
    ['topK', topKProcessor(3)],
    ['topP', topPProcessor(0.8)],
    ['minP', minPProcessor(0.1)],
    ['repetitionPenalty', repetitionPenaltyProcessor(1.3)],
    ['noRepeatNgram', noRepeatNgramProcessor(2)],
    ['bannedTokens', bannedTokensProcessor([0])],
    ['allowedTokens', allowedTokensProcessor([0])],
  ];

  it('never modify their input and return a new array of the same length', () => {
    fc.assert(
      fc.property(logitsArb, (logits) => {
        const before = [...logits];
        for (const [, processor] of all) {
          const out = processor(logits, { ids: [0, 0, 0], promptLength: 1 });
          expect(out).not.toBe(logits);
          expect(out.length).toBe(logits.length);
          expect([...logits]).toEqual(before);
        }
      }),
    );
  });

  it('createLogitsProcessor builds each built-in from its config', () => {
    const configs: LogitsProcessorConfig[] = [
      { type: 'temperature', temperature: 0.7 },
      { type: 'topK', k: 3 },
      { type: 'topP', p: 0.8 },
      { type: 'minP', p: 0.1 },
      { type: 'repetitionPenalty', penalty: 1.3 },
      { type: 'noRepeatNgram', size: 2 },
      { type: 'bannedTokens', ids: [0] },
      { type: 'allowedTokens', ids: [0] },
    ];
    const logits = Float32Array.of(0.5, 2, -1, 3, 0.1);
    const context = { ids: [1, 3, 1], promptLength: 1 };
    configs.forEach((config, i) => {
      expect([...createLogitsProcessor(config)(logits, context)]).toEqual([...all[i]![1](logits, context)]);
    });
  });

  it('createLogitsProcessor rejects unknown types, unknown keys and bad parameters', () => {
    for (const config of [
      { type: 'beam' },
      { type: 'topK', k: 3, top_k: 3 },
      { type: 'topK', k: 0 },
      null,
      {},
    ]) {
      expectErrorCode(
        () => createLogitsProcessor(config as LogitsProcessorConfig),
        SamplingError,
        'SAMPLING_INVALID_OPTION',
      );
    }
  });

  it('applyProcessors chains in order', () => {
    const chained = applyProcessors(
      [topKProcessor(2), temperatureProcessor(0.5)],
      Float32Array.of(1, 2, 3),
      NONE,
    );
    expect([...chained]).toEqual([NEG, 4, 6]);
  });

  it('issue 13 #8: applyProcessors rejects a wrong length, a non-array or NaN, naming the processor; copies number arrays', () => {
    const row = Float32Array.of(1, 2, 3);
    const bad: unknown[] = [
      (l: Float32Array) => l.subarray(1),
      (l: Float32Array) => Float32Array.of(...l, 0),
      () => null,
      () => 'abc',
      (l: Float32Array) => l.map(() => Number.NaN),
      (l: Float32Array) => l.map(() => Number.POSITIVE_INFINITY),
      () => [1, '2', 3],
    ];
    for (const processor of bad) {
      const error = expectErrorCode(
        () => applyProcessors([(l) => l, processor as LogitsProcessor], row, NONE, 'generate'),
        SamplingError,
        'SAMPLING_INVALID_INPUT',
      );
      expect(error.message).toContain('processors[1]');
    }
    const labelled = expectErrorCode(
      () => applyProcessors([{ processor: () => row.subarray(1), label: 'the built-in topK' }], row, NONE),
      SamplingError,
      'SAMPLING_INVALID_INPUT',
    );
    expect(labelled.message).toContain('the built-in topK');
    const copied = applyProcessors([(l) => Array.from(l, (v) => v * 2) as never], row, NONE);
    expect(copied).toBeInstanceOf(Float32Array);
    expect([...copied]).toEqual([2, 4, 6]);
  });

  it('built-in processors called directly reject rows and contexts that are not one, with typed errors', () => {
    const row = Float32Array.of(1, 2, 3);
    const processors = [
      temperatureProcessor(2),
      topKProcessor(2),
      topPProcessor(0.5),
      minPProcessor(0.1),
      repetitionPenaltyProcessor(1.2),
      noRepeatNgramProcessor(2),
      bannedTokensProcessor([0]),
      allowedTokensProcessor([0]),
    ];
    for (const processor of processors) {
      for (const logits of [null, 'abc', 5]) {
        expectErrorCode(() => processor(logits as never, NONE), SamplingError, 'SAMPLING_INVALID_INPUT');
      }
    }
    for (const processor of [repetitionPenaltyProcessor(1.2), noRepeatNgramProcessor(2)]) {
      for (const context of [undefined, {}, { ids: null, promptLength: 0 }]) {
        expectErrorCode(() => processor(row, context as never), SamplingError, 'SAMPLING_INVALID_INPUT');
      }
    }
  });
});
