import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { RnnModelsError, validate } from '../errors.js';
import { checkLayersModel, checkStrings } from './arguments.js';

/** Options of {@link transferWeights}. */
export interface TransferWeightsOptions {
  /**
   * Realigns the vocabulary-indexed weights between two vocabularies: entry `newId` is the
   * source model's id of the same token, or `-1` for a token the source does not know (its
   * embedding row and output column keep the target's fresh initialisation). Its length is the
   * target's vocabulary size. Applied to every `Embedding` pair whose target has that many rows,
   * and to the output layer (the last layer with weights, e.g. `Dense` or `TimeDistributed(Dense)`)
   * when the last axis of each of its weights has that size. {@link buildVocabularyMap} makes one
   * from two token lists.
   * @default undefined (vocabulary-indexed layers are copied like any other: same shapes only)
   */
  readonly vocabularyMap?: ArrayLike<number>;
}

/** How a layer's weights were copied. */
export type Realignment = 'none' | 'rows' | 'columns';

/** A layer whose weights were copied. */
export interface TransferredLayer {
  /** Source layer name. */
  readonly from: string;
  /** Target layer name. */
  readonly to: string;
  readonly className: string;
  /** Number of weight arrays copied (e.g. 3 for kernel, recurrent kernel, bias). */
  readonly weightCount: number;
  /** `rows`: embedding rows realigned; `columns`: output columns realigned; `none`: copied as is. */
  readonly realigned: Realignment;
}

/** Why a layer was not copied. */
export type SkipReason = 'class-mismatch' | 'shape-mismatch' | 'no-counterpart';

/** A layer (of either model) whose weights were not copied. */
export interface SkippedLayer {
  /** Source layer name, or `null` when the target has a layer the source lacks. */
  readonly from: string | null;
  /** Target layer name, or `null` when the source has a layer the target lacks. */
  readonly to: string | null;
  readonly reason: SkipReason;
  /** Says what differed, for people. */
  readonly detail: string;
}

/** What {@link transferWeights} did. */
export interface TransferSummary {
  readonly copied: readonly TransferredLayer[];
  readonly skipped: readonly SkippedLayer[];
  /** With a `vocabularyMap`: tokens taken from the source, and new tokens (`-1`) left at their initialisation. */
  readonly vocabulary: { readonly mapped: number; readonly fresh: number } | null;
}

interface Plan {
  readonly from: tfl.layers.Layer;
  readonly to: tfl.layers.Layer;
  readonly realigned: Realignment;
}

/**
 * Copies every compatible weight from `from` into `to`, layer by layer — to fine-tune a trained
 * model on new text with a different vocabulary (a character model trained on *Alice* continued
 * on Dr Seuss). The layers that have weights are paired in order (descending into nested models);
 * a pair is copied when both layers have the same class and the same weight shapes, and
 * reported as skipped otherwise, as are layers left over in the longer model. With a
 * `vocabularyMap`, embedding rows and output-layer columns (kernel columns and bias) are
 * realigned from the source's vocabulary to the target's; tokens new to the target keep their
 * initialisation.
 *
 * All checks run before any weight is written, so a throw leaves `to` unchanged.
 *
 * Ownership: `from` is only read; `to`'s weights are replaced (its variables stay the same
 * objects, so an optimizer compiled on `to` keeps working). No tensors are left behind.
 *
 * @param from the trained source model (built).
 * @param to the target model (built), e.g. the same template for the new vocabulary.
 * @returns which layers were copied (and how) and which skipped, with the reason.
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` when `from` or `to` is not a model, for
 *   `vocabularyMap` entries that are not integers in `[-1, sourceVocab)`; `RNN_MODELS_SHAPE_MISMATCH` when no Embedding or output layer of
 *   `to` has `vocabularyMap.length` rows/columns (the map would do nothing).
 * @example
 * const map = buildVocabularyMap(aliceChars, seussChars);
 * const summary = transferWeights(aliceModel, seussModel, { vocabularyMap: map });
 * summary.copied.map((l) => `${l.to}: ${l.realigned}`); // ['embedding: rows', 'gru: none', 'dense: columns']
 * seussModel.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
 */
export function transferWeights(
  from: tfl.LayersModel,
  to: tfl.LayersModel,
  options: TransferWeightsOptions = {},
): TransferSummary {
  checkLayersModel('transferWeights', 'from', from);
  checkLayersModel('transferWeights', 'to', to);
  validate.options('transferWeights', options, ['vocabularyMap']);
  const map = options.vocabularyMap === undefined ? null : Array.from(options.vocabularyMap);
  const sources = weightedLayers(from);
  const targets = weightedLayers(to);
  const plans: Plan[] = [];
  const skipped: SkippedLayer[] = [];
  const pairs = Math.min(sources.length, targets.length);
  for (let k = 0; k < pairs; k++) {
    const source = sources[k]!;
    const target = targets[k]!;
    const sourceShapes = source.getWeights().map((w) => w.shape);
    const targetShapes = target.getWeights().map((w) => w.shape);
    if (source.getClassName() !== target.getClassName()) {
      skipped.push({
        from: source.name,
        to: target.name,
        reason: 'class-mismatch',
        detail: `${source.getClassName()} vs ${target.getClassName()}`,
      });
      continue;
    }
    const realigned =
      map === null ? 'none' : realignmentFor(target, targetShapes, map.length, k === pairs - 1);
    if (!shapesCompatible(sourceShapes, targetShapes, realigned)) {
      skipped.push({
        from: source.name,
        to: target.name,
        reason: 'shape-mismatch',
        detail: `${describeShapes(sourceShapes)} vs ${describeShapes(targetShapes)}`,
      });
      continue;
    }
    plans.push({ from: source, to: target, realigned });
  }
  for (const source of sources.slice(pairs)) {
    skipped.push({
      from: source.name,
      to: null,
      reason: 'no-counterpart',
      detail: 'the target has fewer layers with weights',
    });
  }
  for (const target of targets.slice(pairs)) {
    skipped.push({
      from: null,
      to: target.name,
      reason: 'no-counterpart',
      detail: 'the source has fewer layers with weights',
    });
  }
  if (map !== null) checkVocabularyMap(map, plans, to);

  for (const plan of plans) copyLayer(plan, map);
  return {
    copied: plans.map((plan) => ({
      from: plan.from.name,
      to: plan.to.name,
      className: plan.to.getClassName(),
      weightCount: plan.to.getWeights().length,
      realigned: plan.realigned,
    })),
    skipped,
    vocabulary:
      map === null
        ? null
        : { mapped: map.filter((id) => id >= 0).length, fresh: map.filter((id) => id < 0).length },
  };
}

/**
 * The `vocabularyMap` of {@link transferWeights} from two token lists: entry `newId` is the
 * index of `newTokens[newId]` in `oldTokens`, or `-1` when the old vocabulary lacks it.
 *
 * @param oldTokens the source model's vocabulary, id order (duplicates: the first id wins).
 * @param newTokens the target model's vocabulary, id order.
 * @returns `Int32Array` of length `newTokens.length`.
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` unless both are arrays of strings (naming the first entry that is not).
 * @example
 * buildVocabularyMap(['<pad>', 'a', 'b'], ['<pad>', 'b', 'z']); // Int32Array [0, 2, -1]
 */
export function buildVocabularyMap(oldTokens: readonly string[], newTokens: readonly string[]): Int32Array {
  checkStrings('buildVocabularyMap', 'oldTokens', oldTokens);
  checkStrings('buildVocabularyMap', 'newTokens', newTokens);
  const oldIds = new Map<string, number>();
  for (const [id, token] of oldTokens.entries()) if (!oldIds.has(token)) oldIds.set(token, id);
  return Int32Array.from(newTokens, (token) => oldIds.get(token) ?? -1);
}

/** Layers that own weights, in order, descending into nested models (whose own weights are their layers'). */
function weightedLayers(model: { layers: tfl.layers.Layer[] }): tfl.layers.Layer[] {
  return model.layers.flatMap((layer) => {
    const nested = (layer as unknown as { layers?: tfl.layers.Layer[] }).layers;
    if (Array.isArray(nested)) return weightedLayers({ layers: nested });
    return layer.weights.length > 0 ? [layer] : [];
  });
}

function realignmentFor(
  target: tfl.layers.Layer,
  shapes: number[][],
  vocab: number,
  isOutput: boolean,
): Realignment {
  if (target.getClassName() === 'Embedding') return shapes[0]?.[0] === vocab ? 'rows' : 'none';
  if (isOutput && shapes.every((shape) => shape[shape.length - 1] === vocab)) return 'columns';
  return 'none';
}

/** Same shapes, except the vocabulary axis (rows, or the last axis) when realigning. */
function shapesCompatible(source: number[][], target: number[][], realigned: Realignment): boolean {
  if (source.length !== target.length) return false;
  return source.every((shape, k) => {
    const other = target[k]!;
    if (shape.length !== other.length) return false;
    const free = realigned === 'rows' ? 0 : realigned === 'columns' ? shape.length - 1 : -1;
    return shape.every((dim, axis) => axis === free || dim === other[axis]);
  });
}

function checkVocabularyMap(map: number[], plans: Plan[], to: tfl.LayersModel): void {
  const realigned = plans.filter((plan) => plan.realigned !== 'none');
  if (realigned.length === 0) {
    throw new RnnModelsError(
      'RNN_MODELS_SHAPE_MISMATCH',
      `transferWeights: vocabularyMap has ${map.length} entries, but no Embedding layer of '${to.name}' has ${map.length} rows ` +
        `and its output layer does not have ${map.length} units (or the source's counterparts do not match); ` +
        'pass one entry per token of the target vocabulary.',
    );
  }
  for (const plan of realigned) {
    const weight = plan.from.getWeights()[0]!;
    const sourceVocab = plan.realigned === 'rows' ? weight.shape[0]! : weight.shape[weight.shape.length - 1]!;
    const bad = map.findIndex((id) => !Number.isInteger(id) || id < -1 || id >= sourceVocab);
    if (bad >= 0) {
      throw new RnnModelsError(
        'RNN_MODELS_INVALID_OPTION',
        `transferWeights: vocabularyMap[${bad}] is ${map[bad]}, but entries must be integers from -1 (new token) ` +
          `to ${sourceVocab - 1} (the source layer '${plan.from.name}' has a vocabulary of ${sourceVocab}).`,
      );
    }
  }
}

function copyLayer(plan: Plan, map: number[] | null): void {
  if (plan.realigned === 'none' || map === null) {
    // getWeights() hands out the variables themselves (no new tensors); the target's variables
    // take their values (tfjs data is immutable, so the two models do not alias afterwards).
    plan.to.setWeights(plan.from.getWeights());
    return;
  }
  const sources = plan.from.getWeights();
  const values = plan.to.getWeights().map((target, k) => {
    const source = sources[k]!;
    const out = Float32Array.from(target.dataSync());
    const sourceValues = source.dataSync();
    if (plan.realigned === 'rows') {
      const width = target.shape.slice(1).reduce((a, b) => a * b, 1);
      for (const [newId, oldId] of map.entries()) {
        if (oldId >= 0) out.set(sourceValues.subarray(oldId * width, (oldId + 1) * width), newId * width);
      }
    } else {
      const newVocab = target.shape[target.shape.length - 1]!;
      const oldVocab = source.shape[source.shape.length - 1]!;
      const rows = out.length / newVocab;
      for (let r = 0; r < rows; r++) {
        for (const [newId, oldId] of map.entries()) {
          if (oldId >= 0) out[r * newVocab + newId] = sourceValues[r * oldVocab + oldId]!;
        }
      }
    }
    return tf.tensor(out, target.shape, 'float32');
  });
  try {
    plan.to.setWeights(values);
  } finally {
    tf.dispose(values);
  }
}

function describeShapes(shapes: number[][]): string {
  return shapes.map((shape) => `[${shape.join(', ')}]`).join(' ');
}
