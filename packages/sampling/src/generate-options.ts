import {
  createLogitsProcessor,
  type LogitsProcessorConfig,
  type PipelineStage,
  processorLabel,
} from './logits-processors.js';
import { type ResolvedStop, resolveDecoder, resolvePrompt, resolveStop } from './prompt.js';
import { greedySampler, multinomialSampler } from './samplers.js';
import type {
  LogitsProcessor,
  Sampler,
  StoppingCriterion,
  Streamer,
  TokenDecoder,
  TokenEvent,
} from './types.js';
import { check, checkBatchSize, checkFunctionList, checkIdList, checkNullableFunction } from './validate.js';

/**
 * Options of {@link generate} and {@link stream}. Built-in processors run in this order:
 * `repetitionPenalty`, `noRepeatNgramSize`, `bannedIds`, `allowedIds`, your `processors`, then
 * the warpers `temperature`, `topK`, `topP`, `minP` (HF's order); then the sampler picks.
 */
export interface GenerateOptions {
  /**
   * The text (encoded with `decoder.encode`) or token ids to continue; at least one token
   * (prepend a BOS id if your model has one). Fed once, one `step` per token.
   */
  readonly prompt: string | ArrayLike<number>;
  /**
   * Tokens to generate per row at most, prompt excluded (stop conditions may end a row earlier).
   * @default 100
   */
  readonly maxNewTokens?: number;
  /**
   * Turns ids into text (`result.text`, `TokenEvent.text`, stop strings) and string prompts
   * into ids; any `@rnnkit/tokenize` vocabulary or tokenizer works. `null`: ids only.
   * @default null
   */
  readonly decoder?: TokenDecoder | null;
  /**
   * Stop a row when it generates one of these token ids, or when its decoded text contains
   * one of these strings (needs `decoder`). The stopping token is kept in `ids` and `text`.
   * @default []
   */
  readonly stop?: readonly (number | string)[];
  /**
   * Softmax temperature, a finite number ≥ 0. `0` is greedy decoding (argmax, no randomness;
   * `topK`/`topP`/`minP` are then moot and skipped).
   * @default 1
   */
  readonly temperature?: number;
  /**
   * Sample only among the k most likely tokens. `null`: off.
   * @default null
   */
  readonly topK?: number | null;
  /**
   * Nucleus sampling: only the most likely tokens whose mass reaches `topP`. `1`: off.
   * @default 1
   */
  readonly topP?: number;
  /**
   * Drop tokens below `minP` × the top probability. `0`: off.
   * @default 0
   */
  readonly minP?: number;
  /**
   * CTRL/HF repetition penalty over prompt and generated ids (> 1 discourages repeats). `1`: off.
   * @default 1
   */
  readonly repetitionPenalty?: number;
  /**
   * Never repeat an n-gram of this size (prompt included). `0`: off.
   * @default 0
   */
  readonly noRepeatNgramSize?: number;
  /**
   * Token ids never to generate (e.g. padding, OOV).
   * @default []
   */
  readonly bannedIds?: readonly number[];
  /**
   * Only these token ids may be generated. `null`: all.
   * @default null
   */
  readonly allowedIds?: readonly number[] | null;
  /**
   * Your own processors, run after the built-in masks and before the warpers.
   * @default []
   */
  readonly processors?: readonly LogitsProcessor[];
  /**
   * A custom sampler. `null`: multinomial, or greedy when `temperature` is 0.
   * @default null
   */
  readonly sampler?: Sampler | null;
  /**
   * Extra stop conditions, checked after each token of each row.
   * @default []
   */
  readonly stoppingCriteria?: readonly StoppingCriterion[];
  /**
   * Seed of the sampling random source (core's `SeededRandom`), any safe integer: same seed,
   * model and options → same ids.
   * @default 0
   */
  readonly seed?: number;
  /**
   * Rows generated in parallel from the same prompt (one `step` call per time step for all
   * rows; the prompt is fed once and the state expanded with `gatherState`).
   * @default 1
   */
  readonly batchSize?: number;
  /**
   * Cancels generation: the promise rejects (or the iterator throws) with `SAMPLING_ABORTED`.
   * @default null
   */
  readonly signal?: AbortSignal | null;
  /**
   * Called with each token as it is generated.
   * @default null
   */
  readonly onToken?: ((token: TokenEvent) => void) | null;
  /**
   * Receives each token (`put`) and the end of generation (`end`).
   * @default null
   */
  readonly streamer?: Streamer | null;
}

/** The documented defaults of the optional {@link GenerateOptions} fields. */
export const DEFAULT_GENERATE_OPTIONS: Readonly<Required<Omit<GenerateOptions, 'prompt'>>> = Object.freeze({
  maxNewTokens: 100,
  decoder: null,
  stop: Object.freeze([]),
  temperature: 1,
  topK: null,
  topP: 1,
  minP: 0,
  repetitionPenalty: 1,
  noRepeatNgramSize: 0,
  bannedIds: Object.freeze([]),
  allowedIds: null,
  processors: Object.freeze([]),
  sampler: null,
  stoppingCriteria: Object.freeze([]),
  seed: 0,
  batchSize: 1,
  signal: null,
  onToken: null,
  streamer: null,
});

/** {@link GenerateOptions} validated, with every default filled in, the prompt as ids and the pipeline built. */
export interface ResolvedGenerateOptions {
  /** The public function, for messages (`generate` or `stream`). */
  readonly where: string;
  readonly promptIds: readonly number[];
  readonly maxNewTokens: number;
  readonly decoder: TokenDecoder | null;
  readonly stop: ResolvedStop;
  readonly stoppingCriteria: readonly StoppingCriterion[];
  readonly seed: number;
  readonly batchSize: number;
  readonly signal: AbortSignal | null;
  readonly onToken: ((token: TokenEvent) => void) | null;
  readonly streamer: Streamer | null;
  /** The whole pipeline: built-ins and `processors` in order, each labelled for errors. */
  readonly pipeline: readonly PipelineStage[];
  /** The sampler actually used. */
  readonly sampler: Sampler;
}

/** The sampling settings that become the processor pipeline. */
interface PipelineSettings {
  readonly temperature: number;
  readonly topK: number | null;
  readonly topP: number;
  readonly minP: number;
  readonly repetitionPenalty: number;
  readonly noRepeatNgramSize: number;
  readonly bannedIds: readonly number[];
  readonly allowedIds: readonly number[] | null;
  readonly processors: readonly LogitsProcessor[];
}

/** A built-in stage, labelled by the option that switched it on. */
function builtIn(config: LogitsProcessorConfig, option: string): PipelineStage {
  return {
    processor: createLogitsProcessor(config),
    label: `the built-in ${config.type} (option ${option})`,
  };
}

/** The built-in processors that are switched on, and `processors`, in HF's order. */
function buildPipeline(settings: PipelineSettings): PipelineStage[] {
  const { temperature, topK, topP, minP, repetitionPenalty, noRepeatNgramSize } = settings;
  const masks: PipelineStage[] = [];
  if (repetitionPenalty !== 1) {
    masks.push(builtIn({ type: 'repetitionPenalty', penalty: repetitionPenalty }, 'repetitionPenalty'));
  }
  if (noRepeatNgramSize > 0) {
    masks.push(builtIn({ type: 'noRepeatNgram', size: noRepeatNgramSize }, 'noRepeatNgramSize'));
  }
  if (settings.bannedIds.length > 0)
    masks.push(builtIn({ type: 'bannedTokens', ids: settings.bannedIds }, 'bannedIds'));
  if (settings.allowedIds !== null) {
    masks.push(builtIn({ type: 'allowedTokens', ids: settings.allowedIds }, 'allowedIds'));
  }
  const warpers: PipelineStage[] = [];
  if (temperature > 0) {
    if (temperature !== 1) warpers.push(builtIn({ type: 'temperature', temperature }, 'temperature'));
    if (topK !== null) warpers.push(builtIn({ type: 'topK', k: topK }, 'topK'));
    if (topP < 1) warpers.push(builtIn({ type: 'topP', p: topP }, 'topP'));
    if (minP > 0) warpers.push(builtIn({ type: 'minP', p: minP }, 'minP'));
  }
  const custom = settings.processors.map((processor, i) => ({
    processor,
    label: processorLabel(i, processor),
  }));
  return [...masks, ...custom, ...warpers];
}

/** Validates the fields that shape the pipeline. */
function resolvePipelineSettings(
  where: string,
  merged: Required<Omit<GenerateOptions, 'prompt'>>,
  vocabularySize: number,
): PipelineSettings {
  const allowedIds =
    merged.allowedIds === null ? null : checkIdList(where, 'allowedIds', merged.allowedIds, vocabularySize);
  if (allowedIds?.length === 0) {
    check.invalid(where, 'allowedIds', allowedIds, 'must not be empty', 'Pass null to allow every token.');
  }
  return {
    temperature: check.number(where, 'temperature', merged.temperature, { min: 0 }),
    topK: merged.topK === null ? null : check.integer(where, 'topK', merged.topK, { min: 1 }),
    topP: check.number(where, 'topP', merged.topP, { min: 0, minExclusive: true, max: 1 }),
    minP: check.number(where, 'minP', merged.minP, { min: 0, max: 1 }),
    repetitionPenalty: check.number(where, 'repetitionPenalty', merged.repetitionPenalty, {
      min: 0,
      minExclusive: true,
    }),
    noRepeatNgramSize: check.integer(where, 'noRepeatNgramSize', merged.noRepeatNgramSize, { min: 0 }),
    bannedIds: checkIdList(where, 'bannedIds', merged.bannedIds, vocabularySize),
    allowedIds,
    processors: checkFunctionList<LogitsProcessor>(where, 'processors', merged.processors),
  };
}

function checkStreamer(where: string, streamer: unknown): Streamer | null {
  const candidate = streamer as Partial<Streamer> | null;
  if (
    candidate !== null &&
    (typeof candidate !== 'object' ||
      typeof candidate.put !== 'function' ||
      typeof candidate.end !== 'function')
  ) {
    check.invalid(where, 'streamer', streamer, 'must have put() and end(), or be null', 'Pass { put, end }.');
  }
  return candidate as Streamer | null;
}

/**
 * Validates {@link GenerateOptions} against a model's vocabulary size, fills in the
 * defaults of {@link DEFAULT_GENERATE_OPTIONS}, encodes the prompt and builds the pipeline.
 * Internal: the resolved shape is not API.
 *
 * @throws SamplingError `SAMPLING_INVALID_OPTION` for unknown keys (naming the closest known
 *   one), values of the wrong type or range, ids outside `0 … vocabularySize-1`, an empty
 *   prompt, or a string prompt or stop string without a decoder.
 */
export function resolveGenerateOptions(
  options: GenerateOptions,
  vocabularySize: number,
  where = 'generate',
): ResolvedGenerateOptions {
  const merged = check.withDefaults(where, options, DEFAULT_GENERATE_OPTIONS, ['prompt']);
  const decoder = resolveDecoder(where, merged.decoder);
  const promptIds = resolvePrompt(where, merged.prompt, decoder, vocabularySize);
  const stop = resolveStop(where, merged.stop, decoder, vocabularySize, true);
  const settings = resolvePipelineSettings(where, merged, vocabularySize);
  const custom = checkNullableFunction<Sampler>(where, 'sampler', merged.sampler);
  if (custom !== null && settings.temperature === 0) {
    check.invalid(
      where,
      'temperature',
      settings.temperature,
      'of 0 means greedy decoding, which conflicts with a custom sampler',
      'Pass a temperature > 0 with your sampler, or drop the sampler.',
    );
  }
  return {
    where,
    promptIds,
    maxNewTokens: check.integer(where, 'maxNewTokens', merged.maxNewTokens, { min: 1 }),
    decoder,
    stop,
    stoppingCriteria: checkFunctionList<StoppingCriterion>(
      where,
      'stoppingCriteria',
      merged.stoppingCriteria,
    ),
    seed: check.integer(where, 'seed', merged.seed),
    batchSize: checkBatchSize(where, 'batchSize', merged.batchSize, vocabularySize),
    signal: check.signal(where, 'signal', merged.signal),
    onToken: checkNullableFunction<(token: TokenEvent) => void>(where, 'onToken', merged.onToken),
    streamer: checkStreamer(where, merged.streamer),
    pipeline: buildPipeline(settings),
    sampler: custom ?? (settings.temperature === 0 ? greedySampler : multinomialSampler),
  };
}
