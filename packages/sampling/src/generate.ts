import type * as tf from '@tensorflow/tfjs-core';
import { SamplingError } from './errors.js';
import {
  allowedTokensProcessor,
  applyProcessors,
  bannedTokensProcessor,
  minPProcessor,
  noRepeatNgramProcessor,
  repetitionPenaltyProcessor,
  temperatureProcessor,
  topKProcessor,
  topPProcessor,
} from './logits-processors.js';
import { SeededRandom } from './random.js';
import { greedySampler, multinomialSampler } from './samplers.js';
import type {
  LogitsProcessor,
  Sampler,
  StepModel,
  StoppingCriterion,
  StopReason,
  Streamer,
  TokenDecoder,
  TokenEvent,
} from './types.js';
import {
  checkIdList,
  checkInteger,
  checkNumber,
  checkOptionsObject,
  describeValue,
  fail,
  invalidOption,
} from './validate.js';

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
   * Tokens to generate per row at most (stop conditions may end a row earlier).
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
   * Seed of the sampling random source: same seed, model and options → same ids.
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

/** {@link GenerateOptions} validated, with every default filled in and the prompt as ids. */
export interface ResolvedGenerateOptions {
  readonly promptIds: readonly number[];
  readonly maxNewTokens: number;
  readonly decoder: TokenDecoder | null;
  readonly stopIds: ReadonlySet<number>;
  readonly stopStrings: readonly string[];
  readonly temperature: number;
  readonly topK: number | null;
  readonly topP: number;
  readonly minP: number;
  readonly repetitionPenalty: number;
  readonly noRepeatNgramSize: number;
  readonly bannedIds: readonly number[];
  readonly allowedIds: readonly number[] | null;
  readonly processors: readonly LogitsProcessor[];
  readonly sampler: Sampler | null;
  readonly stoppingCriteria: readonly StoppingCriterion[];
  readonly seed: number;
  readonly batchSize: number;
  readonly signal: AbortSignal | null;
  readonly onToken: ((token: TokenEvent) => void) | null;
  readonly streamer: Streamer | null;
  /** The whole pipeline: built-ins and `processors` in order. */
  readonly pipeline: readonly LogitsProcessor[];
  /** The sampler actually used. */
  readonly resolvedSampler: Sampler;
}

/** The documented defaults of the optional {@link GenerateOptions} fields. */
export const DEFAULT_GENERATE_OPTIONS = Object.freeze({
  maxNewTokens: 100,
  decoder: null,
  stop: Object.freeze([]) as readonly (number | string)[],
  temperature: 1,
  topK: null,
  topP: 1,
  minP: 0,
  repetitionPenalty: 1,
  noRepeatNgramSize: 0,
  bannedIds: Object.freeze([]) as readonly number[],
  allowedIds: null,
  processors: Object.freeze([]) as readonly LogitsProcessor[],
  sampler: null,
  stoppingCriteria: Object.freeze([]) as readonly StoppingCriterion[],
  seed: 0,
  batchSize: 1,
  signal: null,
  onToken: null,
  streamer: null,
} as const);

const OPTION_KEYS = ['prompt', ...Object.keys(DEFAULT_GENERATE_OPTIONS)];

function checkFunctionList<T>(where: string, name: string, value: unknown): readonly T[] {
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'function')) {
    invalidOption(where, name, value, 'must be an array of functions', 'Pass an array, e.g. [myProcessor].');
  }
  return value as T[];
}

function checkNullableFunction<T>(where: string, name: string, value: unknown): T | null {
  if (value !== null && typeof value !== 'function') {
    invalidOption(where, name, value, 'must be a function or null', 'Pass a function, or null.');
  }
  return value as T | null;
}

/**
 * The prompt as token ids: a string is encoded with `decoder.encode`, ids are checked.
 * @internal shared with beam search.
 */
export function resolvePrompt(
  where: string,
  prompt: unknown,
  decoder: TokenDecoder | null,
  vocabularySize: number,
): number[] {
  let ids: unknown = prompt;
  if (typeof prompt === 'string') {
    if (decoder?.encode === undefined) {
      invalidOption(
        where,
        'prompt',
        prompt,
        'is a string but no decoder with encode() was given',
        'Pass decoder (e.g. a CharVocabulary), or the prompt as token ids.',
      );
    }
    ids = decoder.encode(prompt);
  }
  const promptIds = checkIdList(where, 'prompt', ids, vocabularySize);
  if (promptIds.length === 0) {
    invalidOption(
      where,
      'prompt',
      prompt,
      'must hold at least one token (the model needs an input to predict from)',
      'Pass some text, or a start/BOS token id.',
    );
  }
  return promptIds;
}

/** The decoder option: `null` or an object with `decode()` (and optionally `encode()`). @internal */
export function resolveDecoder(where: string, value: unknown): TokenDecoder | null {
  if (value === null) return null;
  if (typeof value !== 'object' || typeof (value as TokenDecoder).decode !== 'function') {
    invalidOption(
      where,
      'decoder',
      value,
      'must be an object with decode(ids) (and encode(text) for string prompts), or null',
      'Pass a @rnnkit/tokenize CharVocabulary or Tokenizer.',
    );
  }
  return value as TokenDecoder;
}

/** Checks a signal option. @internal */
export function resolveSignal(where: string, value: unknown): AbortSignal | null {
  if (value !== null && (typeof value !== 'object' || typeof (value as AbortSignal).aborted !== 'boolean')) {
    invalidOption(where, 'signal', value, 'must be an AbortSignal or null', 'Pass controller.signal.');
  }
  return value as AbortSignal | null;
}

/**
 * Validates {@link GenerateOptions} against a model's vocabulary size, fills in the
 * defaults of {@link DEFAULT_GENERATE_OPTIONS}, encodes the prompt and builds the pipeline.
 *
 * @throws SamplingError `SAMPLING_INVALID_OPTION` for unknown keys, values of the wrong type
 *   or range, ids outside `0 … vocabularySize-1`, an empty prompt, or a string prompt or stop
 *   string without a decoder.
 * @example
 * resolveGenerateOptions({ prompt: [1, 2] }, 90).maxNewTokens; // 100
 */
export function resolveGenerateOptions(
  options: GenerateOptions,
  vocabularySize: number,
): ResolvedGenerateOptions {
  const where = 'generate';
  checkOptionsObject(where, options, OPTION_KEYS);
  const merged = { ...DEFAULT_GENERATE_OPTIONS } as Record<string, unknown>;
  for (const [key, value] of Object.entries(options)) if (value !== undefined) merged[key] = value;
  const decoder = resolveDecoder(where, merged['decoder']);
  const promptIds = resolvePrompt(where, merged['prompt'], decoder, vocabularySize);
  const stop = merged['stop'];
  if (!Array.isArray(stop)) {
    invalidOption(
      where,
      'stop',
      stop,
      'must be an array of token ids and strings',
      "Pass e.g. [0, '\\n\\n'].",
    );
  }
  const stopIds = new Set<number>();
  const stopStrings: string[] = [];
  for (const item of stop) {
    if (typeof item === 'string') {
      if (item === '' || decoder === null) {
        invalidOption(
          where,
          'stop',
          stop,
          `holds the string ${describeValue(item)}; stop strings must be non-empty and need a decoder`,
          'Pass decoder to match text, or stop on token ids.',
        );
      }
      stopStrings.push(item);
    } else stopIds.add(checkIdList(where, 'stop', [item], vocabularySize)[0]!);
  }
  const temperature = checkNumber(where, 'temperature', merged['temperature'], {
    min: 0,
    minInclusive: true,
    max: Number.POSITIVE_INFINITY,
  });
  const topK = merged['topK'] === null ? null : checkInteger(where, 'topK', merged['topK'], 1);
  const topP = checkNumber(where, 'topP', merged['topP'], { min: 0, minInclusive: false, max: 1 });
  const minP = checkNumber(where, 'minP', merged['minP'], { min: 0, minInclusive: true, max: 1 });
  const repetitionPenalty = checkNumber(where, 'repetitionPenalty', merged['repetitionPenalty'], {
    min: 0,
    minInclusive: false,
    max: Number.POSITIVE_INFINITY,
  });
  const noRepeatNgramSize = checkInteger(where, 'noRepeatNgramSize', merged['noRepeatNgramSize'], 0);
  const bannedIds = checkIdList(where, 'bannedIds', merged['bannedIds'], vocabularySize);
  const allowedIds =
    merged['allowedIds'] === null
      ? null
      : checkIdList(where, 'allowedIds', merged['allowedIds'], vocabularySize);
  if (allowedIds?.length === 0) {
    invalidOption(where, 'allowedIds', allowedIds, 'must not be empty', 'Pass null to allow every token.');
  }
  const processors = checkFunctionList<LogitsProcessor>(where, 'processors', merged['processors']);
  const sampler = checkNullableFunction<Sampler>(where, 'sampler', merged['sampler']);
  if (sampler !== null && temperature === 0) {
    invalidOption(
      where,
      'temperature',
      temperature,
      'of 0 means greedy decoding, which conflicts with a custom sampler',
      'Pass a temperature > 0 with your sampler, or drop the sampler.',
    );
  }
  const stoppingCriteria = checkFunctionList<StoppingCriterion>(
    where,
    'stoppingCriteria',
    merged['stoppingCriteria'],
  );
  const seed = checkInteger(where, 'seed', merged['seed'], Number.MIN_SAFE_INTEGER);
  const batchSize = checkInteger(where, 'batchSize', merged['batchSize'], 1);
  const maxNewTokens = checkInteger(where, 'maxNewTokens', merged['maxNewTokens'], 1);
  const signal = resolveSignal(where, merged['signal']);
  const onToken = checkNullableFunction<(token: TokenEvent) => void>(where, 'onToken', merged['onToken']);
  const streamer = merged['streamer'] as Streamer | null;
  if (
    streamer !== null &&
    (typeof streamer !== 'object' || typeof streamer.put !== 'function' || typeof streamer.end !== 'function')
  ) {
    invalidOption(where, 'streamer', streamer, 'must have put() and end(), or be null', 'Pass { put, end }.');
  }

  const pipeline: LogitsProcessor[] = [];
  if (repetitionPenalty !== 1) pipeline.push(repetitionPenaltyProcessor(repetitionPenalty));
  if (noRepeatNgramSize > 0) pipeline.push(noRepeatNgramProcessor(noRepeatNgramSize));
  if (bannedIds.length > 0) pipeline.push(bannedTokensProcessor(bannedIds));
  if (allowedIds !== null) pipeline.push(allowedTokensProcessor(allowedIds));
  pipeline.push(...processors);
  if (temperature > 0) {
    if (temperature !== 1) pipeline.push(temperatureProcessor(temperature));
    if (topK !== null) pipeline.push(topKProcessor(topK));
    if (topP < 1) pipeline.push(topPProcessor(topP));
    if (minP > 0) pipeline.push(minPProcessor(minP));
  }
  const resolvedSampler = sampler ?? (temperature === 0 ? greedySampler : multinomialSampler);
  return {
    promptIds,
    maxNewTokens,
    decoder,
    stopIds,
    stopStrings,
    temperature,
    topK,
    topP,
    minP,
    repetitionPenalty,
    noRepeatNgramSize,
    bannedIds,
    allowedIds,
    processors,
    sampler,
    stoppingCriteria,
    seed,
    batchSize,
    signal,
    onToken,
    streamer,
    pipeline,
    resolvedSampler,
  };
}

/** One generated row. Plain data, owned by the caller. */
export interface GeneratedSequence {
  /** The generated ids, prompt excluded, stopping token included. */
  readonly ids: number[];
  /** `decoder.decode(ids)`, or `null` without a decoder. */
  readonly text: string | null;
  /** Why the row ended. */
  readonly stopReason: StopReason;
}

/** What {@link generate} returns. Plain data, owned by the caller. */
export interface GenerateResult {
  /** One entry per row (`batchSize`). */
  readonly sequences: GeneratedSequence[];
  /** Row 0's ids (shorthand for `batchSize: 1`). */
  readonly ids: number[];
  /** Row 0's text, or `null` without a decoder. */
  readonly text: string | null;
  /** Row 0's stop reason. */
  readonly stopReason: StopReason;
  /** The prompt as ids. */
  readonly promptIds: number[];
  /** `model.step` calls made: prompt length + longest row − 1. */
  readonly steps: number;
}

/** Throws `SAMPLING_ABORTED` if `signal` is aborted. @internal */
export function throwIfAborted(signal: AbortSignal | null): void {
  if (signal?.aborted) {
    throw new SamplingError(
      'SAMPLING_ABORTED',
      'Generation was cancelled through its AbortSignal; the tensors it held were released.',
      { cause: signal.reason },
    );
  }
}

/** Runs `model.step`, checks the logits' shape, reads them and frees them. @internal */
export async function stepAndRead<State>(
  model: StepModel<State>,
  ids: Int32Array,
  state: State,
): Promise<{ logits: Float32Array; state: State }> {
  const { logits, state: next } = model.step(ids, state);
  try {
    checkLogits(model, logits, ids.length);
    return { logits: (await logits.data()) as Float32Array, state: next };
  } catch (error) {
    if (next !== state) model.disposeState(next);
    throw error;
  } finally {
    logits.dispose();
  }
}

function checkLogits(model: StepModel<unknown>, logits: tf.Tensor, batch: number): void {
  const [rows, columns] = logits.shape;
  if (logits.rank !== 2 || rows !== batch || columns !== model.vocabularySize || logits.dtype !== 'float32') {
    fail(
      'SAMPLING_INVALID_INPUT',
      `The model's step returned logits of shape [${logits.shape.join(', ')}] (${logits.dtype}); expected ` +
        `[${batch}, ${model.vocabularySize}] float32 (one row per input id, vocabularySize columns). ` +
        'Fix the StepModel: step must return [batch, vocabularySize] logits.',
    );
  }
}

/** Feeds the prompt once (batch 1) and returns the last logits and the state. @internal */
export async function feedPrompt<State>(
  model: StepModel<State>,
  promptIds: readonly number[],
  signal: AbortSignal | null,
): Promise<{ logits: Float32Array; state: State; steps: number }> {
  let state = model.initialState(1);
  try {
    for (let t = 0; t < promptIds.length - 1; t++) {
      throwIfAborted(signal);
      const { logits, state: next } = model.step(Int32Array.of(promptIds[t]!), state);
      try {
        checkLogits(model, logits, 1);
      } finally {
        logits.dispose();
        if (next !== state) model.disposeState(state);
        state = next;
      }
    }
    throwIfAborted(signal);
    const last = await stepAndRead(model, Int32Array.of(promptIds.at(-1)!), state);
    if (last.state !== state) model.disposeState(state);
    state = last.state;
    return { logits: last.logits, state, steps: promptIds.length };
  } catch (error) {
    model.disposeState(state);
    throw error;
  }
}

/** Throws `SAMPLING_INVALID_INPUT` unless `model` has every StepModel member. @internal */
export function checkModel(where: string, model: unknown): asserts model is StepModel<unknown> {
  const candidate = model as Partial<StepModel<unknown>> | null;
  if (
    candidate === null ||
    typeof candidate !== 'object' ||
    !Number.isInteger(candidate.vocabularySize) ||
    (candidate.vocabularySize ?? 0) < 1 ||
    typeof candidate.initialState !== 'function' ||
    typeof candidate.step !== 'function' ||
    typeof candidate.gatherState !== 'function' ||
    typeof candidate.disposeState !== 'function'
  ) {
    fail(
      'SAMPLING_INVALID_INPUT',
      `${where}: model must be a StepModel (vocabularySize, initialState, step, gatherState, disposeState), ` +
        `got ${describeValue(model)}. Wrap a tfjs-layers language model with toStepModel (@rnnkit/rnn-models) ` +
        'or windowedStepModel.',
    );
  }
}

/** Length of the common prefix of two strings. */
function commonPrefixLength(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

interface RowState {
  readonly ids: number[];
  readonly generated: number[];
  text: string;
  stopReason: StopReason | null;
}

async function* run<State>(
  model: StepModel<State>,
  options: ResolvedGenerateOptions,
): AsyncGenerator<TokenEvent, GenerateResult, undefined> {
  const { promptIds, batchSize, maxNewTokens, decoder, pipeline, resolvedSampler, signal } = options;
  const vocab = model.vocabularySize;
  const random = new SeededRandom(options.seed);
  const rows: RowState[] = Array.from({ length: batchSize }, () => ({
    ids: [...promptIds],
    generated: [],
    text: '',
    stopReason: null,
  }));
  throwIfAborted(signal);
  const prompt = await feedPrompt(model, promptIds, signal);
  let steps = prompt.steps;
  let state = prompt.state;
  try {
    // Every row starts from the prompt's last logits; the state is expanded once.
    let logits = prompt.logits;
    let active = Array.from({ length: batchSize }, (_, row) => row);
    if (batchSize > 1) {
      const expanded = model.gatherState(state, new Int32Array(batchSize));
      model.disposeState(state);
      state = expanded;
      const repeated = new Float32Array(batchSize * vocab);
      for (let row = 0; row < batchSize; row++) repeated.set(logits, row * vocab);
      logits = repeated;
    }
    for (let index = 0; index < maxNewTokens; index++) {
      throwIfAborted(signal);
      const finishedPositions: boolean[] = [];
      for (let position = 0; position < active.length; position++) {
        const row = rows[active[position]!]!;
        const rowLogits = logits.subarray(position * vocab, (position + 1) * vocab);
        const processed = applyProcessors(pipeline, rowLogits, {
          ids: row.ids,
          promptLength: promptIds.length,
        });
        const id = resolvedSampler(processed, random);
        if (!Number.isInteger(id) || id < 0 || id >= vocab) {
          fail(
            'SAMPLING_INVALID_INPUT',
            `The sampler returned ${describeValue(id)}; expected an id in 0 … ${vocab - 1}.`,
          );
        }
        row.ids.push(id);
        row.generated.push(id);
        let delta = '';
        if (decoder !== null) {
          const text = decoder.decode(row.generated);
          delta = text.slice(commonPrefixLength(row.text, text));
          row.text = text;
        }
        row.stopReason = stopReasonOf(options, row, active[position]!, index);
        finishedPositions.push(row.stopReason !== null);
        const event: TokenEvent = {
          row: active[position]!,
          index,
          id,
          text: delta,
          stopReason: row.stopReason,
        };
        options.onToken?.(event);
        options.streamer?.put(event);
        yield event;
      }
      const keep = active.flatMap((_, position) => (finishedPositions[position] ? [] : [position]));
      if (keep.length === 0) break;
      throwIfAborted(signal);
      if (keep.length < active.length) {
        const gathered = model.gatherState(state, Int32Array.from(keep));
        model.disposeState(state);
        state = gathered;
        active = keep.map((position) => active[position]!);
      }
      const next = await stepAndRead(
        model,
        Int32Array.from(active, (row) => rows[row]!.generated.at(-1)!),
        state,
      );
      steps += 1;
      if (next.state !== state) model.disposeState(state);
      state = next.state;
      logits = next.logits;
    }
  } finally {
    model.disposeState(state);
  }
  options.streamer?.end();
  const sequences = rows.map((row) => ({
    ids: row.generated,
    text: decoder === null ? null : row.text,
    stopReason: row.stopReason ?? 'maxNewTokens',
  }));
  const first = sequences[0]!;
  return {
    sequences,
    ids: first.ids,
    text: first.text,
    stopReason: first.stopReason,
    promptIds: [...promptIds],
    steps,
  };
}

function stopReasonOf(
  options: ResolvedGenerateOptions,
  row: RowState,
  rowIndex: number,
  index: number,
): StopReason | null {
  const id = row.generated.at(-1)!;
  if (options.stopIds.has(id)) return 'stopToken';
  if (options.stopStrings.some((stop) => row.text.includes(stop))) return 'stopString';
  if (options.stoppingCriteria.length > 0) {
    const context = { row: rowIndex, ids: row.generated, text: options.decoder === null ? null : row.text };
    if (options.stoppingCriteria.some((criterion) => criterion(context))) return 'stoppingCriterion';
  }
  return index === options.maxNewTokens - 1 ? 'maxNewTokens' : null;
}

/**
 * Generates text from a {@link StepModel}: feeds the prompt once (one `step` per prompt
 * token), then samples one token per row and step through the pipeline
 * `LogitsProcessor[]` → `Sampler` → stop conditions → `onToken`/`streamer`. Each new token
 * costs one `step` call for all rows together. Rows that stop are dropped from the batch
 * with `gatherState`.
 *
 * Tensors: the model's logits and states are created and freed here; nothing is left
 * behind, on success, error or abort. Only plain numbers and strings reach `onToken`, the
 * streamer and stopping criteria.
 *
 * @returns ids (prompt excluded) and text per row; `ids`/`text` are row 0's.
 * @throws SamplingError `SAMPLING_INVALID_OPTION` (see {@link resolveGenerateOptions}),
 *   `SAMPLING_INVALID_INPUT` for a model that is not a StepModel or returns logits of the
 *   wrong shape or NaN, `SAMPLING_ABORTED` when `signal` aborts (the rejection's `cause` is
 *   the signal's reason). Errors thrown by `onToken` or the streamer propagate.
 * @example
 * const vocab = CharVocabulary.fromText(text);
 * const result = await generate(toStepModel(model), {
 *   prompt: 'ROMEO:', decoder: vocab, maxNewTokens: 200, temperature: 0.8, topK: 5, seed: 1,
 * });
 * result.text; // 200 characters, the same for the same seed
 */
export async function generate<State>(
  model: StepModel<State>,
  options: GenerateOptions,
): Promise<GenerateResult> {
  const iterator = stream(model, options);
  for (;;) {
    const next = await iterator.next();
    if (next.done) return next.value;
  }
}

/**
 * {@link generate} as an async iterator of tokens as they come (rows interleaved, row order
 * within a step). The iterator's return value is the {@link GenerateResult}. Leaving a
 * `for await` loop early (`break`) ends generation and frees its tensors; aborting the
 * `signal` makes the next `next()` throw `SAMPLING_ABORTED`.
 *
 * Options are validated when `stream` is called.
 *
 * @throws SamplingError as {@link generate}; validation errors are thrown synchronously.
 * @example
 * for await (const token of stream(stepModel, { prompt: 'Once', decoder: vocab, maxNewTokens: 50 })) {
 *   process.stdout.write(token.text);
 * }
 */
export function stream<State>(
  model: StepModel<State>,
  options: GenerateOptions,
): AsyncGenerator<TokenEvent, GenerateResult, undefined> {
  checkModel('generate', model);
  return run(model, resolveGenerateOptions(options, model.vocabularySize));
}
