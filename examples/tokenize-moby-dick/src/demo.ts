import { CharVocabulary, Tokenizer } from '@rnnkit/tokenize';

/** What the demo learned from a corpus, as plain data (printed by main.ts, checked by the test). */
export interface TokenizeReport {
  readonly bytes: number;
  readonly lines: number;
  readonly distinctWords: number;
  readonly vocabularySize: number;
  readonly topWords: ReadonlyArray<readonly [string, number]>;
  readonly sample: { readonly text: string; readonly ids: number[]; readonly decoded: string };
  readonly oovRate: number;
  readonly chars: string;
  readonly charSample: { readonly ids: number[]; readonly decoded: string };
  readonly kerasJson: string;
  readonly millis: number;
}

/** Fits a Keras-style word tokenizer (top `numWords - 1` words + OOV) and a character vocabulary. */
export function tokenizeCorpus(text: string, numWords: number, sentence: string): TokenizeReport {
  const started = performance.now();
  const lines = text.split('\n');
  const tokenizer = new Tokenizer({ numWords, oovToken: '<OOV>' }).fitOnTexts(lines);
  const sequences = tokenizer.textsToSequences(lines);
  let tokens = 0;
  let oov = 0;
  for (const ids of sequences) {
    tokens += ids.length;
    for (const id of ids) if (id === tokenizer.specialIds.oov) oov++;
  }
  const ids = tokenizer.encode(sentence);
  const chars = CharVocabulary.fromText(text);
  const charIds = chars.encode(sentence);
  return {
    bytes: Buffer.byteLength(text),
    lines: lines.length,
    distinctWords: tokenizer.wordIndex.size - 1,
    vocabularySize: tokenizer.vocabularySize,
    topWords: [...tokenizer.wordCounts].sort((a, b) => b[1] - a[1]).slice(0, 10),
    sample: { text: sentence, ids, decoded: tokenizer.decode(ids) },
    oovRate: tokens === 0 ? 0 : oov / tokens,
    chars: chars.chars.join(''),
    charSample: { ids: charIds, decoded: chars.decode(charIds) },
    kerasJson: tokenizer.toJSON(),
    millis: performance.now() - started,
  };
}
