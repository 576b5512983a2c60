import { initBackend } from '@rnnkit/rnn-models';
import { beforeAll } from 'vitest';

/** Runs the calling test file on tfjs' cpu backend (registers a `beforeAll`). */
export function useCpuBackend(): void {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
  });
}

/** Layer sizes of {@link tinyTranslatorOptions}. */
export interface TinySizes {
  readonly embeddingDim: number;
  readonly units: number;
}

/**
 * Options of a tiny seeded translator for fast tests (defaults everywhere else).
 * @param sizes - embedding and recurrent sizes; default 4 and 6.
 */
export function tinyTranslatorOptions(
  [sourceVocabularySize, targetVocabularySize]: readonly [source: number, target: number],
  seed: number,
  { embeddingDim, units }: TinySizes = { embeddingDim: 4, units: 6 },
) {
  return { sourceVocabularySize, targetVocabularySize, embeddingDim, units, seed } as const;
}
