// NLTK's n-gram taggers, for reference: DefaultTagger(most frequent tag) ← UnigramTagger
// (most frequent tag of the word as written) ← BigramTagger (the word and the previous tag),
// trained on the same training sentences. As NLTK's ContextTagger: contexts come from gold
// histories, a context's tag is its most frequent (ties to the tag seen first), only contexts
// where that differs from the backoff are kept (NLTK keeps a few more whose tag equals the
// backoff's: the same predictions), and tagging runs left to right on the tags already chosen.

/** Words and their gold tags, for one tagset. */
export interface TaggedWords {
  readonly words: readonly string[];
  readonly tags: readonly string[];
}

export interface NgramTaggers {
  /** Most frequent tag of the training data (NLTK's DefaultTagger with it). */
  readonly defaultTag: string;
  readonly unigram: (words: readonly string[]) => string[];
  readonly bigram: (words: readonly string[]) => string[];
}

/** The most frequent value of each key; ties go to the value counted first (NLTK's FreqDist.max on insertion order). */
function bestOf<K>(counts: Map<K, Map<string, number>>): Map<K, string> {
  const best = new Map<K, string>();
  for (const [key, tags] of counts) {
    let top = '';
    let most = -1;
    for (const [tag, count] of tags) {
      if (count > most) {
        top = tag;
        most = count;
      }
    }
    best.set(key, top);
  }
  return best;
}

function count<K>(counts: Map<K, Map<string, number>>, key: K, tag: string): void {
  const tags = counts.get(key) ?? new Map<string, number>();
  tags.set(tag, (tags.get(tag) ?? 0) + 1);
  counts.set(key, tags);
}

/** Trains the default, unigram and bigram taggers on `train`. */
export function trainNgramTaggers(train: readonly TaggedWords[]): NgramTaggers {
  const tagCounts = new Map<string, number>();
  for (const sentence of train)
    for (const tag of sentence.tags) tagCounts.set(tag, (tagCounts.get(tag) ?? 0) + 1);
  const defaultTag = [...tagCounts].reduce((a, b) => (b[1] > a[1] ? b : a))[0];

  const wordCounts = new Map<string, Map<string, number>>();
  for (const { words, tags } of train)
    for (const [i, word] of words.entries()) count(wordCounts, word, tags[i]!);
  const unigramTable = bestOf(wordCounts);
  const unigramTag = (word: string) => unigramTable.get(word) ?? defaultTag;

  // Bigram contexts (previous tag, word) from gold histories, as NLTK trains.
  const pairCounts = new Map<string, Map<string, number>>();
  for (const { words, tags } of train)
    for (const [i, word] of words.entries()) count(pairCounts, `${tags[i - 1] ?? ''}\u0000${word}`, tags[i]!);
  const bigramTable = new Map<string, string>();
  for (const [key, tag] of bestOf(pairCounts)) {
    const word = key.slice(key.indexOf('\u0000') + 1);
    if (tag !== unigramTag(word)) bigramTable.set(key, tag);
  }
  return {
    defaultTag,
    unigram: (words) => words.map(unigramTag),
    bigram: (words) => {
      const tags: string[] = [];
      words.forEach((word, i) => {
        tags.push(bigramTable.get(`${tags[i - 1] ?? ''}\u0000${word}`) ?? unigramTag(word));
      });
      return tags;
    },
  };
}

/** Token accuracy of `tagger` on `test`. */
export function taggerAccuracy(
  tagger: (words: readonly string[]) => string[],
  test: readonly TaggedWords[],
): number {
  let right = 0;
  let total = 0;
  for (const sentence of test) {
    const predicted = tagger(sentence.words);
    sentence.tags.forEach((tag, i) => {
      if (predicted[i] === tag) right++;
      total++;
    });
  }
  return right / total;
}
