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
 * Ownership: every temporary this module makes (`dir.tmp-<tag>`) gets a marker file
 * ({@link MARKER_FILE}) written first, holding the random `<tag>` and the target's name; a
 * directory is renamed to `dir.old-<tag>` / `dir.trash-<tag>` only after a marker with that tag is
 * written into it. A sibling is a leftover — recovered, or deleted — only when it is a real
 * directory (not a link) whose name carries a tag and whose marker holds that same tag and
 * target name. Anything else named like one (`ckpt.old-v1`, a user's `ckpt.tmp-notes` file, a copy
 * of a checkpoint) is never touched. Deletion keeps the marker until last, so an interrupted
 * deletion stays recognisable.
 *
 * Readers ({@link resolveDirectory}) never rename anything; the next writer's step 1 renames the
 * chosen leftover to `dir` and deletes the others. Completeness of a leftover is decided by the
 * caller's `rank` function (for checkpoints: `checkpoint.json` exists and every file it lists has
 * its recorded size); `dir` itself is trusted, as only a complete temp is ever renamed to it.
 */
import { mkdir, readdir, readFile, rename, rm, rmdir, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { RnnModelsError } from '../errors.js';
import {
  isNotFound,
  lstatOrNull,
  replaceFileDurably,
  statOrNull,
  syncDirectory,
  uniqueTag,
  writeNewFileDurably,
} from './durable-fs.js';

/** Where a resolved directory came from. */
export type DirectorySource = 'directory' | 'interrupted-save' | 'previous';

/** A leftover of an interrupted replacement beside the target, made by this module (marked). */
export interface Leftover {
  readonly path: string;
  readonly kind: 'temp' | 'previous' | 'trash';
  /** The random tag in its name and in its marker. */
  readonly tag: string;
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

/**
 * The marker file inside every temporary directory rnnkit makes: JSON
 * `{ "rnnkit": "temporary", "tag": "<tag>", "of": "<target name>" }`, written before anything
 * else. It stays in the checkpoint once the temp is swapped in (a dotfile `loadModel` ignores).
 */
export const MARKER_FILE = '.rnnkit-temporary';

const MARKS = { temp: '.tmp-', previous: '.old-', trash: '.trash-' } as const;
const TAG = /^[0-9a-z]{1,40}$/;

function markerText(target: string, tag: string): string {
  return `${JSON.stringify({ rnnkit: 'temporary', tag, of: basename(target) })}\n`;
}

/** The tag of `dir`'s marker if it is a real directory marked as a temporary of `target`, else `null`. */
export async function markerTag(dir: string, target: string): Promise<string | null> {
  try {
    const stats = await lstatOrNull(dir);
    if (stats === null || !stats.isDirectory()) return null;
    const marker = await lstatOrNull(join(dir, MARKER_FILE));
    if (marker === null || !marker.isFile() || marker.size > 1024) return null;
    const json = JSON.parse(await readFile(join(dir, MARKER_FILE), 'utf8')) as Record<string, unknown>;
    if (json['rnnkit'] !== 'temporary' || json['of'] !== basename(target)) return null;
    return typeof json['tag'] === 'string' && TAG.test(json['tag']) ? json['tag'] : null;
  } catch {
    return null;
  }
}

/**
 * Marks `dir` as a temporary of `target` with a fresh tag (replacing an older marker) and returns
 * the tag. Only for directories this module made or verified (a checkpoint about to be replaced).
 */
export async function markDirectory(dir: string, target: string, tag = uniqueTag()): Promise<string> {
  await replaceFileDurably(join(dir, MARKER_FILE), markerText(target, tag));
  return tag;
}

/**
 * Leftovers of interrupted replacements of `target` (`target.tmp-<tag>`, `target.old-<tag>`,
 * `target.trash-<tag>`) that this module made: only real directories whose marker holds the tag
 * of their name. Same-named files, links and unmarked directories are not listed (never touched).
 */
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
      const prefix = `${base}${MARKS[kind]}`;
      if (!name.startsWith(prefix)) continue;
      const tag = name.slice(prefix.length);
      const path = join(parent, name);
      if (TAG.test(tag) && (await markerTag(path, target)) === tag) leftovers.push({ path, kind, tag });
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
 * then deletes every other leftover (only marked ones: see {@link listLeftovers}). Returns what
 * `target` now holds, or `null` if nothing.
 */
export async function recoverDirectory(target: string, rank: RankDirectory): Promise<DirectorySource | null> {
  const leftovers = await listLeftovers(target);
  let source: DirectorySource | null = null;
  let kept: Leftover | null = null;
  const existing = await lstatOrNull(target);
  if (existing !== null) {
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
    if (leftover !== kept) await removeLeftover(target, leftover);
  }
  return source;
}

/**
 * Refuses a `target` that is neither missing nor a real directory (a regular file, a symbolic
 * link, a FIFO, a socket, a device): `RNN_MODELS_INVALID_OPTION`, nothing touched.
 */
export async function checkTargetKind(target: string, caller: string): Promise<'missing' | 'directory'> {
  const stats = await lstatOrNull(target);
  if (stats === null) return 'missing';
  if (stats.isDirectory()) return 'directory';
  const kind = stats.isSymbolicLink()
    ? 'a symbolic link'
    : stats.isFile()
      ? 'a regular file'
      : stats.isFIFO()
        ? 'a FIFO'
        : stats.isSocket()
          ? 'a socket'
          : 'a device';
  throw new RnnModelsError(
    'RNN_MODELS_INVALID_OPTION',
    `${caller}: dir ${target} is ${kind}, not a directory; saving would replace it, so it is left alone. ` +
      'Save into a new path, an empty directory or an existing checkpoint directory' +
      (stats.isSymbolicLink() ? ' (pass the directory the link points to, if that is what you meant).' : '.'),
  );
}

/** Options of {@link replaceDirectory}. */
export interface ReplaceDirectoryOptions {
  /** Completeness and age of leftovers, for recovery. */
  readonly rank: RankDirectory;
  /** Called with the existing `target` before anything changes; throws to refuse replacing it. */
  readonly checkReplaceable?: (target: string) => Promise<void>;
  /** The public function, for messages. @default 'saveModel' */
  readonly caller?: string;
}

/**
 * Replaces `target` by a directory that `write` fills, following the protocol at the top of this
 * file. `target` must be missing or a real directory that `checkReplaceable` accepts; anything
 * else is `RNN_MODELS_INVALID_OPTION` and left untouched. `write` receives the empty (but for the
 * marker) temp directory; if it throws, the temp is removed and `target` is untouched.
 */
export async function replaceDirectory(
  target: string,
  write: (tempDir: string) => Promise<void>,
  options: ReplaceDirectoryOptions,
): Promise<void> {
  const caller = options.caller ?? 'saveModel';
  const parent = dirname(target);
  await checkTargetKind(target, caller);
  await mkdir(parent, { recursive: true });
  const existing = await recoverDirectory(target, options.rank);
  if (existing !== null) {
    await checkTargetKind(target, caller);
    if (options.checkReplaceable) await options.checkReplaceable(target);
  }
  const tag = uniqueTag();
  const temp = `${target}${MARKS.temp}${tag}`;
  await mkdir(temp);
  try {
    await writeNewFileDurably(join(temp, MARKER_FILE), markerText(target, tag));
    await write(temp);
    await syncDirectory(temp);
  } catch (error) {
    await deleteMarkedTree(temp).catch(() => undefined);
    throw error;
  }
  let previous: string | null = null;
  let previousTag = '';
  try {
    if ((await lstatOrNull(target))?.isDirectory()) {
      previousTag = await markDirectory(target, target);
      previous = `${target}${MARKS.previous}${previousTag}`;
      await rename(target, previous);
    }
  } catch (error) {
    previous = null;
    if (!isNotFound(error)) {
      await deleteMarkedTree(temp).catch(() => undefined);
      throw error;
    }
  }
  try {
    await rename(temp, target);
  } catch (error) {
    if (previous !== null) await rename(previous, target).catch(() => undefined);
    await deleteMarkedTree(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(parent);
  if (previous !== null) {
    await removeLeftover(target, { path: previous, kind: 'previous', tag: previousTag });
  }
}

/**
 * Deletes `path` (a directory the caller has verified is its own, e.g. a checkpoint) crash-safely:
 * marks it, renames it to `path.trash-<tag>` and deletes that, marker last; then deletes the
 * marked leftovers of `path`. An interrupted deletion never leaves something that looks like a
 * version of `path`, nor an unmarked half-deleted tree.
 */
export async function removeDirectory(path: string): Promise<void> {
  const stats = await lstatOrNull(path);
  if (stats?.isDirectory()) {
    const tag = await markDirectory(path, path);
    const trash = `${path}${MARKS.trash}${tag}`;
    await rename(path, trash);
    await deleteMarkedTree(trash);
  }
  for (const leftover of await listLeftovers(path)) await removeLeftover(path, leftover);
}

/** Deletes a marked leftover of `target`: renamed to `target.trash-<tag>` first unless it is one. */
async function removeLeftover(target: string, leftover: Leftover): Promise<void> {
  let doomed = leftover.path;
  if (leftover.kind !== 'trash') {
    doomed = `${target}${MARKS.trash}${leftover.tag}`;
    try {
      await rename(leftover.path, doomed);
    } catch (error) {
      if (isNotFound(error)) return;
      // a trash of the same tag is in the way (an older interrupted deletion): delete in place
      doomed = leftover.path;
    }
  }
  await deleteMarkedTree(doomed);
}

/** Deletes a directory this module marked: everything but the marker, then the marker, then itself. */
async function deleteMarkedTree(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if (isNotFound(error)) return;
    throw error;
  }
  for (const name of names) {
    if (name !== MARKER_FILE) await rm(join(dir, name), { recursive: true, force: true });
  }
  await unlink(join(dir, MARKER_FILE)).catch((error: unknown) => {
    if (!isNotFound(error)) throw error;
  });
  await rmdir(dir);
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
