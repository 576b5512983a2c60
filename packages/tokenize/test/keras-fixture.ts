import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer, type TokenizerOptions, type TokenizerText } from '../src/index.js';

/** One case written by scripts/make_keras_fixtures.py. */
export interface KerasFixture {
  readonly generator: string;
  readonly name: string;
  readonly options: Record<string, unknown>;
  readonly fit_texts: TokenizerText[];
  readonly fit_sequences: number[][] | null;
  readonly probe_texts: TokenizerText[];
  readonly probe_sequences: number[][];
  readonly to_json: string;
  readonly texts_to_sequences: number[][];
  readonly sequences_to_texts: string[];
  readonly texts_to_matrix: Record<string, number[][] | { error: string }>;
  readonly sequences_to_matrix: Record<string, number[][] | { error: string }>;
  readonly roundtrip_to_json: string;
}

export const FIXTURES_DIR = join(import.meta.dirname, 'fixtures');

const KERAS_TO_OPTIONS: Record<string, keyof TokenizerOptions> = {
  num_words: 'numWords',
  filters: 'filters',
  lower: 'lower',
  split: 'split',
  char_level: 'charLevel',
  oov_token: 'oovToken',
  document_count: 'documentCount',
};

/** Keras constructor kwargs → our options. */
export function optionsFromKeras(kwargs: Record<string, unknown>): TokenizerOptions {
  return Object.fromEntries(
    Object.entries(kwargs).map(([key, value]) => [KERAS_TO_OPTIONS[key] ?? key, value]),
  );
}

/** Fits our Tokenizer exactly as the Python script fitted Keras' for this case. */
export function fitLikeKerasFixture(fixture: KerasFixture): Tokenizer {
  const tokenizer = new Tokenizer(optionsFromKeras(fixture.options)).fitOnTexts(fixture.fit_texts);
  if (fixture.fit_sequences) tokenizer.fitOnSequences(fixture.fit_sequences);
  return tokenizer;
}

/** Every Keras fixture case, sorted by file name. */
export function loadKerasFixtures(): KerasFixture[] {
  const dir = join(FIXTURES_DIR, 'keras');
  return readdirSync(dir)
    .sort()
    .map((file) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as KerasFixture);
}
