// The experiment: a model pretrained on the source text (here, or loaded), its vocabulary
// realigned to the target's, fine-tuned on the target — against the same architecture trained
// from scratch on the target with the same batches, steps and learning-rate schedule.
import { realignVocabulary, type Verbosity } from '@rnnkit/rnn-models';
import type { CharVocabulary } from '@rnnkit/tokenize';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type Corpus, newTokens, splitText } from './corpus.js';
import { type HeldOutScore, heldOutBitsPerChar } from './held-out.js';
import { buildModel, type ModelSettings } from './model.js';
import { type Trained, trainSteps } from './train.js';

/** A model with what it takes to use it; the holder disposes `model`. */
export interface CharModel {
  readonly model: tfl.LayersModel;
  readonly vocabulary: CharVocabulary;
  readonly settings: ModelSettings;
}

export interface Recipe {
  readonly batchSize: number;
  readonly sequenceLength: number;
  readonly learningRate: number;
  readonly finalLearningRateFraction: number;
  readonly seed: number;
  readonly verbose: Verbosity;
}

/** Held-out scoring layout: contiguous streams of `sequenceLength`-character batches, state carried. */
export interface Scoring {
  readonly streams: number;
  readonly sequenceLength: number;
}

/**
 * Pretrains a model on `source` for `steps` batches (validation on its last `validationFraction`;
 * nothing is held out: the source is never scored). The caller owns the returned model.
 */
export async function pretrain(
  source: string,
  architecture: Omit<ModelSettings, 'vocabularySize'>,
  options: Recipe & { readonly steps: number; readonly validationFraction: number },
): Promise<CharModel & { readonly trained: Trained }> {
  const corpus = splitText(source, { heldOutFraction: 0, validationFraction: options.validationFraction });
  const settings = { ...architecture, vocabularySize: corpus.vocabulary.vocabularySize };
  const model = buildModel(settings, { seed: options.seed });
  try {
    const trained = await trainSteps(model, {
      ...options,
      train: corpus.train,
      validation: corpus.validation,
    });
    return { model, vocabulary: corpus.vocabulary, settings, trained };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

export interface Run {
  readonly model: tfl.LayersModel;
  readonly settings: ModelSettings;
  readonly trained: Trained;
  /** Held-out scores after the quarters of the steps listed in `curveQuarters`. */
  readonly curve: readonly { readonly quarter: number; readonly score: HeldOutScore }[];
  /** Seconds spent scoring the curve inside training (not in `trained.seconds`' training share). */
  readonly scoringSeconds: number;
}

export interface TransferResult {
  /** Tokens of the target's vocabulary the source model lacks (seeded by realignVocabulary). */
  readonly newTokens: readonly string[];
  /** Shared tokens, for the log. */
  readonly sharedTokens: number;
  /** The realigned pretrained model on the held-out target text before any fine-tuning. */
  readonly zeroShot: HeldOutScore;
  readonly fineTuned: Run;
  readonly scratch: Run;
}

export interface TransferOptions extends Recipe {
  /** Batches of fine-tuning, and of training from scratch. */
  readonly steps: number;
  readonly scoring: Scoring;
  /** Quarters of the steps (1–3) after which both runs are also scored on the held-out text. */
  readonly curveQuarters: readonly number[];
  /** Called before each run, for the log. */
  readonly onRun?: (name: 'fine-tuned' | 'scratch') => void;
}

/**
 * Realigns `pretrained` (borrowed, unchanged) to `target.vocabulary`, scores it zero-shot, then
 * fine-tunes it and trains a twin from scratch on the same batches. The caller owns (and
 * disposes) both returned models.
 */
export async function transfer(
  pretrained: CharModel,
  target: Corpus,
  options: TransferOptions,
): Promise<TransferResult> {
  const settings: ModelSettings = {
    ...pretrained.settings,
    vocabularySize: target.vocabulary.vocabularySize,
  };
  const score = (model: tfl.LayersModel) =>
    heldOutBitsPerChar(model, settings, target.heldOutContext, target.heldOut, {
      ...options.scoring,
      carryState: true,
    });
  // Both runs read the same batches: one seed for the target's data, another for the weights.
  const recipe = { ...options, seed: options.seed + 1, train: target.train, validation: target.validation };
  const run = async (name: 'fine-tuned' | 'scratch', model: tfl.LayersModel): Promise<Run> => {
    options.onRun?.(name);
    const curve: { quarter: number; score: HeldOutScore }[] = [];
    let scoringSeconds = 0;
    try {
      const trained = await trainSteps(model, {
        ...recipe,
        onQuarter: async (quarter, trainedSoFar) => {
          if (!options.curveQuarters.includes(quarter)) return;
          const started = performance.now();
          curve.push({ quarter, score: await score(trainedSoFar) });
          scoringSeconds += (performance.now() - started) / 1000;
        },
      });
      return { model, settings, trained, curve, scoringSeconds };
    } catch (error) {
      model.dispose();
      throw error;
    }
  };

  const realigned = realignVocabulary(
    pretrained.model,
    pretrained.vocabulary.tokens,
    target.vocabulary.tokens,
  );
  let zeroShot: HeldOutScore;
  try {
    zeroShot = await score(realigned);
  } catch (error) {
    realigned.dispose();
    throw error;
  }
  const fineTuned = await run('fine-tuned', realigned);
  let scratch: Run;
  try {
    scratch = await run('scratch', buildModel(settings, { seed: options.seed }));
  } catch (error) {
    fineTuned.model.dispose();
    throw error;
  }
  const fresh = newTokens(pretrained.vocabulary, target.vocabulary);
  return {
    newTokens: fresh,
    sharedTokens: target.vocabulary.vocabularySize - fresh.length,
    zeroShot,
    fineTuned,
    scratch,
  };
}
