// Generation: the model reads exactly 10 characters, so each step re-feeds the last window
// (sampling's windowedStepModel), as the notebook's loop did; streamed as it is sampled.
import { stream, windowedStepModel } from '@rnnkit/sampling';
import type { CharVocabulary } from '@rnnkit/tokenize';
import type * as tfl from '@tensorflow/tfjs-layers';
import { standardizePoetry } from './corpus.js';

export interface GenerateOptions {
  /** Raw prompt: standardized as the training text was ("To be or not to be." → "to be or not to be."). */
  readonly prompt: string;
  readonly sequenceLength: number;
  readonly maxNewTokens: number;
  /** Softmax temperature; 0 is greedy. */
  readonly temperature: number;
  readonly seed: number;
  /** Receives each character as it is sampled. */
  readonly onText?: (text: string) => void;
}

export interface Generated {
  /** The standardized prompt the model was fed. */
  readonly prompt: string;
  /** The continuation, without the prompt. */
  readonly text: string;
  readonly millis: number;
}

/**
 * Samples `maxNewTokens` characters after the standardized prompt. A prompt shorter than the
 * window is pre-padded with spaces, as a line of text starts after one. The model is borrowed, never disposed.
 */
export async function generateText(
  model: tfl.LayersModel,
  vocabulary: CharVocabulary,
  options: GenerateOptions,
): Promise<Generated> {
  const prompt = standardizePoetry(options.prompt);
  const started = performance.now();
  let text = '';
  const lm = windowedStepModel(model, {
    sequenceLength: options.sequenceLength,
    padId: vocabulary.tokenToId(' '),
  });
  for await (const token of stream(lm, {
    prompt,
    decoder: vocabulary,
    maxNewTokens: options.maxNewTokens,
    temperature: options.temperature,
    seed: options.seed,
  })) {
    text += token.text;
    options.onText?.(token.text);
  }
  return { prompt, text, millis: performance.now() - started };
}
