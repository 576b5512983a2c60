import { describeValue } from '@rnnkit/core';
import { softmax } from './softmax.js';
import { topIndices } from './top-indices.js';
import type { LogitsProcessor, LogitsProcessorContext } from './types.js';
import { check, checkArrayLike, checkIdList, fail } from './validate.js';

/** Throws `SAMPLING_INVALID_INPUT` unless a processor was handed a row of logits (a typed array or an array). */
function checkRow(where: string, logits: Float32Array): Float32Array {
  checkArrayLike(where, 'logits', logits);
  return logits;
}

/** The row's ids from a processor's context, after checking the context and the row. */
function checkContext(
  where: string,
  logits: Float32Array,
  context: LogitsProcessorContext,
): readonly number[] {
  checkRow(where, logits);
  const ids = (context as Partial<LogitsProcessorContext> | null)?.ids;
  if (ids === null || typeof ids !== 'object' || typeof ids.length !== 'number') {
    fail(
      'SAMPLING_INVALID_INPUT',
      `${where}: the context must be { ids, promptLength } with the row's ids so far, got ${describeValue(context)}. ` +
        'Pass the context generate and beamSearch pass, e.g. { ids: [3, 1], promptLength: 1 }.',
    );
  }
  return ids;
}

/** A number > 0 (temperatures, penalties). */
const POSITIVE = Object.freeze({ min: 0, minExclusive: true });

/**
 * Divides every logit by `temperature`: below 1 sharpens the distribution, above 1 flattens
 * it (HF `TemperatureLogitsWarper`). Greedy decoding is the limit `temperature → 0`; pass
 * `temperature: 0` to `generate` for it.
 *
 * @param temperature a finite number > 0.
 * @throws SamplingError `SAMPLING_INVALID_OPTION` for a temperature ≤ 0 or not finite.
 * @example
 * temperatureProcessor(0.5)(Float32Array.of(1, 2), context); // Float32Array [2, 4]
 */
export function temperatureProcessor(temperature: number): LogitsProcessor {
  check.number('temperatureProcessor', 'temperature', temperature, POSITIVE);
  return (logits) => checkRow('temperatureProcessor', logits).map((value) => value / temperature);
}

/**
 * Keeps the `k` highest logits and masks the rest with `-Infinity`. Exactly `k` survive: among
 * equal logits at the boundary the lower ids win (HF keeps every tie instead; with real
 * logits ties do not occur). Sampling from the result is "take the k most likely tokens,
 * renormalise, sample" — the tutorials' `get_top_char(top_n=5)` is `topKProcessor(5)`.
 *
 * @param k an integer ≥ 1; `k ≥ vocabularySize` keeps everything.
 * @throws SamplingError `SAMPLING_INVALID_OPTION` for a k that is not an integer ≥ 1.
 * @example
 * topKProcessor(2)(Float32Array.of(1, 3, 2), context); // Float32Array [-Infinity, 3, 2]
 */
export function topKProcessor(k: number): LogitsProcessor {
  check.integer('topKProcessor', 'k', k, { min: 1 });
  return (logits) => {
    checkRow('topKProcessor', logits);
    if (k >= logits.length) return logits.slice();
    const out = new Float32Array(logits.length).fill(Number.NEGATIVE_INFINITY);
    for (const index of topIndices(logits, k)) out[index] = logits[index]!;
    return out;
  };
}

/**
 * Nucleus sampling (Holtzman et al. 2020): keeps the smallest set of most likely tokens whose
 * probabilities sum to at least `p`, masks the rest. The most likely token always survives;
 * equal logits are taken lower id first.
 *
 * @param p a number in (0, 1]; 1 keeps everything.
 * @throws SamplingError `SAMPLING_INVALID_OPTION` for p outside (0, 1].
 * @example
 * // probabilities [0.5, 0.3, 0.2]: p = 0.7 keeps ids 0 and 1
 * topPProcessor(0.7)(Float32Array.from([0.5, 0.3, 0.2], Math.log), context);
 */
export function topPProcessor(p: number): LogitsProcessor {
  check.number('topPProcessor', 'p', p, { min: 0, minExclusive: true, max: 1 });
  return (logits) => {
    checkRow('topPProcessor', logits);
    if (p === 1) return logits.slice();
    const probabilities = softmax(logits);
    const order = topIndices(logits, logits.length);
    const out = new Float32Array(logits.length).fill(Number.NEGATIVE_INFINITY);
    let cumulative = 0;
    for (const index of order) {
      out[index] = logits[index]!;
      cumulative += probabilities[index]!;
      if (cumulative >= p) break;
    }
    return out;
  };
}

/**
 * Min-p sampling (Nguyen et al. 2024): masks every token whose probability is below
 * `p × (probability of the most likely token)`.
 *
 * @param p a number in [0, 1]; 0 keeps everything, 1 keeps only the most likely token(s).
 * @throws SamplingError `SAMPLING_INVALID_OPTION` for p outside [0, 1].
 * @example
 * // probabilities [0.6, 0.3, 0.1]: p = 0.2 masks id 2 (0.1 < 0.2 × 0.6)
 * minPProcessor(0.2)(Float32Array.from([0.6, 0.3, 0.1], Math.log), context);
 */
export function minPProcessor(p: number): LogitsProcessor {
  check.number('minPProcessor', 'p', p, { min: 0, max: 1 });
  return (logits) => {
    const probabilities = softmax(checkRow('minPProcessor', logits));
    let top = 0;
    for (const probability of probabilities) top = Math.max(top, probability);
    const threshold = p * top;
    return logits.map((value, i) => (probabilities[i]! >= threshold ? value : Number.NEGATIVE_INFINITY));
  };
}

/**
 * Repetition penalty of CTRL (Keskar et al. 2019) with HF's sign rule: every id already in the
 * row (prompt included, each id once) has its logit divided by `penalty` if positive and
 * multiplied by it if negative, so `penalty > 1` always makes repeats less likely.
 *
 * @param penalty a finite number > 0; 1 changes nothing, HF's suggested value is 1.2.
 * @throws SamplingError `SAMPLING_INVALID_OPTION` for a penalty ≤ 0 or not finite.
 * @example
 * repetitionPenaltyProcessor(2)(Float32Array.of(4, -4, 4), { ids: [0, 1], promptLength: 2 });
 * // Float32Array [2, -8, 4]
 */
export function repetitionPenaltyProcessor(penalty: number): LogitsProcessor {
  check.number('repetitionPenaltyProcessor', 'penalty', penalty, POSITIVE);
  return (logits, context) => {
    const ids = checkContext('repetitionPenaltyProcessor', logits, context);
    const out = logits.slice();
    const seen = new Set<number>();
    for (const id of ids) {
      if (seen.has(id) || id < 0 || id >= out.length) continue;
      seen.add(id);
      const value = out[id]!;
      out[id] = value > 0 ? value / penalty : value * penalty;
    }
    return out;
  };
}

/**
 * Bans every token that would complete an n-gram of `size` ids already in the row (prompt
 * included), as HF's `NoRepeatNGramLogitsProcessor`; `size: 1` bans every id already seen.
 *
 * @param size an integer ≥ 1.
 * @throws SamplingError `SAMPLING_INVALID_OPTION` for a size that is not an integer ≥ 1.
 * @example
 * // ids … 1 2 3 … 1 2: size 3 bans 3 (the trigram 1 2 3 exists)
 * noRepeatNgramProcessor(3)(logits, { ids: [1, 2, 3, 1, 2], promptLength: 0 });
 */
export function noRepeatNgramProcessor(size: number): LogitsProcessor {
  check.integer('noRepeatNgramProcessor', 'size', size, { min: 1 });
  return (logits, context) => {
    const ids = checkContext('noRepeatNgramProcessor', logits, context);
    const out = logits.slice();
    const prefix = size - 1;
    const end = ids.length - prefix; // start of the current (size-1)-gram
    for (let start = 0; start + size <= ids.length; start++) {
      let matches = true;
      for (let j = 0; j < prefix && matches; j++) matches = ids[start + j] === ids[end + j];
      const banned = ids[start + prefix]!;
      if (matches && banned >= 0 && banned < out.length) out[banned] = Number.NEGATIVE_INFINITY;
    }
    return out;
  };
}

function checkIdsInVocabulary(where: string, ids: readonly number[], logits: Float32Array): void {
  checkRow(where, logits);
  for (const id of ids) {
    if (id >= logits.length) {
      check.invalid(
        where,
        'ids',
        id,
        `must be below the model's vocabulary of ${logits.length} logits`,
        `Pass ids in 0 … ${logits.length - 1}.`,
      );
    }
  }
}

/**
 * Masks the given token ids with `-Infinity` (e.g. padding and OOV ids).
 *
 * @param ids token ids, integers ≥ 0 and below the vocabulary size.
 * @throws SamplingError `SAMPLING_INVALID_OPTION` for ids that are not non-negative integers
 *   (and, when processing, for ids beyond the logits).
 * @example
 * bannedTokensProcessor([0])(Float32Array.of(1, 2), context); // Float32Array [-Infinity, 2]
 */
export function bannedTokensProcessor(ids: ArrayLike<number>): LogitsProcessor {
  const banned = checkIdList('bannedTokensProcessor', 'ids', ids, null);
  return (logits) => {
    checkIdsInVocabulary('bannedTokensProcessor', banned, logits);
    const out = logits.slice();
    for (const id of banned) out[id] = Number.NEGATIVE_INFINITY;
    return out;
  };
}

/**
 * Masks every token id except the given ones with `-Infinity` (constrained vocabularies).
 *
 * @param ids token ids, integers ≥ 0 and below the vocabulary size; at least one.
 * @throws SamplingError `SAMPLING_INVALID_OPTION` for an empty list or ids that are not
 *   non-negative integers (and, when processing, for ids beyond the logits).
 * @example
 * allowedTokensProcessor([1])(Float32Array.of(1, 2), context); // Float32Array [-Infinity, 2]
 */
export function allowedTokensProcessor(ids: ArrayLike<number>): LogitsProcessor {
  const allowed = checkIdList('allowedTokensProcessor', 'ids', ids, null);
  if (allowed.length === 0) {
    check.invalid(
      'allowedTokensProcessor',
      'ids',
      ids,
      'must name at least one token id',
      'Pass the ids that may be generated, or drop the processor.',
    );
  }
  return (logits) => {
    checkIdsInVocabulary('allowedTokensProcessor', allowed, logits);
    const out = new Float32Array(logits.length).fill(Number.NEGATIVE_INFINITY);
    for (const id of allowed) out[id] = logits[id]!;
    return out;
  };
}

/** A serialisable description of a built-in {@link LogitsProcessor}, for {@link createLogitsProcessor}. */
export type LogitsProcessorConfig =
  | { readonly type: 'temperature'; readonly temperature: number }
  | { readonly type: 'topK'; readonly k: number }
  | { readonly type: 'topP'; readonly p: number }
  | { readonly type: 'minP'; readonly p: number }
  | { readonly type: 'repetitionPenalty'; readonly penalty: number }
  | { readonly type: 'noRepeatNgram'; readonly size: number }
  | { readonly type: 'bannedTokens'; readonly ids: readonly number[] }
  | { readonly type: 'allowedTokens'; readonly ids: readonly number[] };

/** The `type`s {@link createLogitsProcessor} knows. */
export const LOGITS_PROCESSOR_TYPES: readonly LogitsProcessorConfig['type'][] = Object.freeze([
  'temperature',
  'topK',
  'topP',
  'minP',
  'repetitionPenalty',
  'noRepeatNgram',
  'bannedTokens',
  'allowedTokens',
]);

const WHERE = 'createLogitsProcessor';

/** `config` after checking it names only `type` and `names` (a misspelt key names the closest). */
function fields<C extends LogitsProcessorConfig>(config: C, ...names: string[]): C {
  return check.options(WHERE, config, ['type', ...names]);
}

/**
 * Builds a built-in processor from its config (for processors stored in JSON).
 *
 * @throws SamplingError `SAMPLING_INVALID_OPTION` for an unknown `type` or unknown keys (both
 *   naming the closest known one) or an invalid parameter.
 * @example
 * const processors = [{ type: 'topK', k: 5 }, { type: 'temperature', temperature: 0.8 }]
 *   .map(createLogitsProcessor);
 */
export function createLogitsProcessor(config: LogitsProcessorConfig): LogitsProcessor {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    check.invalid(
      WHERE,
      'config',
      config,
      'must be an object { type, … }',
      "Pass e.g. { type: 'topK', k: 5 }.",
    );
  }
  switch (config.type) {
    case 'temperature':
      return temperatureProcessor(fields(config, 'temperature').temperature);
    case 'topK':
      return topKProcessor(fields(config, 'k').k);
    case 'topP':
      return topPProcessor(fields(config, 'p').p);
    case 'minP':
      return minPProcessor(fields(config, 'p').p);
    case 'repetitionPenalty':
      return repetitionPenaltyProcessor(fields(config, 'penalty').penalty);
    case 'noRepeatNgram':
      return noRepeatNgramProcessor(fields(config, 'size').size);
    case 'bannedTokens':
      return bannedTokensProcessor(fields(config, 'ids').ids);
    case 'allowedTokens':
      return allowedTokensProcessor(fields(config, 'ids').ids);
    default: {
      const exhaustive: never = config;
      check.oneOf(WHERE, 'type', (exhaustive as { type?: unknown }).type, LOGITS_PROCESSOR_TYPES); // throws: no known type reaches here
      return exhaustive;
    }
  }
}

/** A processor of a pipeline, with the label its errors name it by. */
export interface PipelineStage {
  readonly processor: LogitsProcessor;
  /** e.g. `processors[1] 'shorten'`, or `the built-in topK (option topK: 5)`. */
  readonly label: string;
}

/** `processors[i]`, with the function's name when it has one. */
export function processorLabel(index: number, processor: unknown): string {
  const name = typeof processor === 'function' ? processor.name : '';
  return name === '' ? `processors[${index}]` : `processors[${index}] '${name}'`;
}

/**
 * What a processor returned, checked: a `Float32Array` (or an array of numbers, copied into
 * one) of `length` logits, each finite or `-Infinity`. A row of the wrong length would be
 * sampled as if it were right (ids off by the missing entries, or beyond the vocabulary);
 * NaN or `+Infinity` would be blamed on the model by the sampler.
 */
function checkProcessed(where: string, label: string, out: unknown, length: number): Float32Array {
  const fix = 'A processor must return a new Float32Array of the same length, masking tokens with -Infinity.';
  if (!Array.isArray(out) && !(ArrayBuffer.isView(out) && !(out instanceof DataView))) {
    fail(
      'SAMPLING_INVALID_INPUT',
      `${where}: logits processor ${label} returned ${describeValue(out)}; expected a Float32Array of ${length} logits. ${fix}`,
    );
  }
  const row = out as ArrayLike<unknown>;
  if (row.length !== length) {
    fail(
      'SAMPLING_INVALID_INPUT',
      `${where}: logits processor ${label} returned ${row.length} logits; expected ${length} (the vocabulary size). ${fix}`,
    );
  }
  const logits = out instanceof Float32Array ? out : new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const value = row[i];
    // One comparison rejects NaN and +Infinity (and, through the type check, non-numbers).
    if (typeof value !== 'number' || !(value < Number.POSITIVE_INFINITY)) {
      fail(
        'SAMPLING_INVALID_INPUT',
        `${where}: logits processor ${label} returned ${describeValue(value)} at index ${i}; logits must be ` +
          `finite numbers or -Infinity (masked). ${fix}`,
      );
    }
    if (logits !== out) logits[i] = value;
  }
  return logits;
}

/**
 * Runs `processors` in order on one row, checking what each returns: the wrong length, a
 * non-array, or NaN/`+Infinity`/non-numbers are a `SAMPLING_INVALID_INPUT` naming the processor
 * (its label, or `processors[i]` and its function name), the length expected and received.
 */
export function applyProcessors(
  processors: readonly (LogitsProcessor | PipelineStage)[],
  logits: Float32Array,
  context: LogitsProcessorContext,
  where = 'applyProcessors',
): Float32Array {
  let current = logits;
  for (let i = 0; i < processors.length; i++) {
    const stage = processors[i]!;
    const processor = typeof stage === 'function' ? stage : stage.processor;
    const out = processor(current, context);
    current = checkProcessed(
      where,
      typeof stage === 'function' ? processorLabel(i, stage) : stage.label,
      out,
      logits.length,
    );
  }
  return current;
}
