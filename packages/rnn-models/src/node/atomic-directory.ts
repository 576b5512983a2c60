/**
 * Crash-safe replacement of a whole directory, for checkpoints.
 *
 * Protocol for `replaceDirectory(dir)` (one writer per `dir`):
 *
 * 1. Recover (below), so `dir` holds the newest complete version, and delete leftovers.
 * 2. Write every file into a fresh `dir.tmp-<tag>` beside `dir` (same parent, so the same
 *    filesystem and renames are atomic); fsync each file and the temp directory.
 * 3. `rename(dir, dir.old-<tag>)` if `dir` exists — the previous version stays complete.
 * 4. `rename(dir.tmp-<tag>, dir)`; fsync the parent.
 * 5. Delete `dir.old-<tag>` (renamed to `dir.trash-<tag>` first, so a half-deleted tree is never
 *    mistaken for a previous version).
 *
 * A crash (kill, power loss after the fsyncs) can stop this at any point. What is then on disk,
 * and what a reader takes:
 *
 * - during 2: `dir` (old, complete) + a temp, complete or not → `dir`;
 * - between 3 and 4: no `dir`, `dir.old-*` (complete) and `dir.tmp-*` (complete: step 3 only runs
 *   after step 2 finished) → the temp, the newer one;
 * - during 5: `dir` (new) + an old or trash directory → `dir`;
 * - during the first save: no `dir`, an incomplete temp → no checkpoint.
 *
 * Readers ({@link resolveDirectory}) never rename anything; the next writer's step 1 renames the
 * chosen leftover to `dir` and deletes the others. Completeness of a leftover is decided by the
 * caller's `rank` function (for checkpoints: `checkpoint.json` exists and every file it lists has
 * its recorded size); `dir` itself is trusted, as only a complete temp is ever renamed to it.
 */
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isNotFound, statOrNull, syncDirectory, uniqueTag } from './durable-fs.js';

/** Where a resolved directory came from. */
export type DirectorySource = 'directory' | 'interrupted-save' | 'previous';

/** A leftover of an interrupted replacement beside the target. */
export interface Leftover {
  readonly path: string;
  readonly kind: 'temp' | 'previous' | 'trash';
}

/** The directory a reader should use. */
export interface ResolvedDirectory {
  readonly path: string;
  readonly source: DirectorySource;
}

/**
 * Decides whether a leftover is a complete version and how new it is: a number (larger is newer,
 * e.g. the save time in ms) for a complete one, `null` for an incomplete one. `kind` tells a
 * temp (complete only once its last file is written) from a previous version.
 */
export type RankDirectory = (path: string, kind: 'temp' | 'previous') => Promise<number | null>;

const MARKS = { temp: '.tmp-', previous: '.old-', trash: '.trash-' } as const;

/** Leftovers of interrupted replacements of `target` (`target.tmp-*`, `target.old-*`, `target.trash-*`). */
export async function listLeftovers(target: string): Promise<Leftover[]> {
  const parent = dirname(target);
  const base = basename(target);
  let names: string[];
  try {
    names = await readdir(parent);
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
  const leftovers: Leftover[] = [];
  for (const name of names.sort()) {
    for (const kind of ['temp', 'previous', 'trash'] as const) {
      if (name.startsWith(`${base}${MARKS[kind]}`)) leftovers.push({ path: join(parent, name), kind });
    }
  }
  return leftovers;
}

/**
 * The directory to read for `target` without changing anything on disk: `target` if it exists,
 * else the newest complete leftover (a finished temp before a previous version), else `null`.
 */
export async function resolveDirectory(
  target: string,
  rank: RankDirectory,
): Promise<ResolvedDirectory | null> {
  if ((await statOrNull(target))?.isDirectory()) return { path: target, source: 'directory' };
  const chosen = await pickLeftover(await listLeftovers(target), rank);
  if (chosen === null) return null;
  return { path: chosen.path, source: chosen.kind === 'temp' ? 'interrupted-save' : 'previous' };
}

/**
 * Repairs `target` after a crash: if it is missing, renames the newest complete leftover to it;
 * then deletes every other leftover. Returns what `target` now holds, or `null` if nothing.
 */
export async function recoverDirectory(target: string, rank: RankDirectory): Promise<DirectorySource | null> {
  const leftovers = await listLeftovers(target);
  let source: DirectorySource | null = null;
  let kept: Leftover | null = null;
  if ((await statOrNull(target))?.isDirectory()) {
    source = 'directory';
  } else {
    kept = await pickLeftover(leftovers, rank);
    if (kept !== null) {
      await rename(kept.path, target);
      await syncDirectory(dirname(target));
      source = kept.kind === 'temp' ? 'interrupted-save' : 'previous';
    }
  }
  for (const leftover of leftovers) {
    if (leftover !== kept) await removeTree(leftover.path, leftover.kind === 'trash');
  }
  return source;
}

/** Options of {@link replaceDirectory}. */
export interface ReplaceDirectoryOptions {
  /** Completeness and age of leftovers, for recovery. */
  readonly rank: RankDirectory;
  /** Called with the existing `target` before anything changes; throws to refuse replacing it. */
  readonly checkReplaceable?: (target: string) => Promise<void>;
}

/**
 * Replaces `target` by a directory that `write` fills, following the protocol at the top of this
 * file. `write` receives the empty temp directory; if it throws, the temp is removed and `target`
 * is untouched.
 */
export async function replaceDirectory(
  target: string,
  write: (tempDir: string) => Promise<void>,
  options: ReplaceDirectoryOptions,
): Promise<void> {
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  const existing = await recoverDirectory(target, options.rank);
  if (existing !== null && options.checkReplaceable) await options.checkReplaceable(target);
  const tag = uniqueTag();
  const temp = `${target}${MARKS.temp}${tag}`;
  await mkdir(temp);
  try {
    await write(temp);
    await syncDirectory(temp);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  const previous = `${target}${MARKS.previous}${tag}`;
  let moved = false;
  try {
    await rename(target, previous);
    moved = true;
  } catch (error) {
    if (!isNotFound(error)) {
      await rm(temp, { recursive: true, force: true });
      throw error;
    }
  }
  try {
    await rename(temp, target);
  } catch (error) {
    if (moved) await rename(previous, target).catch(() => undefined);
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  await syncDirectory(parent);
  if (moved) await removeTree(previous, false);
}

/**
 * Deletes a directory tree crash-safely: renames it to a `.trash-` name first, so an interrupted
 * deletion never leaves something that looks like a version of `path`.
 */
export async function removeDirectory(path: string): Promise<void> {
  await removeTree(path, false);
  for (const leftover of await listLeftovers(path))
    await removeTree(leftover.path, leftover.kind === 'trash');
}

async function removeTree(path: string, alreadyTrash: boolean): Promise<void> {
  let doomed = path;
  if (!alreadyTrash) {
    const base = path.replace(/\.(tmp|old)-[^/\\]*$/, '');
    doomed = `${base}${MARKS.trash}${uniqueTag()}`;
    try {
      await rename(path, doomed);
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
  }
  await rm(doomed, { recursive: true, force: true });
}

async function pickLeftover(leftovers: readonly Leftover[], rank: RankDirectory): Promise<Leftover | null> {
  let best: { leftover: Leftover; score: [number, number] } | null = null;
  for (const leftover of leftovers) {
    if (leftover.kind === 'trash') continue;
    let age: number | null;
    try {
      age = await rank(leftover.path, leftover.kind);
    } catch {
      age = null;
    }
    if (age === null) continue;
    // A finished temp is always newer than a previous version (step 3 runs after step 2).
    const score: [number, number] = [leftover.kind === 'temp' ? 1 : 0, age];
    if (
      best === null ||
      score[0] > best.score[0] ||
      (score[0] === best.score[0] && score[1] > best.score[1])
    ) {
      best = { leftover, score };
    }
  }
  return best?.leftover ?? null;
}
