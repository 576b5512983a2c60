import { describeValue } from '@rnnkit/core';
import { DatasetsError } from '../errors.js';
import { decodeText } from './decode-text.js';

/**
 * Reads a text file with Node's `fs/promises`, imported only when called so that browser
 * bundles of the package, which never call it, do not pull in `node:fs`. Only regular files
 * are read (a FIFO or device would block or never end); the bytes are decoded by
 * {@link decodeText}: UTF-8, or UTF-16 LE/BE with a byte-order mark, and checked to be text.
 *
 * @throws DatasetsError `DATASETS_INVALID_INPUT` when `path` is not a non-empty string;
 *   `DATASETS_IO_ERROR` (with the fs error as `cause`) when the file cannot be read or is not a
 *   regular file; `DATASETS_PARSE_ERROR` naming the file when its bytes are not text.
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
  let bytes: Uint8Array;
  try {
    // O_NONBLOCK: opening a FIFO without a writer returns at once instead of blocking a thread.
    const { constants } = await import('node:fs');
    const handle = await fs.open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    try {
      const info = await handle.stat();
      if (!info.isFile()) {
        const kind = info.isDirectory()
          ? 'it is a directory'
          : info.isFIFO()
            ? 'it is a FIFO (named pipe)'
            : info.isSocket()
              ? 'it is a socket'
              : 'it is a device, not a regular file';
        throw Object.assign(new Error(kind), { code: info.isDirectory() ? 'EISDIR' : 'ENOTREG' });
      }
      bytes = await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (cause) {
    const code = (cause as { code?: unknown } | null)?.code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : code === 'ENOTREG'
              ? `${(cause as Error).message}; only regular files are read`
              : String((cause as Error | null)?.message ?? cause);
    throw new DatasetsError(
      'DATASETS_IO_ERROR',
      `${fn} could not read ${JSON.stringify(path)}: ${reason}. Check the path (relative paths start at ` +
        `the working directory, ${JSON.stringify(globalThis.process?.cwd?.() ?? '')}).`,
      { cause },
    );
  }
  return decodeText(bytes, path, fn);
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
