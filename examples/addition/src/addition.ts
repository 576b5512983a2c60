// The classic Keras seq2seq sanity task on rnnkit: "123+45" → "168", one character at a time.
// generated, seeded sums → preparePairs (char level) → encoderDecoder (GRU + attention) → train()
// with teacherForcingBatches → greedy translate → evaluateTranslator on held-out sums.
// main.ts runs it (start, quality); the smoke test runs it on 1–2 digit numbers.
import { SeededRandom } from '@rnnkit/core';
import { maskedSparseCategoricalCrossentropy } from '@rnnkit/metrics/tensor';
import { type History, train, type Verbosity } from '@rnnkit/rnn-models';
import {
  type AttentionKind,
  decodeTargets,
  type EncoderDecoder,
  encoderDecoder,
  encodeSources,
  evaluateTranslator,
  type PreparedPairs,
  preparePairs,
  type TextPair,
  type TranslatorEvaluation,
  teacherForcingBatches,
  translate,
} from '@rnnkit/seq2seq';

/** A random number of 1…`maxDigits` digits (the digit count uniform, then the number). */
function randomNumber(random: SeededRandom, maxDigits: number): number {
  const digits = 1 + random.nextInt(maxDigits);
  return digits === 1 ? random.nextInt(10) : 10 ** (digits - 1) + random.nextInt(9 * 10 ** (digits - 1));
}

export interface AdditionSplit {
  readonly train: TextPair[];
  readonly heldOut: TextPair[];
}

/**
 * `trainCount + heldOutCount` distinct problems `"a+b"` → `"a+b's value"` with a and b of
 * 1…`maxDigits` digits, seeded; no held-out question appears in training (Keras' example
 * dedupes the same way). Throws when there are not that many distinct problems.
 */
export function additionPairs(options: {
  readonly trainCount: number;
  readonly heldOutCount: number;
  readonly maxDigits: number;
  readonly seed: number;
}): AdditionSplit {
  const { trainCount, heldOutCount, maxDigits, seed } = options;
  const wanted = trainCount + heldOutCount;
  if (wanted > 0.7 * 10 ** (2 * maxDigits)) {
    throw new Error(`additionPairs: ${wanted} distinct problems are too many for ${maxDigits}-digit numbers`);
  }
  const random = new SeededRandom(seed);
  const seen = new Set<string>();
  const pairs: TextPair[] = [];
  while (pairs.length < wanted) {
    const a = randomNumber(random, maxDigits);
    const b = randomNumber(random, maxDigits);
    const source = `${a}+${b}`;
    if (seen.has(source)) continue;
    seen.add(source);
    pairs.push({ source, target: String(a + b) });
  }
  return { train: pairs.slice(0, trainCount), heldOut: pairs.slice(trainCount) };
}

export interface TrainAdditionOptions {
  readonly pairs: readonly TextPair[];
  readonly units: number;
  readonly embeddingDim: number;
  readonly attention: AttentionKind;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** Cosine-decay the rate to this fraction of `learningRate` over the run (1 keeps it constant). */
  readonly finalLearningRateFraction: number;
  readonly seed: number;
  /** 0 silent, 1 progress bar on a TTY (plain lines otherwise). */
  readonly verbose: Verbosity;
}

export interface TrainedAdder {
  readonly translator: EncoderDecoder;
  /** Vocabularies, BOS/EOS and the training ids (plain data). */
  readonly prepared: PreparedPairs;
  readonly history: History;
}

/** Character-level pairs, a GRU encoder–decoder with attention, teacher-forced training. The caller disposes `translator`. */
export async function trainAdder(options: TrainAdditionOptions): Promise<TrainedAdder> {
  // Digits and '+' are the tokens: the translation notebook's standardisation would drop them.
  const prepared = preparePairs(options.pairs, { level: 'char', standardize: false });
  const translator = encoderDecoder({
    sourceVocabularySize: prepared.sourceVocabulary.vocabularySize,
    targetVocabularySize: prepared.targetVocabulary.vocabularySize,
    embeddingDim: options.embeddingDim,
    units: options.units,
    cell: 'gru',
    attention: options.attention,
    seed: options.seed,
  });
  const batches = teacherForcingBatches(prepared.sourceSequences, prepared.targetSequences, {
    bos: prepared.bos,
    eos: prepared.eos,
    batchSize: options.batchSize,
    seed: options.seed,
  });
  const history = await train(translator.model, batches, {
    loss: maskedSparseCategoricalCrossentropy({ fromLogits: true }),
    optimizer: 'adam',
    learningRate: options.learningRate,
    // A constant rate leaves the loss bouncing around 0.02–0.03 (≈ 95% exact); decaying it settles the last digits.
    learningRateSchedule: {
      kind: 'cosineDecay',
      decaySteps: options.epochs * Math.ceil(options.pairs.length / options.batchSize),
      alpha: options.finalLearningRateFraction,
    },
    globalClipNorm: 1,
    epochs: options.epochs,
    seed: options.seed,
    verbose: options.verbose,
  });
  return { translator, prepared, history };
}

/** Greedy answers to `questions` ("12+7"), as text. */
export async function answer(adder: TrainedAdder, questions: readonly string[]): Promise<string[]> {
  const { prepared, translator } = adder;
  const sources = encodeSources([...questions], prepared).sequences;
  const maxDigits = Math.max(...questions.map((q) => q.length));
  const translations = await translate(translator, sources, {
    bos: prepared.bos,
    eos: prepared.eos,
    maxNewTokens: maxDigits + 2,
  });
  return decodeTargets(
    translations.map((t) => t.ids),
    prepared,
  );
}

/** Exact match (and token accuracy) of greedy answers on held-out pairs. */
export function evaluateAdder(
  adder: TrainedAdder,
  heldOut: readonly TextPair[],
): Promise<TranslatorEvaluation> {
  return evaluateTranslator((questions) => answer(adder, questions), heldOut, {
    level: 'char',
    standardize: false,
    batchSize: 256,
  });
}
