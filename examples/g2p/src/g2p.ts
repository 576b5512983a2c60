// Grapheme-to-phoneme on rnnkit: letters → preparePairs (char source, phoneme target) →
// encoderDecoder (bidirectional GRU encoder, attention) → train() on length-sorted batches →
// greedy or beam translate → word and phoneme error rates against every reference pronunciation.
// main.ts runs it (start, quality); the smoke test runs it on a slice of the dictionary.
import { SeededRandom } from '@rnnkit/core';
import { levenshtein, phonemeErrorRate } from '@rnnkit/metrics';
import { maskedSparseCategoricalCrossentropy } from '@rnnkit/metrics/tensor';
import { type History, train, type Verbosity } from '@rnnkit/rnn-models';
import {
  type AttentionKind,
  type DecodingMethod,
  decodeTargets,
  type EncoderDecoder,
  encoderDecoder,
  encodeSources,
  type PairVocabularies,
  type PreparedPairs,
  preparePairs,
  type TeacherForcingBatch,
  type TextPair,
  teacherForcingBatch,
  translate,
} from '@rnnkit/seq2seq';
import type { LexiconEntry } from './lexicon.js';

export interface TrainG2pOptions {
  readonly pairs: readonly TextPair[];
  readonly units: number;
  readonly embeddingDim: number;
  readonly attention: AttentionKind;
  readonly bidirectionalEncoder: boolean;
  readonly dropout: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** Cosine-decay the rate to this fraction of `learningRate` over the run (1 keeps it constant). */
  readonly finalLearningRateFraction: number;
  readonly seed: number;
  /** 0 silent, 1 progress bar on a TTY (plain lines otherwise). */
  readonly verbose: Verbosity;
  readonly signal?: AbortSignal;
}

/** What pronouncing needs: a trained (or reloaded) translator and its vocabularies. */
export interface G2pTranslator {
  readonly translator: EncoderDecoder;
  /** A `preparePairs` result or what `loadEncoderDecoder` returns beside the translator. */
  readonly prepared: PairVocabularies;
}

export interface TrainedG2p extends G2pTranslator {
  readonly translator: EncoderDecoder;
  /** Vocabularies, BOS/EOS and the training ids (plain data). */
  readonly prepared: PreparedPairs;
  readonly history: History;
}

/** The spelling and pronunciation sides of g2p pairs: letters in, space-separated phonemes out, no clean-up. */
export const G2P_LEVELS = { level: { source: 'char', target: 'word' }, standardize: false } as const;

/**
 * Batches of similar-length words, reshuffled every epoch: the pairs are shuffled, cut into pools
 * of 32 batches, each pool sorted by source length and sliced into batches, and the batches
 * shuffled — so little of each batch is padding, yet no two epochs see the same batches.
 * train() owns (and disposes) the batches.
 */
export function lengthSortedBatches(
  prepared: PreparedPairs,
  options: { readonly batchSize: number; readonly seed: number },
): () => Iterable<TeacherForcingBatch> {
  const random = new SeededRandom(options.seed);
  const { sourceSequences: sources, targetSequences: targets, bos, eos } = prepared;
  const pool = 32 * options.batchSize;
  return function* epoch() {
    const order = random.shuffleInPlace(Array.from({ length: sources.length }, (_, i) => i));
    const batches: number[][] = [];
    for (let start = 0; start < order.length; start += pool) {
      const sorted = order.slice(start, start + pool).sort((a, b) => sources[a]!.length - sources[b]!.length);
      for (let at = 0; at < sorted.length; at += options.batchSize) {
        batches.push(sorted.slice(at, at + options.batchSize));
      }
    }
    for (const rows of random.shuffleInPlace(batches)) {
      yield teacherForcingBatch(
        rows.map((i) => sources[i]!),
        rows.map((i) => targets[i]!),
        { bos, eos },
      );
    }
  };
}

/** Trains a g2p encoder–decoder with teacher forcing. The caller disposes `translator`. */
export async function trainG2p(options: TrainG2pOptions): Promise<TrainedG2p> {
  const prepared = preparePairs(options.pairs, G2P_LEVELS);
  const translator = encoderDecoder({
    sourceVocabularySize: prepared.sourceVocabulary.vocabularySize,
    targetVocabularySize: prepared.targetVocabulary.vocabularySize,
    embeddingDim: options.embeddingDim,
    units: options.units,
    cell: 'gru',
    bidirectionalEncoder: options.bidirectionalEncoder,
    attention: options.attention,
    dropout: options.dropout,
    seed: options.seed,
  });
  try {
    const history = await train(
      translator.model,
      lengthSortedBatches(prepared, { batchSize: options.batchSize, seed: options.seed }),
      {
        loss: maskedSparseCategoricalCrossentropy({ fromLogits: true }),
        optimizer: 'adam',
        learningRate: options.learningRate,
        learningRateSchedule: {
          kind: 'cosineDecay',
          decaySteps: options.epochs * Math.ceil(prepared.sourceSequences.length / options.batchSize),
          alpha: options.finalLearningRateFraction,
        },
        globalClipNorm: 1,
        epochs: options.epochs,
        seed: options.seed,
        verbose: options.verbose,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      },
    );
    return { translator, prepared, history };
  } catch (error) {
    translator.dispose();
    throw error;
  }
}

export interface PronounceOptions {
  readonly method: Exclude<DecodingMethod, 'sample'>;
  /** Beams per word with `method: 'beam'`. */
  readonly beamWidth: number;
}

/** Pronunciations of `words` (lowercase letters), one phoneme array each. */
export async function pronounce(
  g2p: G2pTranslator,
  words: readonly string[],
  options: PronounceOptions,
): Promise<string[][]> {
  const { prepared, translator } = g2p;
  const sources = encodeSources([...words], prepared).sequences;
  const translations = await translate(translator, sources, {
    bos: prepared.bos,
    eos: prepared.eos,
    method: options.method,
    beamWidth: options.beamWidth,
    // No English word has more phonemes than letters + 3 ("x" → EH K S).
    maxNewTokens: Math.max(...words.map((word) => word.length)) + 4,
  });
  return decodeTargets(
    translations.map((t) => t.ids),
    prepared,
  ).map((text) => (text === '' ? [] : text.split(' ')));
}

export interface G2pScores {
  /** Fraction of words whose predicted pronunciation is none of the word's references. */
  readonly wordErrorRate: number;
  /** Phoneme edits over reference phonemes, each word against its closest reference. */
  readonly phonemeErrorRate: number;
  readonly words: number;
  readonly wrongWords: number;
}

/**
 * Scores predictions the way Phonetisaurus and CMUSphinx g2p-seq2seq do for dictionaries with
 * alternates: a word is right if it matches any of its pronunciations, and its phoneme errors
 * are counted against the pronunciation it is closest to.
 */
export function scorePronunciations(
  entries: readonly LexiconEntry[],
  predicted: readonly (readonly string[])[],
): G2pScores {
  let wrongWords = 0;
  const closest = entries.map((entry, i) => {
    const hypothesis = predicted[i]!;
    let best = entry.pronunciations[0]!;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (const reference of entry.pronunciations) {
      const distance = levenshtein(reference, hypothesis);
      if (distance < bestDistance) [best, bestDistance] = [reference, distance];
    }
    if (bestDistance > 0) wrongWords += 1;
    return best;
  });
  return {
    wordErrorRate: wrongWords / entries.length,
    phonemeErrorRate: phonemeErrorRate(closest, predicted),
    words: entries.length,
    wrongWords,
  };
}

/** Pronounces every held-out word and scores it. */
export async function evaluateG2p(
  g2p: G2pTranslator,
  heldOut: readonly LexiconEntry[],
  options: PronounceOptions,
): Promise<{ scores: G2pScores; predicted: string[][] }> {
  const predicted = await pronounce(
    g2p,
    heldOut.map((entry) => entry.word),
    options,
  );
  return { scores: scorePronunciations(heldOut, predicted), predicted };
}
