import {
  checkModel,
  feedPrompt,
  resolveDecoder,
  resolvePrompt,
  resolveSignal,
  stepAndRead,
  throwIfAborted,
} from './generate.js';
import { applyProcessors } from './logits-processors.js';
import { logSoftmax } from './softmax.js';
import { topIndices } from './top-indices.js';
import type { LogitsProcessor, StepModel, TokenDecoder } from './types.js';
import {
  checkIdList,
  checkInteger,
  checkNumber,
  checkOptionsObject,
  fail,
  invalidOption,
} from './validate.js';

/** When beam search stops before `maxLength` (HF's `early_stopping`). */
export type EarlyStopping = boolean | 'never';

/** Options of {@link beamSearch}. */
export interface BeamSearchOptions {
  /** The text (needs `decoder.encode`) or token ids to continue; at least one token. */
  readonly prompt: string | ArrayLike<number>;
  /**
   * Beams kept per step; 1 is greedy decoding.
   * @default 4
   */
  readonly beamWidth?: number;
  /**
   * New tokens per hypothesis at most (prompt excluded, unlike HF's `max_length`).
   * @default 50
   */
  readonly maxLength?: number;
  /**
   * Exponent of the length normalisation: a hypothesis scores `Σ log p / length^lengthPenalty`,
   * `length` = its generated tokens including the EOS token (HF counts them without it). `> 0`
   * favours longer sequences, `< 0` shorter ones, `0` compares raw log-probabilities.
   * @default 1
   */
  readonly lengthPenalty?: number;
  /**
   * Token id that ends a hypothesis. `null`: every hypothesis runs to `maxLength`.
   * @default null
   */
  readonly eosId?: number | null;
  /**
   * `true`: stop as soon as `beamWidth` hypotheses have ended. `false`: also stop when the best
   * running beam, at its current length, cannot beat the worst of those (HF's heuristic).
   * `'never'`: stop only when no running beam can beat them at any length up to `maxLength` —
   * the exact criterion.
   * @default false
   */
  readonly earlyStopping?: EarlyStopping;
  /**
   * Hypotheses to return, best first; at most `beamWidth`.
   * @default 1
   */
  readonly numReturnSequences?: number;
  /**
   * Logits processors applied to each beam's logits before the log-softmax (e.g.
   * `noRepeatNgramProcessor(3)`, `bannedTokensProcessor([pad])`).
   * @default []
   */
  readonly processors?: readonly LogitsProcessor[];
  /**
   * Turns ids into text (`text` of each hypothesis) and string prompts into ids. `null`: ids only.
   * @default null
   */
  readonly decoder?: TokenDecoder | null;
  /**
   * Cancels the search: the promise rejects with `SAMPLING_ABORTED`.
   * @default null
   */
  readonly signal?: AbortSignal | null;
}

/** {@link BeamSearchOptions} validated, with every default filled in and the prompt as ids. */
export interface ResolvedBeamSearchOptions {
  readonly promptIds: readonly number[];
  readonly beamWidth: number;
  readonly maxLength: number;
  readonly lengthPenalty: number;
  readonly eosId: number | null;
  readonly earlyStopping: EarlyStopping;
  readonly numReturnSequences: number;
  readonly processors: readonly LogitsProcessor[];
  readonly decoder: TokenDecoder | null;
  readonly signal: AbortSignal | null;
}

/** The documented defaults of the optional {@link BeamSearchOptions} fields. */
export const DEFAULT_BEAM_SEARCH_OPTIONS = Object.freeze({
  beamWidth: 4,
  maxLength: 50,
  lengthPenalty: 1,
  eosId: null,
  earlyStopping: false,
  numReturnSequences: 1,
  processors: Object.freeze([]) as readonly LogitsProcessor[],
  decoder: null,
  signal: null,
} as const);

const WHERE = 'beamSearch';

/**
 * Validates {@link BeamSearchOptions} against a vocabulary size and fills in the defaults.
 *
 * @throws SamplingError `SAMPLING_INVALID_OPTION` for unknown keys, values of the wrong type or
 *   range, `numReturnSequences > beamWidth`, an `eosId` outside the vocabulary, or a bad prompt.
 * @example
 * resolveBeamSearchOptions({ prompt: [1] }, 90).beamWidth; // 4
 */
export function resolveBeamSearchOptions(
  options: BeamSearchOptions,
  vocabularySize: number,
): ResolvedBeamSearchOptions {
  checkOptionsObject(WHERE, options, ['prompt', ...Object.keys(DEFAULT_BEAM_SEARCH_OPTIONS)]);
  const merged = { ...DEFAULT_BEAM_SEARCH_OPTIONS } as Record<string, unknown>;
  for (const [key, value] of Object.entries(options)) if (value !== undefined) merged[key] = value;
  const decoder = resolveDecoder(WHERE, merged['decoder']);
  const beamWidth = checkInteger(WHERE, 'beamWidth', merged['beamWidth'], 1);
  const numReturnSequences = checkInteger(WHERE, 'numReturnSequences', merged['numReturnSequences'], 1);
  if (numReturnSequences > beamWidth) {
    invalidOption(
      WHERE,
      'numReturnSequences',
      numReturnSequences,
      `must be at most beamWidth (${beamWidth})`,
      'Raise beamWidth or ask for fewer sequences.',
    );
  }
  const earlyStopping = merged['earlyStopping'];
  if (earlyStopping !== true && earlyStopping !== false && earlyStopping !== 'never') {
    invalidOption(
      WHERE,
      'earlyStopping',
      earlyStopping,
      "must be true, false or 'never'",
      'See the option docs.',
    );
  }
  const processors = merged['processors'];
  if (!Array.isArray(processors) || processors.some((p) => typeof p !== 'function')) {
    invalidOption(
      WHERE,
      'processors',
      processors,
      'must be an array of functions',
      'Pass e.g. [noRepeatNgramProcessor(3)].',
    );
  }
  const eosId =
    merged['eosId'] === null ? null : checkIdList(WHERE, 'eosId', [merged['eosId']], vocabularySize)[0]!;
  return {
    promptIds: resolvePrompt(WHERE, merged['prompt'], decoder, vocabularySize),
    beamWidth,
    maxLength: checkInteger(WHERE, 'maxLength', merged['maxLength'], 1),
    lengthPenalty: checkNumber(WHERE, 'lengthPenalty', merged['lengthPenalty'], {
      min: Number.NEGATIVE_INFINITY,
      minInclusive: false,
      max: Number.POSITIVE_INFINITY,
    }),
    eosId,
    earlyStopping,
    numReturnSequences,
    processors: processors as LogitsProcessor[],
    decoder,
    signal: resolveSignal(WHERE, merged['signal']),
  };
}

/** One hypothesis of {@link beamSearch}. Plain data, owned by the caller. */
export interface BeamHypothesis {
  /** Generated ids, prompt excluded, EOS included when it ended on EOS. */
  readonly ids: number[];
  /** `decoder.decode(ids)`, or `null` without a decoder. */
  readonly text: string | null;
  /** `logProbability / ids.length^lengthPenalty`, what hypotheses are ranked by. */
  readonly score: number;
  /** Σ of the natural-log probabilities of the ids (after the processors). */
  readonly logProbability: number;
  /** Whether it ended on `eosId` (else it reached `maxLength`). */
  readonly finished: boolean;
}

/** What {@link beamSearch} returns. Plain data, owned by the caller. */
export interface BeamSearchResult {
  /** `numReturnSequences` hypotheses, best score first. */
  readonly sequences: BeamHypothesis[];
  /** The best hypothesis' ids. */
  readonly ids: number[];
  /** The best hypothesis' text, or `null` without a decoder. */
  readonly text: string | null;
  /** The prompt as ids. */
  readonly promptIds: number[];
  /** `model.step` calls made (prompt tokens + search steps). */
  readonly steps: number;
}

interface Beam {
  readonly ids: number[];
  readonly logProbability: number;
}

interface Finished extends Beam {
  readonly score: number;
  readonly finished: boolean;
}

/**
 * Beam search over a {@link StepModel}: keeps the `beamWidth` best partial hypotheses by
 * summed log-probability and runs all of them as one batch — one `step` call per time step —
 * reordering the state by parent beam with `gatherState`. Per step it considers the
 * `2 × beamWidth` best (beam, token) extensions; an extension by `eosId` ranked within the
 * first `beamWidth` becomes a finished hypothesis scored `Σ log p / length^lengthPenalty`
 * (HF's length penalty; see {@link BeamSearchOptions.lengthPenalty}), the others continue.
 * At `maxLength` the running beams are scored the same way; the best `numReturnSequences`
 * of all finished hypotheses (at most `beamWidth` are kept) are returned. Deterministic: ties
 * go to the lower beam, then the lower token id.
 *
 * Tensors: logits and states are created and freed here, nothing is left behind, on success,
 * error or abort. Only plain numbers and strings are returned.
 *
 * @throws SamplingError `SAMPLING_INVALID_OPTION` (see {@link resolveBeamSearchOptions}),
 *   `SAMPLING_INVALID_INPUT` for a model returning logits of the wrong shape, NaN, or a fully
 *   masked row, `SAMPLING_ABORTED` when `signal` aborts.
 * @example
 * const { text, sequences } = await beamSearch(toStepModel(model), {
 *   prompt: 'The ', decoder: vocab, beamWidth: 5, maxLength: 40, numReturnSequences: 3,
 * });
 */
export async function beamSearch<State>(
  model: StepModel<State>,
  options: BeamSearchOptions,
): Promise<BeamSearchResult> {
  checkModel(WHERE, model);
  const resolved = resolveBeamSearchOptions(options, model.vocabularySize);
  const { promptIds, beamWidth, maxLength, lengthPenalty, eosId, earlyStopping, processors, signal } =
    resolved;
  const vocab = model.vocabularySize;
  const normalise = (logProbability: number, length: number) => logProbability / length ** lengthPenalty;
  const finished: Finished[] = [];
  const addFinished = (beam: Beam, ended: boolean) => {
    finished.push({ ...beam, score: normalise(beam.logProbability, beam.ids.length), finished: ended });
    finished.sort((a, b) => b.score - a.score);
    if (finished.length > beamWidth) finished.pop();
  };
  const isDone = (bestRunning: number, length: number): boolean => {
    if (finished.length < beamWidth) return false;
    if (earlyStopping === true) return true;
    const worst = finished.at(-1)!.score;
    const boundLength = earlyStopping === 'never' && lengthPenalty > 0 ? maxLength : length;
    return worst >= normalise(bestRunning, boundLength);
  };

  throwIfAborted(signal);
  const prompt = await feedPrompt(model, promptIds, signal);
  let steps = prompt.steps;
  let state = prompt.state;
  let logits = prompt.logits;
  let beams: Beam[] = [{ ids: [], logProbability: 0 }];
  try {
    for (let t = 0; t < maxLength; t++) {
      throwIfAborted(signal);
      const totals = new Float64Array(beams.length * vocab);
      beams.forEach((beam, b) => {
        const rowLogits = logits.subarray(b * vocab, (b + 1) * vocab);
        const processed = applyProcessors(processors, rowLogits, {
          ids: [...promptIds, ...beam.ids],
          promptLength: promptIds.length,
        });
        const logProbabilities = logSoftmax(processed);
        for (let v = 0; v < vocab; v++) totals[b * vocab + v] = beam.logProbability + logProbabilities[v]!;
      });
      const next: Beam[] = [];
      const parents: number[] = [];
      const candidates = topIndices(totals, 2 * beamWidth);
      for (let rank = 0; rank < candidates.length && next.length < beamWidth; rank++) {
        const candidate = candidates[rank]!;
        const parent = Math.floor(candidate / vocab);
        const token = candidate - parent * vocab;
        const beam = { ids: [...beams[parent]!.ids, token], logProbability: totals[candidate]! };
        if (token === eosId) {
          if (rank < beamWidth) addFinished(beam, true);
        } else {
          next.push(beam);
          parents.push(parent);
        }
      }
      if (t === maxLength - 1) {
        for (const beam of next) addFinished(beam, false);
        break;
      }
      if (next.length === 0 || isDone(next[0]!.logProbability, t + 1)) break;
      const gathered = model.gatherState(state, Int32Array.from(parents));
      model.disposeState(state);
      state = gathered;
      beams = next;
      throwIfAborted(signal);
      const stepped = await stepAndRead(
        model,
        Int32Array.from(next, (beam) => beam.ids.at(-1)!),
        state,
      );
      steps += 1;
      if (stepped.state !== state) model.disposeState(state);
      state = stepped.state;
      logits = stepped.logits;
    }
  } finally {
    model.disposeState(state);
  }
  if (finished.length === 0) {
    fail(
      'SAMPLING_INVALID_INPUT',
      'beamSearch: no hypothesis survived; the processors masked every continuation.',
    );
  }
  const sequences = finished.slice(0, resolved.numReturnSequences).map((hypothesis) => ({
    ids: hypothesis.ids,
    text: resolved.decoder === null ? null : resolved.decoder.decode(hypothesis.ids),
    score: hypothesis.score,
    logProbability: hypothesis.logProbability,
    finished: hypothesis.finished,
  }));
  return { sequences, ids: sequences[0]!.ids, text: sequences[0]!.text, promptIds: [...promptIds], steps };
}
