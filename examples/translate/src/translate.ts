// The Keras/TensorFlow translation notebook on rnnkit: training pairs → preparePairs (the
// notebook's standardisation, word level) → encoderDecoder (GRU, Luong attention) → train() with
// teacherForcingBatches and the masked loss → greedy and beam translate → held-out BLEU with every
// reference of a source (evaluateTranslator) → save, reload, translate again → history and
// alignment plots. main.ts runs it (start, quality); the smoke test runs it on the shipped sample.

import { alignmentHeatMapSvg, plotHistorySvg } from '@rnnkit/metrics/plots';
import { maskedSparseCategoricalCrossentropy } from '@rnnkit/metrics/tensor';
import { type History, train, type Verbosity } from '@rnnkit/rnn-models';
import {
  type AttentionKind,
  decodeTargets,
  type EncoderDecoder,
  encoderDecoder,
  encodeSources,
  evaluateTranslator,
  type PairVocabularies,
  type PreparedPairs,
  preparePairs,
  type TextPair,
  type TranslatorEvaluation,
  teacherForcingBatches,
  translate,
  translateTexts as translateSourceTexts,
} from '@rnnkit/seq2seq';
import { loadEncoderDecoder, saveTranslator } from '@rnnkit/seq2seq/node';

export interface TrainTranslatorOptions {
  readonly pairs: readonly TextPair[];
  /** Most words per side (longer pairs are dropped, as in the notebook). */
  readonly maxLength: number;
  /** Most words per vocabulary (rarer words become [UNK]); `null` for all. */
  readonly maxVocabularySize: number | null;
  readonly units: number;
  readonly embeddingDim: number;
  readonly attention: AttentionKind;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
  /** 0 silent, 1 progress bar on a TTY (plain lines otherwise). */
  readonly verbose: Verbosity;
}

/** A trained translator: the model and what encoding and decoding need. */
export interface Translator {
  readonly model: EncoderDecoder;
  readonly vocabularies: PairVocabularies;
  /** Most words per side the model was trained on. */
  readonly maxLength: number;
}

export interface TrainedTranslator extends Translator {
  readonly prepared: PreparedPairs;
  readonly history: History;
}

/** Word-level pairs, a GRU encoder–decoder with attention, teacher-forced training. The caller disposes `model`. */
export async function trainTranslator(options: TrainTranslatorOptions): Promise<TrainedTranslator> {
  const prepared = preparePairs(options.pairs, {
    maxLength: options.maxLength,
    maxVocabularySize: options.maxVocabularySize,
  });
  const model = encoderDecoder({
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
  try {
    const history = await train(model.model, batches, {
      loss: maskedSparseCategoricalCrossentropy({ fromLogits: true }),
      optimizer: 'adam',
      learningRate: options.learningRate,
      globalClipNorm: 1,
      epochs: options.epochs,
      seed: options.seed,
      verbose: options.verbose,
    });
    return { model, vocabularies: prepared, maxLength: options.maxLength, prepared, history };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

export interface DecodeOptions {
  readonly method: 'greedy' | 'beam';
  readonly beamWidth: number;
}

/** Decoded translations of `sources` (raw text) as text, greedy or beam. */
export function translateTexts(
  translator: Translator,
  sources: readonly string[],
  options: DecodeOptions,
): Promise<string[]> {
  return translateSourceTexts(translator.model, sources, translator.vocabularies, {
    method: options.method,
    beamWidth: options.beamWidth,
    // Targets of the training data have at most maxLength words; leave room for a longer guess.
    maxNewTokens: translator.maxLength + 5,
  });
}

/** Corpus BLEU (NLTK's BLEU-4), exact match and token accuracy on held-out pairs, every target of a source a reference. */
export function evaluate(
  translator: Translator,
  heldOut: readonly TextPair[],
  options: DecodeOptions,
): Promise<TranslatorEvaluation> {
  return evaluateTranslator((sources) => translateTexts(translator, sources, options), heldOut, {
    batchSize: 256,
  });
}

/** Saves the translator (model, config, vocabularies) to `dir` and loads it back; the caller disposes the loaded `model`. */
export async function saveAndReload(
  translator: Translator,
  dir: string,
  metadata: { readonly [key: string]: string | number },
): Promise<Translator> {
  await saveTranslator(
    { ...translator.vocabularies, model: translator.model.model, config: translator.model.config },
    dir,
    { metadata: { ...metadata, maxLength: translator.maxLength } },
  );
  const { translator: model, ...vocabularies } = await loadEncoderDecoder(dir);
  return { model, vocabularies, maxLength: translator.maxLength };
}

/** The greedy translation of `source` and its attention over the source words, as an SVG heat map. */
export async function alignmentPlot(
  translator: Translator,
  source: string,
): Promise<{ readonly translation: string; readonly svg: string }> {
  const { vocabularies } = translator;
  const encoded = encodeSources([source], vocabularies);
  const [result] = await translate(translator.model, encoded.sequences, {
    bos: vocabularies.bos,
    eos: vocabularies.eos,
    maxNewTokens: translator.maxLength + 5,
    returnAttention: true,
  });
  const [translation] = decodeTargets([result!.ids], vocabularies);
  const sourceTokens = encoded.sequences[0]!.map((id) => vocabularies.sourceVocabulary.idToToken(id));
  const targetTokens = result!.ids.map((id) => vocabularies.targetVocabulary.idToToken(id));
  if (result!.finished) targetTokens.push('[end]');
  const svg = await alignmentHeatMapSvg(result!.attention!, {
    sourceTokens,
    targetTokens,
    title: `Attention: ${encoded.texts[0]} → ${translation}`,
  });
  return { translation: translation!, svg };
}

/** The training loss per epoch, as an SVG line plot. */
export function historyPlot(history: History): Promise<string> {
  return plotHistorySvg(history, { title: 'Training loss (masked cross-entropy)' });
}
