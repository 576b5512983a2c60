// A saved model folder in the browser: model.json + its weights files + extras.json (the
// vocabulary and settings), as saveModel of @rnnkit/rnn-models/node writes it and as this page
// downloads it. Everything is checked before tfjs builds the model, and every failure names the
// file and what is wrong with it — a user picking the wrong folder reads why, not a blank page.
import { GRU, LSTM, Orthogonal, PeepholeLSTM, SimpleRNN, toStepModel } from '@rnnkit/rnn-models';
import { CharVocabulary } from '@rnnkit/tokenize';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** What rebuilds the network; saved in extras.json as `model` (the char-lm example's layout). */
export interface ModelSettings {
  readonly vocabularySize: number;
  readonly cell: 'lstm' | 'gru';
  readonly units: readonly number[];
  readonly embeddingDim: number;
  readonly dropout: number;
}

/** A file of a model folder: its name (without folders) and bytes. */
export interface ModelFile {
  readonly name: string;
  readonly bytes: ArrayBuffer;
}

export interface LoadedModel {
  /** The caller owns it (dispose it when replaced). */
  readonly model: tfl.LayersModel;
  readonly vocabulary: CharVocabulary;
  readonly settings: ModelSettings | null;
  /** Total bytes of model.json, the weights and extras.json. */
  readonly bytes: number;
}

/** A model folder that cannot be loaded: `file` is the culprit, the message says why and what to do. */
export class ModelFilesError extends Error {
  override readonly name = 'ModelFilesError';
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * rnnkit's serializable classes, which saved models name. Naming them here keeps their
 * registration in the bundle: Vite does not apply rnn-models' `sideEffects` list to the
 * workspace-linked package and would drop the `registerClass` calls (`Unknown layer: RnnkitGRU`).
 */
export const RNNKIT_CLASS_NAMES = [GRU, LSTM, PeepholeLSTM, SimpleRNN, Orthogonal].map((c) => c.className);

const MODEL_JSON = 'model.json';
const EXTRAS_JSON = 'extras.json';
const CHECKPOINT_JSON = 'checkpoint.json';
const BYTES_PER_VALUE: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

/** The files a `<input type=file>` (folder or several files) gave, as {@link ModelFile}s. */
export async function readPickedFiles(files: Iterable<File>): Promise<ModelFile[]> {
  return Promise.all(
    Array.from(files, async (file) => ({ name: file.name, bytes: await file.arrayBuffer() })),
  );
}

/** Fetches a served model folder (model.json, the weights it lists, extras.json). */
export async function fetchModelFolder(baseUrl: string): Promise<ModelFile[]> {
  const get = async (name: string) => {
    const response = await fetch(new URL(name, baseUrl));
    if (!response.ok)
      throw new ModelFilesError(name, `${name}: HTTP ${response.status} from ${response.url}.`);
    return { name, bytes: await response.arrayBuffer() };
  };
  const modelJson = await get(MODEL_JSON);
  const manifest = parseJson(modelJson) as { weightsManifest?: { paths?: string[] }[] };
  const paths = (manifest.weightsManifest ?? []).flatMap((group) => group.paths ?? []);
  const rest = await Promise.all([...paths, EXTRAS_JSON].map(get));
  // saveModel's manifest (sizes and SHA-256 of every file), when the folder has one.
  const checkpoint = await fetch(new URL(CHECKPOINT_JSON, baseUrl));
  const sums = checkpoint.ok ? [{ name: CHECKPOINT_JSON, bytes: await checkpoint.arrayBuffer() }] : [];
  return [modelJson, ...rest, ...sums];
}

/**
 * Checks a model folder and builds its model and vocabulary.
 * @throws ModelFilesError naming the file: no model.json, JSON that does not parse, a topology or
 *   weights manifest that is not tfjs', a weights file missing or of the wrong size, a file whose
 *   SHA-256 differs from checkpoint.json's, no or a malformed vocabulary, a model tfjs cannot
 *   build, a vocabulary of another size than the model's output, a model that cannot be stepped.
 */
export async function loadModelFiles(files: readonly ModelFile[]): Promise<LoadedModel> {
  const byName = new Map(files.map((file) => [file.name, file]));
  const names = files.map((file) => file.name).join(', ') || 'none';
  const modelFile = byName.get(MODEL_JSON);
  if (modelFile === undefined) {
    throw new ModelFilesError(
      MODEL_JSON,
      `No model.json among the chosen files (${names}). Choose the folder a model was saved to: ` +
        'model.json, weights.bin and extras.json.',
    );
  }
  const modelJson = parseJson(modelFile);
  if (
    typeof modelJson !== 'object' ||
    modelJson === null ||
    typeof (modelJson as { modelTopology?: unknown }).modelTopology !== 'object' ||
    !Array.isArray((modelJson as { weightsManifest?: unknown }).weightsManifest)
  ) {
    throw new ModelFilesError(
      MODEL_JSON,
      'model.json is not a TensorFlow.js layers model: it needs a modelTopology object and a weightsManifest list.',
    );
  }
  const { modelTopology, weightsManifest } = modelJson as {
    modelTopology: object;
    weightsManifest: unknown[];
  };
  const { weightSpecs, weightData } = readWeights(weightsManifest, byName);
  await checkChecksums(byName);
  const extras = byName.get(EXTRAS_JSON);
  if (extras === undefined) {
    throw new ModelFilesError(
      EXTRAS_JSON,
      `No extras.json among the chosen files (${names}): it holds the model's vocabulary ` +
        '(saveModel(model, dir, { extras: { vocabulary: vocabulary.toJSON() } }) writes it).',
    );
  }
  const { vocabulary, settings } = readExtras(parseJson(extras));
  let model: tfl.LayersModel;
  try {
    model = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology, weightSpecs, weightData }));
  } catch (cause) {
    throw new ModelFilesError(
      MODEL_JSON,
      `TensorFlow.js could not build the model of model.json: ${(cause as Error).message.split('\n')[0]} ` +
        `(this page knows tfjs-layers' classes and rnnkit's ${RNNKIT_CLASS_NAMES.join(', ')}).`,
      { cause },
    );
  }
  try {
    const outputs = model.outputs[0]?.shape.at(-1);
    if (outputs !== vocabulary.vocabularySize) {
      throw new ModelFilesError(
        EXTRAS_JSON,
        `extras.json's vocabulary has ${vocabulary.vocabularySize} tokens, but the model predicts ${outputs}: ` +
          'the two files come from different models.',
      );
    }
    try {
      toStepModel(model);
    } catch (cause) {
      throw new ModelFilesError(
        MODEL_JSON,
        `model.json is not a language model this page can sample from: ${(cause as Error).message}`,
        { cause },
      );
    }
  } catch (error) {
    model.dispose();
    throw error;
  }
  const bytes = files
    .filter((file) => file.name !== CHECKPOINT_JSON)
    .reduce((sum, file) => sum + file.bytes.byteLength, 0);
  return { model, vocabulary, settings, bytes };
}

function parseJson(file: ModelFile): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(file.bytes));
  } catch (cause) {
    throw new ModelFilesError(
      file.name,
      `${file.name} is not valid JSON (${(cause as Error).message}): the file is damaged or not a saved model's.`,
      { cause },
    );
  }
}

/** The weight specs and the weights files' bytes, concatenated in manifest order. */
function readWeights(
  manifest: readonly unknown[],
  byName: ReadonlyMap<string, ModelFile>,
): { weightSpecs: tf.io.WeightsManifestEntry[]; weightData: ArrayBuffer } {
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const shards: Uint8Array[] = [];
  for (const group of manifest) {
    const { paths, weights } = (group ?? {}) as { paths?: unknown; weights?: unknown };
    if (!Array.isArray(paths) || !Array.isArray(weights) || paths.some((p) => typeof p !== 'string')) {
      throw new ModelFilesError(
        MODEL_JSON,
        'model.json has a weightsManifest group without a paths list and a weights list.',
      );
    }
    let needed = 0;
    for (const spec of weights as tf.io.WeightsManifestEntry[]) {
      const dtype = spec?.quantization?.dtype ?? spec?.dtype;
      const size = BYTES_PER_VALUE[dtype as string];
      if (typeof spec?.name !== 'string' || !Array.isArray(spec.shape) || size === undefined) {
        throw new ModelFilesError(
          MODEL_JSON,
          `model.json has a malformed weight entry ${JSON.stringify(spec)}.`,
        );
      }
      needed += spec.shape.reduce((product, n) => product * n, 1) * size;
      weightSpecs.push(spec);
    }
    let got = 0;
    for (const path of paths as string[]) {
      const name = path.split('/').at(-1)!;
      const file = byName.get(name);
      if (file === undefined) {
        throw new ModelFilesError(
          name,
          `model.json lists the weights file ${name}, which is not among the chosen files: choose it too.`,
        );
      }
      got += file.bytes.byteLength;
      shards.push(new Uint8Array(file.bytes));
    }
    if (got !== needed) {
      const files = (paths as string[]).join(', ');
      throw new ModelFilesError(
        String(paths[0]),
        `${files} ${paths.length === 1 ? 'has' : 'have'} ${got} bytes, but model.json's weightsManifest needs ` +
          `${needed} for its ${weights.length} weights: the file is truncated or belongs to another model.`,
      );
    }
  }
  const weightData = new Uint8Array(shards.reduce((sum, shard) => sum + shard.length, 0));
  let at = 0;
  for (const shard of shards) {
    weightData.set(shard, at);
    at += shard.length;
  }
  return { weightSpecs, weightData: weightData.buffer };
}

/** When saveModel's checkpoint.json is among the files: every file's SHA-256 must match it. */
async function checkChecksums(byName: ReadonlyMap<string, ModelFile>): Promise<void> {
  const checkpoint = byName.get(CHECKPOINT_JSON);
  if (checkpoint === undefined || globalThis.crypto?.subtle === undefined) return;
  const sums = (parseJson(checkpoint) as { sha256?: Record<string, string> }).sha256 ?? {};
  for (const [name, expected] of Object.entries(sums)) {
    const file = byName.get(name);
    if (file === undefined) continue;
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', file.bytes));
    const hex = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
    if (hex !== expected) {
      throw new ModelFilesError(
        name,
        `${name} does not match the SHA-256 that checkpoint.json records for it: the file is damaged or ` +
          'comes from another save.',
      );
    }
  }
}

function readExtras(extras: unknown): { vocabulary: CharVocabulary; settings: ModelSettings | null } {
  const { vocabulary, model } = (extras ?? {}) as { vocabulary?: unknown; model?: unknown };
  if (vocabulary === undefined) {
    throw new ModelFilesError(
      EXTRAS_JSON,
      'extras.json has no vocabulary: this page needs the CharVocabulary the model was trained with.',
    );
  }
  try {
    return {
      vocabulary: CharVocabulary.fromJSON(vocabulary as string),
      settings: typeof model === 'object' && model !== null ? (model as ModelSettings) : null,
    };
  } catch (cause) {
    throw new ModelFilesError(
      EXTRAS_JSON,
      `extras.json's vocabulary is not a CharVocabulary: ${(cause as Error).message}`,
      { cause },
    );
  }
}

/** A trained model as the three files of a folder (what the page offers to download). */
export async function toModelFiles(
  model: tfl.LayersModel,
  extras: { readonly vocabulary: string; readonly model: ModelSettings },
): Promise<ModelFile[]> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (saved) => {
      artifacts = saved;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return artifactsToFiles(artifacts!, extras);
}

/** model.json (tfjs' format, weights in weights.bin), weights.bin and extras.json. */
export function artifactsToFiles(
  artifacts: tf.io.ModelArtifacts,
  extras: { readonly vocabulary: string; readonly model: ModelSettings },
): ModelFile[] {
  const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).buffer as ArrayBuffer;
  const weightData = artifacts.weightData;
  const weights =
    weightData instanceof ArrayBuffer ? weightData : tf.io.concatenateArrayBuffers(weightData ?? []);
  return [
    {
      name: MODEL_JSON,
      bytes: encode({
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
        format: 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: null,
      }),
    },
    { name: 'weights.bin', bytes: weights },
    { name: EXTRAS_JSON, bytes: encode(extras) },
  ];
}
