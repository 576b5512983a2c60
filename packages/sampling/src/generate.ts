import { describeValue, SeededRandom } from '@rnnkit/core';
import { throwIfAborted } from './abort.js';
import {
  type GenerateOptions,
  type ResolvedGenerateOptions,
  resolveGenerateOptions,
} from './generate-options.js';
import { applyProcessors } from './logits-processors.js';
import { checkModel, StepSession } from './model-step.js';
import { decodeText } from './prompt.js';
import type { StepModel, StopReason, TokenEvent } from './types.js';
import { fail } from './validate.js';

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

/** Length of the common prefix of two strings. */
function commonPrefixLength(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** ` 'name'` of a named function, for messages; `''` for an anonymous one. */
function nameOf(fn: unknown): string {
  return typeof fn === 'function' && fn.name !== '' ? ` '${fn.name}'` : '';
}

interface RowState {
  readonly ids: number[];
  readonly generated: number[];
  text: string;
  stopReason: StopReason | null;
}

function stopReasonOf(
  options: ResolvedGenerateOptions,
  row: RowState,
  rowIndex: number,
  index: number,
): StopReason | null {
  const id = row.generated.at(-1)!;
  if (options.stop.ids.has(id)) return 'stopToken';
  if (options.stop.strings.some((stop) => row.text.includes(stop))) return 'stopString';
  const criteria = options.stoppingCriteria;
  if (criteria.length > 0) {
    const context = { row: rowIndex, ids: row.generated, text: options.decoder === null ? null : row.text };
    for (let i = 0; i < criteria.length; i++) {
      const stop = criteria[i]!(context) as unknown;
      if (stop === true) return 'stoppingCriterion';
      if (stop !== false) {
        fail(
          'SAMPLING_INVALID_INPUT',
          `${options.where}: stoppingCriteria[${i}]${nameOf(criteria[i])} returned ${describeValue(stop)}; a stopping ` +
            'criterion must return true (stop the row) or false (go on). Return a boolean, e.g. `ids.length >= 10`.',
        );
      }
    }
  }
  return index === options.maxNewTokens - 1 ? 'maxNewTokens' : null;
}

/** Samples the next token of `row` from its logits, decodes it and decides whether the row stops. */
function sampleRow(
  options: ResolvedGenerateOptions,
  row: RowState,
  rowIndex: number,
  index: number,
  logits: Float32Array,
  random: SeededRandom,
): TokenEvent {
  const processed = applyProcessors(
    options.pipeline,
    logits,
    { ids: row.ids, promptLength: options.promptIds.length },
    options.where,
  );
  const id = options.sampler(processed, random) as unknown;
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= logits.length) {
    fail(
      'SAMPLING_INVALID_INPUT',
      `${options.where}: the sampler${nameOf(options.sampler)} returned ${describeValue(id)}; expected a token id, ` +
        `an integer in 0 … ${logits.length - 1} (the vocabulary). Fix the sampler: it must return an index into the logits.`,
    );
  }
  row.ids.push(id);
  row.generated.push(id);
  let delta = '';
  if (options.decoder !== null) {
    const text = decodeText(options.where, options.decoder, row.generated);
    delta = text.slice(commonPrefixLength(row.text, text));
    row.text = text;
  }
  row.stopReason = stopReasonOf(options, row, rowIndex, index);
  return { row: rowIndex, index, id, text: delta, stopReason: row.stopReason };
}

async function* run<State>(
  model: StepModel<State>,
  options: ResolvedGenerateOptions,
): AsyncGenerator<TokenEvent, GenerateResult, undefined> {
  const { promptIds, batchSize, maxNewTokens, decoder, signal } = options;
  const vocab = model.vocabularySize;
  const random = new SeededRandom(options.seed);
  const rows: RowState[] = Array.from({ length: batchSize }, () => ({
    ids: [...promptIds],
    generated: [],
    text: '',
    stopReason: null,
  }));
  const session = await StepSession.start(options.where, model, promptIds, signal);
  try {
    // Every row starts from the prompt's last logits; the state is expanded once.
    let logits = session.logits;
    let active = Array.from({ length: batchSize }, (_, row) => row);
    if (batchSize > 1) {
      session.regather(new Int32Array(batchSize));
      const repeated = new Float32Array(batchSize * vocab);
      for (let row = 0; row < batchSize; row++) repeated.set(logits, row * vocab);
      logits = repeated;
    }
    for (let index = 0; index < maxNewTokens; index++) {
      await session.checkpoint(); // hands the event loop back every few ms, then checks the signal
      const keep: number[] = [];
      for (let position = 0; position < active.length; position++) {
        if (session.due()) await session.yield(); // a wide batch can take a while per step
        const rowIndex = active[position]!;
        const rowLogits = logits.subarray(position * vocab, (position + 1) * vocab);
        const event = sampleRow(options, rows[rowIndex]!, rowIndex, index, rowLogits, random);
        if (event.stopReason === null) keep.push(position);
        options.onToken?.(event);
        options.streamer?.put(event);
        yield event;
      }
      if (keep.length === 0) break;
      throwIfAborted(signal);
      if (keep.length < active.length) {
        session.regather(Int32Array.from(keep));
        active = keep.map((position) => active[position]!);
      }
      logits = await session.step(Int32Array.from(active, (row) => rows[row]!.generated.at(-1)!));
    }
  } finally {
    session.dispose();
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
    steps: session.steps,
  };
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
 * Event loop: every few milliseconds of work (prompt feeding included) generation yields one
 * macrotask, so timers, I/O and other requests run meanwhile, and checks `signal` right after:
 * a `setTimeout(() => controller.abort(), 50)` stops it within milliseconds. Concurrent calls
 * on one model are independent (each owns its states).
 *
 * @returns ids (prompt excluded) and text per row; `ids`/`text` are row 0's.
 * @throws SamplingError `SAMPLING_INVALID_OPTION` for an unknown option (the message names the
 *   closest known one), a value of the wrong type or range, ids outside the vocabulary, an
 *   empty prompt, or a string prompt or stop string without a decoder;
 *   `SAMPLING_INVALID_INPUT` for a model that is not a StepModel or whose `step` returns
 *   something other than `{ logits, state }` with `[batch, vocabularySize]` float32 logits, NaN
 *   logits, a processor returning a row of the wrong length or type or with NaN/`+Infinity`
 *   (the message names it), a sampler returning an id outside the vocabulary, a stopping
 *   criterion returning a non-boolean, or a decoder returning a non-string; `SAMPLING_ABORTED` when `signal` aborts (the rejection's `cause` is
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
  checkModel('generate', model);
  const iterator = run(model, resolveGenerateOptions(options, model.vocabularySize, 'generate'));
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
  checkModel('stream', model);
  return run(model, resolveGenerateOptions(options, model.vocabularySize, 'stream'));
}
