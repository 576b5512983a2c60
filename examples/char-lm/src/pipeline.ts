// The whole char-RNN workflow of the Keras/TF text-generation tutorial, on rnnkit:
// text → CharVocabulary → shifted chunks → shuffled batches → LSTM language model → train()
// → checkpoint → toStepModel → streamed sampling. main.ts runs it on Moby-Dick; the smoke test
// runs it on one chapter.
import { Dataset, mobyDick, shiftedChunks } from '@rnnkit/datasets';
import { toTensors } from '@rnnkit/datasets/tensor';
import { type History, languageModel, toStepModel, train } from '@rnnkit/rnn-models';
import { generate, type TokenEvent } from '@rnnkit/sampling';
import { CharVocabulary, standardize } from '@rnnkit/tokenize';
import type * as tfl from '@tensorflow/tfjs-layers';

/** The novel from chapter 1 ("Loomings") on, lowercased with whitespace collapsed. */
export async function mobyDickStory(maxChars = Number.POSITIVE_INFINITY): Promise<string> {
  const chapters = await mobyDick({ byChapter: true });
  const first = chapters.findIndex((chapter) => chapter.chapter === '1');
  const text = chapters
    .slice(first)
    .map((chapter) => chapter.text)
    .join('\n\n');
  return standardize(text, { lowercase: true, collapseWhitespace: true }).slice(0, maxChars);
}

export interface TrainCharModelOptions {
  readonly text: string;
  readonly sequenceLength: number;
  readonly batchSize: number;
  /** Optimizer steps per epoch (batches taken from the shuffled chunks). */
  readonly stepsPerEpoch: number;
  readonly epochs: number;
  readonly embeddingDim: number;
  readonly units: number;
  readonly learningRate: number;
  readonly seed: number;
  /** 0 silent, 1 progress bar on a TTY (plain lines otherwise). */
  readonly verbose: 0 | 1;
}

export interface TrainedCharModel {
  readonly model: tfl.LayersModel;
  readonly vocabulary: CharVocabulary;
  readonly history: History;
  /** Characters the model was trained on (token passes). */
  readonly tokens: number;
}

/** Builds and trains the tutorial's model (Embedding → LSTM → Dense(vocab)) on `text`. The caller owns the model. */
export async function trainCharModel(options: TrainCharModelOptions): Promise<TrainedCharModel> {
  const { text, sequenceLength, batchSize, stepsPerEpoch, epochs, seed } = options;
  const vocabulary = CharVocabulary.fromText(text);
  const ids = vocabulary.encode(text);
  const batches = toTensors(
    Dataset.from(() => shiftedChunks(ids, { sequenceLength }))
      .shuffle(10_000, seed)
      .batch(batchSize, { dropRemainder: true })
      .take(stepsPerEpoch),
    { xsDtype: 'int32', ysDtype: 'int32' },
  );
  const model = languageModel({
    vocabularySize: vocabulary.vocabularySize,
    embeddingDim: options.embeddingDim,
    sequenceLength,
    cell: 'lstm',
    units: options.units,
    seed,
  });
  const history = await train(model, batches, {
    epochs,
    optimizer: 'adam',
    learningRate: options.learningRate,
    loss: 'sparseCategoricalCrossentropy',
    metrics: ['accuracy'],
    globalClipNorm: 5,
    seed,
    verbose: options.verbose,
  });
  const tokens = history.epoch.length * stepsPerEpoch * batchSize * sequenceLength;
  return { model, vocabulary, history, tokens };
}

export interface SampleTextOptions {
  readonly prompt: string;
  readonly maxNewTokens: number;
  readonly temperature: number;
  /** Keep only the k most likely characters (the tutorial's `get_top_char`); `null` keeps all. */
  readonly topK: number | null;
  readonly seed: number;
  readonly onText?: (text: string) => void;
}

export interface SampledText {
  /** The generated continuation (without the prompt). */
  readonly text: string;
  readonly millis: number;
  readonly tokensPerSecond: number;
}

/** Generates `maxNewTokens` characters after `prompt`, one LSTM step per character. */
export async function sampleText(
  model: tfl.LayersModel,
  vocabulary: CharVocabulary,
  options: SampleTextOptions,
): Promise<SampledText> {
  const stepModel = toStepModel(model);
  const started = performance.now();
  const result = await generate(stepModel, {
    prompt: options.prompt,
    decoder: vocabulary,
    maxNewTokens: options.maxNewTokens,
    temperature: options.temperature,
    topK: options.topK,
    seed: options.seed,
    onToken: options.onText ? (token: TokenEvent) => options.onText!(token.text) : null,
  });
  const millis = performance.now() - started;
  return { text: result.text ?? '', millis, tokensPerSecond: (result.steps / millis) * 1000 };
}
