// Streamed generation: one recurrent step per character (toStepModel) through sampling's
// stream(), each character handed to the page as soon as it is sampled.
import { toStepModel } from '@rnnkit/rnn-models';
import { stream } from '@rnnkit/sampling';
import type { CharVocabulary } from '@rnnkit/tokenize';
import type * as tfl from '@tensorflow/tfjs-layers';

export interface GenerateSettings {
  readonly prompt: string;
  readonly maxNewTokens: number;
  /** 0 is greedy. */
  readonly temperature: number;
  /** null: off. */
  readonly topK: number | null;
  /** 1: off. */
  readonly topP: number;
  readonly seed: number;
  /** Strings that end generation (kept in the text). */
  readonly stop: readonly string[];
}

export interface Generated {
  readonly text: string;
  readonly tokens: number;
  readonly seconds: number;
  /** New tokens per second over the whole call (prompt feeding included). */
  readonly tokensPerSecond: number;
  readonly stopReason: string;
}

/**
 * Samples after `settings.prompt`; `onText` receives each character. The model is borrowed.
 * @throws SamplingError `SAMPLING_ABORTED` when `signal` fires (the text so far was delivered).
 */
export async function generateText(
  model: tfl.LayersModel,
  vocabulary: CharVocabulary,
  settings: GenerateSettings,
  options: { readonly onText: (text: string) => void; readonly signal?: AbortSignal },
): Promise<Generated> {
  const started = performance.now();
  const oov = vocabulary.specialIds.oov;
  let text = '';
  let tokens = 0;
  let stopReason = 'maxNewTokens';
  for await (const token of stream(toStepModel(model), {
    prompt: settings.prompt,
    decoder: vocabulary,
    maxNewTokens: settings.maxNewTokens,
    temperature: settings.temperature,
    topK: settings.topK,
    topP: settings.topP,
    seed: settings.seed,
    stop: [...settings.stop],
    // The model never learnt to predict <unk>; never print it.
    bannedIds: oov === undefined ? [] : [oov],
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  })) {
    text += token.text;
    tokens += 1;
    if (token.stopReason !== null) stopReason = token.stopReason;
    options.onText(token.text);
  }
  const seconds = (performance.now() - started) / 1000;
  return { text, tokens, seconds, tokensPerSecond: tokens / seconds, stopReason };
}
