// Generation from the window model: sampling's windowedStepModel re-feeds the last
// `sequenceLength` words each step, exactly the input the model was trained on.
import { generate, windowedStepModel } from '@rnnkit/sampling';
import type { WordLm } from './persist.js';

export interface GenerateWordsOptions {
  readonly prompt: string;
  /** Continuations sampled side by side (rows of one batch). */
  readonly samples: number;
  /** Words per continuation at most; each also stops after its first sentence end. */
  readonly maxNewTokens: number;
  /** Softmax temperature; 0 is greedy. */
  readonly temperature: number;
  /** Keep the k most likely words (`null`: all). */
  readonly topK: number | null;
  readonly seed: number;
}

/** Samples `samples` one-sentence continuations of `prompt`; the model is borrowed, never disposed. */
export async function generateSentences(lm: WordLm, options: GenerateWordsOptions): Promise<string[]> {
  const { vocabulary, settings } = lm;
  const stepModel = windowedStepModel(lm.model, {
    sequenceLength: settings.sequenceLength,
    outputs: 'logits',
    // A prompt shorter than the window is padded with <unk>: "some words we cannot name".
    padId: vocabulary.oovId,
  });
  const result = await generate(stepModel, {
    prompt: vocabulary.encode(options.prompt),
    decoder: vocabulary,
    maxNewTokens: options.maxNewTokens,
    temperature: options.temperature,
    topK: options.topK,
    seed: options.seed,
    batchSize: options.samples,
    stop: vocabulary.sentenceEndIds(),
    // <unk> is a real target for both models' perplexity, but printing it says nothing.
    bannedIds: [vocabulary.oovId],
  });
  return result.sequences.map((sequence) => sequence.text ?? vocabulary.decode(sequence.ids));
}
