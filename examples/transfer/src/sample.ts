// Generation: one recurrent step per character through toStepModel, streamed as it is sampled.
import { toStepModel } from '@rnnkit/rnn-models';
import { stream } from '@rnnkit/sampling';
import type { CharVocabulary } from '@rnnkit/tokenize';
import type * as tfl from '@tensorflow/tfjs-layers';

export interface SampleOptions {
  readonly prompt: string;
  readonly maxNewTokens: number;
  /** Softmax temperature; 0 is greedy. */
  readonly temperature: number;
  /** Keep the k most likely characters (`null`: all). */
  readonly topK: number | null;
  /** Nucleus sampling: the smallest set with this much probability (1: off). */
  readonly topP: number;
  readonly seed: number;
  /** Receives each character as it is sampled. */
  readonly onText?: (text: string) => void;
}

export interface Sample {
  /** The continuation, without the prompt. */
  readonly text: string;
  readonly millis: number;
  readonly charactersPerSecond: number;
}

/** Samples `maxNewTokens` characters after `prompt`; the model is borrowed, never disposed. */
export async function sampleText(
  model: tfl.LayersModel,
  vocabulary: CharVocabulary,
  options: SampleOptions,
): Promise<Sample> {
  const started = performance.now();
  let text = '';
  for await (const token of stream(toStepModel(model), {
    prompt: options.prompt,
    decoder: vocabulary,
    maxNewTokens: options.maxNewTokens,
    temperature: options.temperature,
    topK: options.topK,
    topP: options.topP,
    seed: options.seed,
    // The model never saw <unk> as a target; never print it either.
    bannedIds: vocabulary.specialIds.oov === undefined ? [] : [vocabulary.specialIds.oov],
  })) {
    text += token.text;
    options.onText?.(token.text);
  }
  const millis = performance.now() - started;
  return { text, millis, charactersPerSecond: (text.length / millis) * 1000 };
}
