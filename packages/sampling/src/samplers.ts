import { softmax } from './softmax.js';
import type { RandomSource, Sampler } from './types.js';
import { check } from './validate.js';

/**
 * Greedy decoding: the id of the largest logit, the lowest id among ties (numpy's `argmax`).
 * Uses no randomness.
 *
 * @throws SamplingError `SAMPLING_INVALID_INPUT` for NaN or `+Infinity` logits, or when all
 *   are `-Infinity`.
 * @example
 * greedySampler(Float32Array.of(1, 3, 3), random); // 1
 */
export const greedySampler: Sampler = (logits) => {
  softmax(logits); // validates (NaN, +Infinity, all masked) with the same errors as sampling
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
  return best;
};

/**
 * Draws one id from `softmax(logits)` with one uniform number from `random`: the first id
 * whose cumulative probability exceeds it (inverse-CDF in float64). Masked (`-Infinity`) ids
 * are never drawn. Same random state, same id.
 *
 * @throws SamplingError `SAMPLING_INVALID_INPUT` for NaN or `+Infinity` logits, or when all
 *   are `-Infinity`; `SAMPLING_INVALID_OPTION` for a `random` without `nextFloat()`, or whose
 *   `nextFloat()` returns anything but a number in `[0, 1)`.
 * @example
 * multinomialSampler(Float32Array.of(0, Math.log(3)), new SeededRandom(1)); // 1 three times in four
 */
export const multinomialSampler: Sampler = (logits, random: RandomSource) => {
  const probabilities = softmax(logits);
  if (typeof (random as Partial<RandomSource> | null)?.nextFloat !== 'function') {
    check.invalid(
      'multinomialSampler',
      'random',
      random,
      'must have nextFloat()',
      'Pass a SeededRandom, e.g. new SeededRandom(42).',
    );
  }
  const u = random.nextFloat();
  if (typeof u !== 'number' || !(u >= 0 && u < 1)) {
    check.invalid(
      'multinomialSampler',
      'random.nextFloat()',
      u,
      'must return a number in [0, 1)',
      'Pass a SeededRandom, or a source whose nextFloat() is uniform in [0, 1).',
    );
  }
  let cumulative = 0;
  let last = -1;
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i]!;
    if (p === 0) continue;
    cumulative += p;
    last = i;
    if (u < cumulative) return i;
  }
  return last; // rounding left the cumulative sum a hair below u: the last possible id
};

/** A serialisable description of a built-in {@link Sampler}, for {@link createSampler}. */
export type SamplerConfig = { readonly type: 'greedy' } | { readonly type: 'multinomial' };

/** The `type`s {@link createSampler} knows. */
export const SAMPLER_TYPES: readonly SamplerConfig['type'][] = Object.freeze(['greedy', 'multinomial']);

/**
 * Returns the built-in sampler described by `config`.
 *
 * @throws SamplingError `SAMPLING_INVALID_OPTION` for an unknown `type` or unknown keys (both
 *   naming the closest known one).
 * @example
 * createSampler({ type: 'greedy' }) === greedySampler; // true
 */
export function createSampler(config: SamplerConfig): Sampler {
  const where = 'createSampler';
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    check.invalid(where, 'config', config, 'must be an object { type }', "Pass e.g. { type: 'greedy' }.");
  }
  check.options(where, config, ['type']);
  switch (config.type) {
    case 'greedy':
      return greedySampler;
    case 'multinomial':
      return multinomialSampler;
    default: {
      const exhaustive: never = config;
      check.oneOf(where, 'type', (exhaustive as { type?: unknown }).type, SAMPLER_TYPES); // throws: no known type reaches here
      return exhaustive;
    }
  }
}
