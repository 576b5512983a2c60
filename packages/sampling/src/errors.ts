import { RnnkitError } from '@rnnkit/core';

/** Every failure `@rnnkit/sampling` reports, as a stable machine-readable code. */
export type SamplingErrorCode =
  /** A decoding option is unknown, missing, of the wrong type or out of range. */
  | 'SAMPLING_INVALID_OPTION'
  /** Logits, prompts or ids are not of the shape or range the function accepts. */
  | 'SAMPLING_INVALID_INPUT'
  /** Generation was cancelled through its AbortSignal. */
  | 'SAMPLING_ABORTED';

/**
 * Error thrown by `@rnnkit/sampling`. Branch on `code`, not on the message: the message is
 * for people and says what was wrong and how to fix it.
 */
export class SamplingError extends RnnkitError<SamplingErrorCode> {
  override readonly name = 'SamplingError';
}
