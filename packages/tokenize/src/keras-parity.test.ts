import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES_DIR, fitLikeKerasFixture, loadKerasFixtures } from '../test/keras-fixture.js';
import { Tokenizer } from './index.js';
import { parseOrderedFlatObject } from './ordered-json.js';

const fixtures = loadKerasFixtures();

interface KerasConfig {
  readonly config: Record<string, unknown>;
}

/** Splits Keras' JSON into the fields whose key order Python fixes and the two it takes from a hash set. */
function orderedAndHashedParts(json: string) {
  const { config } = JSON.parse(json) as KerasConfig;
  const { word_docs, index_docs, ...ordered } = config;
  return {
    ordered,
    wordDocs: JSON.parse(word_docs as string) as Record<string, number>,
    indexDocs: JSON.parse(index_docs as string) as Record<string, number>,
  };
}

function expectMatrixParity(actual: () => Float64Array[], expected: number[][] | { error: string }) {
  if (!Array.isArray(expected)) {
    expect(actual).toThrow();
    return;
  }
  const rows = actual();
  expect(rows.length).toBe(expected.length);
  rows.forEach((row, i) => {
    expect(row.length).toBe(expected[i]!.length);
    for (const [j, value] of row.entries()) expect(value).toBeCloseTo(expected[i]![j]!, 12);
  });
}

describe('Keras parity: fitted here vs fitted in keras_preprocessing', () => {
  it('covers every case the generator writes', () => {
    expect(fixtures.map((fixture) => fixture.name)).toContain('moby_dick_words');
    expect(fixtures.length).toBeGreaterThanOrEqual(17);
  });

  describe.each(fixtures.map((fixture) => [fixture.name, fixture] as const))('%s', (_name, fixture) => {
    const tokenizer = fitLikeKerasFixture(fixture);

    it('writes the same JSON as to_json(), byte for byte except hash-ordered keys', () => {
      const ours = orderedAndHashedParts(tokenizer.toJSON());
      const keras = orderedAndHashedParts(fixture.to_json);
      // word_counts, word_index, index_word, filters…: identical strings, so identical order and escaping.
      expect(ours.ordered).toEqual(keras.ordered);
      expect(ours.wordDocs).toEqual(keras.wordDocs);
      expect(ours.indexDocs).toEqual(keras.indexDocs);
      // Same outer layout and separators: only the two hash-ordered values may differ.
      const mask = (json: string) =>
        json.replace(/"(word_docs|index_docs)": "(?:[^"\\]|\\.)*"/g, '"$1": <hash-ordered>');
      expect(mask(tokenizer.toJSON())).toBe(mask(fixture.to_json));
    });

    it('has the same word index, counts and document count', () => {
      const { config } = JSON.parse(fixture.to_json) as KerasConfig;
      // Ordered parse: Object.entries(JSON.parse(…)) would move numeric words like '1851' first.
      expect([...tokenizer.wordIndex]).toEqual(
        parseOrderedFlatObject(config.word_index as string, 'word_index'),
      );
      expect([...tokenizer.wordCounts]).toEqual(
        parseOrderedFlatObject(config.word_counts as string, 'word_counts'),
      );
      expect(tokenizer.documentCount).toBe(config.document_count);
    });

    it('encodes and decodes like Keras', () => {
      expect(tokenizer.textsToSequences(fixture.probe_texts)).toEqual(fixture.texts_to_sequences);
      expect(tokenizer.sequencesToTexts(fixture.probe_sequences)).toEqual(fixture.sequences_to_texts);
    });

    it.each(['binary', 'count', 'tfidf', 'freq'] as const)('builds the same %s matrices', (mode) => {
      expectMatrixParity(
        () => tokenizer.sequencesToMatrix(fixture.texts_to_sequences, mode),
        fixture.texts_to_matrix[mode]!,
      );
      expectMatrixParity(
        () => tokenizer.sequencesToMatrix(fixture.probe_sequences, mode),
        fixture.sequences_to_matrix[mode]!,
      );
    });

    it('loads Keras JSON and behaves identically (Python → JS)', () => {
      const loaded = Tokenizer.fromJSON(fixture.to_json);
      expect(loaded.textsToSequences(fixture.probe_texts)).toEqual(fixture.texts_to_sequences);
      expect(loaded.sequencesToTexts(fixture.probe_sequences)).toEqual(fixture.sequences_to_texts);
      // Nothing lost or reordered on load: writing it back gives Keras' exact string,
      // hash-ordered fields included.
      expect(loaded.toJSON()).toBe(fixture.to_json);
      expect(fixture.roundtrip_to_json).toBe(fixture.to_json);
    });
  });
});

describe('Keras parity: fitted here, loaded by keras_preprocessing (JS → Python)', () => {
  const kerasResults = JSON.parse(
    readFileSync(join(FIXTURES_DIR, 'js-export-keras-results.json'), 'utf8'),
  ) as Record<string, { texts_to_sequences: number[][]; sequences_to_texts: string[]; to_json: string }>;

  it.each(fixtures.map((fixture) => [fixture.name, fixture] as const))('%s', (name, fixture) => {
    const exported = JSON.parse(readFileSync(join(FIXTURES_DIR, 'js-export', `${name}.json`), 'utf8')) as {
      json: string;
    };
    const tokenizer = fitLikeKerasFixture(fixture);
    // What Python checked is what this code writes today…
    expect(tokenizer.toJSON()).toBe(exported.json);
    const keras = kerasResults[name]!;
    // …Keras read back every field as written…
    expect(keras.to_json).toBe(exported.json);
    // …and encodes the probes exactly as we do.
    expect(keras.texts_to_sequences).toEqual(tokenizer.textsToSequences(fixture.probe_texts));
    expect(keras.sequences_to_texts).toEqual(tokenizer.sequencesToTexts(fixture.probe_sequences));
  });
});
