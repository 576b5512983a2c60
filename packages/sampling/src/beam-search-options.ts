import { type ResolvedStop, resolveDecoder, resolvePrompt, resolveStop } from './prompt.js';
import type { LogitsProcessor, TokenDecoder } from './types.js';
import { check, checkBatchSize, checkFunctionList } from './validate.js';

/** When beam search stops before `maxNewTokens` (HF's `early_stopping`). */
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
   * New tokens per hypothesis at most, prompt excluded (as `generate`'s; HF's `max_length`
   * counts the prompt too).
   * @default 50
   */
  readonly maxNewTokens?: number;
  /**
   * Exponent of the length normalisation: a hypothesis scores `Σ log p / length^lengthPenalty`,
   * `length` = its generated tokens including the stop token (HF counts them without it). `> 0`
   * favours longer sequences, `< 0` shorter ones, `0` compares raw log-probabilities.
   * @default 1
   */
  readonly lengthPenalty?: number;
  /**
   * Token ids that end a hypothesis (e.g. `[eosId]`); the stop token is kept in its `ids`.
   * Ids only: beam search takes no stop strings (use `generate` for those). `[]`: every
   * hypothesis runs to `maxNewTokens`.
   * @default []
   */
  readonly stop?: readonly number[];
  /**
   * `true`: stop as soon as `beamWidth` hypotheses have ended. `false`: also stop when the best
   * running beam, at its current length, cannot beat the worst of those (HF's heuristic).
   * `'never'`: stop only when no running beam can beat them at any length up to `maxNewTokens`
   * — the exact criterion.
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

/** The documented defaults of the optional {@link BeamSearchOptions} fields. */
export const DEFAULT_BEAM_SEARCH_OPTIONS: Readonly<Required<Omit<BeamSearchOptions, 'prompt'>>> =
  Object.freeze({
    beamWidth: 4,
    maxNewTokens: 50,
    lengthPenalty: 1,
    stop: Object.freeze([]),
    earlyStopping: false,
    numReturnSequences: 1,
    processors: Object.freeze([]),
    decoder: null,
    signal: null,
  });

/** {@link BeamSearchOptions} validated, with every default filled in and the prompt as ids. */
export interface ResolvedBeamSearchOptions {
  readonly promptIds: readonly number[];
  readonly beamWidth: number;
  readonly maxNewTokens: number;
  readonly lengthPenalty: number;
  readonly stop: ResolvedStop;
  readonly earlyStopping: EarlyStopping;
  readonly numReturnSequences: number;
  readonly processors: readonly LogitsProcessor[];
  readonly decoder: TokenDecoder | null;
  readonly signal: AbortSignal | null;
}

const WHERE = 'beamSearch';

/**
 * Validates {@link BeamSearchOptions} against a vocabulary size and fills in the defaults.
 * Internal: the resolved shape is not API.
 *
 * @throws SamplingError `SAMPLING_INVALID_OPTION` for unknown keys (naming the closest known
 *   one, and `maxNewTokens`/`stop` for the old `maxLength`/`eosId`), values of the wrong type
 *   or range, `numReturnSequences > beamWidth`, a stop id outside the vocabulary, a stop
 *   string, or a bad prompt.
 */
export function resolveBeamSearchOptions(
  options: BeamSearchOptions,
  vocabularySize: number,
): ResolvedBeamSearchOptions {
  const merged = check.withDefaults(WHERE, options, DEFAULT_BEAM_SEARCH_OPTIONS, ['prompt']);
  const decoder = resolveDecoder(WHERE, merged.decoder);
  const beamWidth = checkBatchSize(WHERE, 'beamWidth', merged.beamWidth, vocabularySize);
  const numReturnSequences = check.integer(WHERE, 'numReturnSequences', merged.numReturnSequences, {
    min: 1,
  });
  if (numReturnSequences > beamWidth) {
    check.invalid(
      WHERE,
      'numReturnSequences',
      numReturnSequences,
      `must be at most beamWidth (${beamWidth})`,
      'Raise beamWidth or ask for fewer sequences.',
    );
  }
  return {
    promptIds: resolvePrompt(WHERE, merged.prompt, decoder, vocabularySize),
    beamWidth,
    maxNewTokens: check.integer(WHERE, 'maxNewTokens', merged.maxNewTokens, { min: 1 }),
    lengthPenalty: check.number(WHERE, 'lengthPenalty', merged.lengthPenalty),
    stop: resolveStop(WHERE, merged.stop, decoder, vocabularySize, false),
    earlyStopping: check.oneOf<EarlyStopping>(WHERE, 'earlyStopping', merged.earlyStopping, [
      true,
      false,
      'never',
    ]),
    numReturnSequences,
    processors: checkFunctionList<LogitsProcessor>(WHERE, 'processors', merged.processors),
    decoder,
    signal: check.signal(WHERE, 'signal', merged.signal),
  };
}
