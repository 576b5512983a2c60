import { createHash, randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { copyFile, lstat, open, rename, rm, stat } from 'node:fs/promises';
import { RnnkitError } from '@rnnkit/core';
import { RnnModelsError } from '../errors.js';

/** Bytes or text to write; a list is written in order, without joining it in memory first. */
export type FileContents = string | Uint8Array | readonly Uint8Array[];

/** A short random tag for temporary names, unique enough across processes and restarts. */
export function uniqueTag(): string {
  return `${process.pid.toString(36)}${randomBytes(4).toString('hex')}`;
}

/**
 * Writes `contents` to a new file at `path` (which must not exist) and fsyncs it, so the bytes
 * are on disk before the caller goes on. Returns the number of bytes written.
 */
export async function writeNewFileDurably(path: string, contents: FileContents): Promise<number> {
  const handle = await open(path, 'wx');
  let bytes = 0;
  try {
    const chunks = typeof contents === 'string' ? [Buffer.from(contents, 'utf8')] : toChunks(contents);
    for (const chunk of chunks) {
      let offset = 0;
      while (offset < chunk.byteLength) {
        const { bytesWritten } = await handle.write(chunk, offset, chunk.byteLength - offset);
        offset += bytesWritten;
      }
      bytes += chunk.byteLength;
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  return bytes;
}

/**
 * Replaces the file at `path` atomically: writes a temporary file beside it, fsyncs it, renames
 * it over `path` and fsyncs the directory. A crash leaves the old file or the new one, never a
 * partly written one.
 */
export async function replaceFileDurably(path: string, contents: FileContents): Promise<number> {
  const temp = `${path}.tmp-${uniqueTag()}`;
  try {
    const bytes = await writeNewFileDurably(temp, contents);
    await rename(temp, path);
    return bytes;
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Flushes a directory's entries (new names, renames) to disk. Platforms that cannot open a
 * directory for syncing (Windows) are skipped: their rename is already durable or cannot be made so.
 */
export async function syncDirectory(path: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, 'r');
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF' && code !== 'EACCES') {
      throw error;
    }
  } finally {
    await handle?.close();
  }
}

/** `stat`, or `null` when nothing exists at `path`. */
export async function statOrNull(path: string): Promise<Stats | null> {
  try {
    return await stat(path);
  } catch (error) {
    if (
      (error as NodeJS.ErrnoException).code === 'ENOENT' ||
      (error as NodeJS.ErrnoException).code === 'ENOTDIR'
    )
      return null;
    throw error;
  }
}

/** `lstat` (the link itself, not what it points to), or `null` when nothing exists at `path`. */
export async function lstatOrNull(path: string): Promise<Stats | null> {
  try {
    return await lstat(path);
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

/** SHA-256 of a file's bytes, as lowercase hex. Reads in chunks; opens only a regular file. */
export async function hashFile(path: string): Promise<string> {
  const handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    if (!(await handle.stat()).isFile()) {
      throw Object.assign(new Error(`${path} is not a regular file`), { code: 'EINVAL', path });
    }
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.byteLength, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
    return hash.digest('hex');
  } finally {
    await handle.close();
  }
}

/** SHA-256 of bytes in memory, as lowercase hex. */
export function hashBytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Turns a Node filesystem error (`ENOSPC`, `EACCES`, `EROFS`, `EIO`, …) into
 * `RNN_MODELS_IO_ERROR` naming the path and the errno, with `cause`; rnnkit errors and anything
 * else pass through unchanged. `action` says what was being done ("saveModel: writing").
 */
export function asIoError(error: unknown, action: string, fallbackPath: string): unknown {
  if (error instanceof RnnkitError) return error;
  const errno = error as NodeJS.ErrnoException | undefined;
  if (typeof errno?.code !== 'string' || !/^E[A-Z]+$/.test(errno.code)) return error;
  const path = errno.path ?? fallbackPath;
  const hint =
    errno.code === 'ENOSPC' || errno.code === 'EDQUOT'
      ? 'The disk (or your quota) is full: free some space and save again.'
      : errno.code === 'EACCES' || errno.code === 'EPERM' || errno.code === 'EROFS'
        ? 'The location is not writable by this process (permissions, or a read-only filesystem): choose another directory or fix its permissions.'
        : errno.code === 'EEXIST' || errno.code === 'ENOTDIR'
          ? 'A part of the path is a file where a directory is needed: choose another path.'
          : 'Check the path and the disk, then try again.';
  return new RnnModelsError(
    'RNN_MODELS_IO_ERROR',
    `${action} ${path} failed with ${errno.code}${errno.syscall ? ` (${errno.syscall})` : ''}. ${hint} ` +
      'Any checkpoint that was already there is unchanged.',
    { cause: error },
  );
}

/** True for the error Node reports when a file or directory does not exist. */
export function isNotFound(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function toChunks(contents: Uint8Array | readonly Uint8Array[]): readonly Uint8Array[] {
  return contents instanceof Uint8Array ? [contents] : contents;
}

/** Copies `source` to a new file `target` (which must not exist) and fsyncs the copy. */
export async function copyFileDurably(source: string, target: string): Promise<number> {
  await copyFile(source, target, constants.COPYFILE_EXCL);
  const handle = await open(target, 'r');
  try {
    await handle.sync();
    return (await handle.stat()).size;
  } finally {
    await handle.close();
  }
}
