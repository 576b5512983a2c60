import { randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { copyFile, open, rename, rm, stat } from 'node:fs/promises';

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
