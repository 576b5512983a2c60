import { describeValue } from '@rnnkit/core';
import { DatasetsError } from '../errors.js';

/**
 * Reads a UTF-8 text file with Node's `fs/promises`, imported only when called so that
 * browser bundles of the package, which never call it, do not pull in `node:fs`.
 *
 * @throws DatasetsError `DATASETS_INVALID_INPUT` when `path` is not a non-empty string;
 *   `DATASETS_IO_ERROR` (with the fs error as `cause`) when the file cannot be read.
 */
export async function readTextFile(path: string, fn: string): Promise<string> {
  if (typeof path !== 'string' || path.length === 0) {
    throw new DatasetsError(
      'DATASETS_INVALID_INPUT',
      `${fn} takes a file path as a non-empty string, got ${describeValue(path)}.`,
    );
  }
  let fs: typeof import('node:fs/promises');
  try {
    fs = await import('node:fs/promises');
  } catch (cause) {
    throw new DatasetsError(
      'DATASETS_IO_ERROR',
      `${fn} reads files with node:fs, which this runtime does not have; in a browser, fetch the text ` +
        'yourself and pass it to the matching parse function.',
      { cause },
    );
  }
  try {
    return await fs.readFile(path, 'utf8');
  } catch (cause) {
    const code = (cause as { code?: unknown } | null)?.code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : String((cause as Error | null)?.message ?? cause);
    throw new DatasetsError(
      'DATASETS_IO_ERROR',
      `${fn} could not read ${JSON.stringify(path)}: ${reason}. Check the path (relative paths start at ` +
        `the working directory, ${JSON.stringify(globalThis.process?.cwd?.() ?? '')}).`,
      { cause },
    );
  }
}

/**
 * The `read*` loaders: checks `options` first (so a bad option fails before any I/O, naming
 * `where`), then reads the file at `path` and hands its text to `parse`.
 */
export async function readAndParse<O, R>(
  path: string,
  where: string,
  options: O,
  resolve: (options: O, where: string) => unknown,
  parse: (text: string, options: O) => R,
): Promise<R> {
  resolve(options, where);
  return parse(await readTextFile(path, where), options);
}
