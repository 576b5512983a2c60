/**
 * The base of every error an rnnkit package throws: `code` is a stable machine-readable string
 * (`'<PACKAGE>_<WHAT>'`), `name` the subclass name, `cause` the underlying error when there is one.
 * Branch on `code` (or on the subclass), not on the message: the message is for people and says
 * what was wrong and how to fix it.
 *
 * @example
 * try {
 *   parseCsv(text, { delimeter: ';' });
 * } catch (error) {
 *   if (error instanceof RnnkitError) console.log(error.code); // 'DATASETS_INVALID_OPTION'
 * }
 */
export class RnnkitError<Code extends string = string> extends Error {
  override readonly name: string = 'RnnkitError';
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Every failure `@rnnkit/core` itself reports. */
export type CoreErrorCode =
  /** An argument of a core function (a seed, a saved random state) is of the wrong type or out of range. */
  'CORE_INVALID_OPTION';

/** Error thrown by `@rnnkit/core`'s own functions (e.g. a malformed {@link SeededRandom} state). */
export class CoreError extends RnnkitError<CoreErrorCode> {
  override readonly name = 'CoreError';
}
