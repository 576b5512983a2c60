import type * as tf from '@tensorflow/tfjs-core';

/** A model that advances one token at a time. State is opaque and owned by the caller. */
export interface StepModel<State = unknown> {
  /** Logits per row (the vocabulary size). */
  readonly vocabularySize: number;
  /** Fresh state for `batchSize` rows (zeros, or the model's initial state). Caller owns it; release with `disposeState`. */
  initialState(batchSize: number): State;
  /** Feeds one token id per row (`ids.length === batch`). Returns logits `[batch, vocabularySize]` float32 (caller owns, disposes) and the next state (caller owns). Never disposes `state`. */
  step(ids: Int32Array, state: State): { logits: tf.Tensor2D; state: State };
  /** A new state whose row i is row `rows[i]` of `state` (beam reordering, batch expansion); `rows.length` may differ from the batch. Caller owns the result; `state` is not disposed. */
  gatherState(state: State, rows: Int32Array): State;
  /** Frees the state's tensors. */
  disposeState(state: State): void;
}

/**
 * What sampling needs from a tokenizer: ids → text, and optionally text → ids (for string
 * prompts). `@rnnkit/tokenize`'s `Vocabulary`, `CharVocabulary` and `Tokenizer` satisfy it.
 */
export interface TokenDecoder {
  /** Ids → text. */
  decode(ids: Iterable<number>): string;
  /** Text → ids; needed only when a prompt is given as a string. */
  encode?(text: string): number[];
}

/** What a {@link LogitsProcessor} knows about the row it is processing. Plain data only. */
export interface LogitsProcessorContext {
  /** Every id of the row so far: the prompt, then the generated ids (read-only; do not keep). */
  readonly ids: readonly number[];
  /** How many of `ids` are the prompt. */
  readonly promptLength: number;
}

/**
 * One stage of the logits pipeline: takes one row's logits `[vocabularySize]` and returns
 * new logits of the same length. It must not modify `logits` (return a new array); masked
 * tokens are `-Infinity`.
 */
export type LogitsProcessor = (logits: Float32Array, context: LogitsProcessorContext) => Float32Array;

/** A random source in `[0, 1)`; `SeededRandom` of `@rnnkit/core` (re-exported here) is the one rnnkit uses. */
export interface RandomSource {
  /** A float uniform in `[0, 1)`. */
  nextFloat(): number;
}

/**
 * Picks one token id from one row's processed logits `[vocabularySize]`. Must not modify
 * `logits`.
 */
export type Sampler = (logits: Float32Array, random: RandomSource) => number;

/** Why a generated row stopped. */
export type StopReason = 'maxNewTokens' | 'stopToken' | 'stopString' | 'stoppingCriterion';

/** What a {@link StoppingCriterion} sees of one row after each new token. Plain data only. */
export interface StoppingContext {
  /** Row index in the batch. */
  readonly row: number;
  /** The generated ids of the row so far, prompt excluded (read-only; do not keep). */
  readonly ids: readonly number[];
  /** The decoded generated text so far, or `null` without a decoder. */
  readonly text: string | null;
}

/** Returns `true` when a row should stop after its latest token (that token is kept). */
export type StoppingCriterion = (context: StoppingContext) => boolean;

/** One generated token, as streamed to `onToken`, a {@link Streamer} and `stream()`. Plain data only. */
export interface TokenEvent {
  /** Row index in the batch (`0 … batchSize-1`). */
  readonly row: number;
  /** Position among the row's generated tokens (0 for the first new token). */
  readonly index: number;
  /** The token id. */
  readonly id: number;
  /**
   * The text this token adds to the row's decoded text (`''` without a decoder). Computed as
   * the difference of whole decodes, so word-level separators come out right.
   */
  readonly text: string;
  /** Why the row stopped, if this is its last token; otherwise `null`. */
  readonly stopReason: StopReason | null;
}

/** Receives tokens as they are generated (transformers.js-style streamer). */
export interface Streamer {
  /** Called once per generated token, in generation order. */
  put(token: TokenEvent): void;
  /** Called once when generation ends normally (not on abort or error). */
  end(): void;
}
