import * as tfl from '@tensorflow/tfjs-layers';
import { validate } from '../errors.js';

type Layer = tfl.layers.Layer;
type LayerNode = Layer['inboundNodes'][number];

/** Options of {@link summary}; the defaults are Keras 2's `model.summary()`. */
export interface SummaryOptions {
  /**
   * Width of the table in characters.
   * @default null (Keras': 65 for sequential-like models, 98 otherwise)
   */
  readonly lineLength?: number | null;
  /**
   * Right edge of each column — relative (fractions of `lineLength`, last ≤ 1) or absolute
   * (characters). 3 columns for sequential-like models (Layer (type), Output Shape, Param #), 4 otherwise
   * (+ Connected to).
   * @default null (Keras': [0.45, 0.85, 1] for sequential-like models, [0.33, 0.55, 0.67, 1] otherwise)
   */
  readonly positions?: readonly number[] | null;
}

/** Defaults of {@link summary}: `null` picks Keras' value for the model's layout. */
export const DEFAULT_SUMMARY_OPTIONS: Readonly<{ lineLength: null; positions: null }> = Object.freeze({
  lineLength: null,
  positions: null,
});

const SEQUENTIAL_LAYOUT = { lineLength: 65, positions: [0.45, 0.85, 1] } as const;
const FUNCTIONAL_LAYOUT = { lineLength: 98, positions: [0.33, 0.55, 0.67, 1] } as const;

/**
 * Keras' `model.summary()` text for a tfjs-layers model, returned instead of printed (tfjs'
 * `model.summary()` writes to the console and in its own format). Same layout as Keras 2
 * (TF 2.9–2.15): `Model: "name"`, one row per layer — `name (Type)`, output shape as a Python tuple
 * (`(None, 100, 8)`), parameter count, and for non-sequential models the inbound layers
 * (`['embedding[0][0]']`) — then `Total params`, `Trainable params` and `Non-trainable params` with
 * thousands separators. Long cells wrap onto extra lines as in Keras. The type of rnnkit's layers is
 * shown without the registration prefix (`RnnkitLSTM` → `LSTM`), as Keras names them. Parameter
 * counts are the model's weights (shared weights counted once), so they equal Keras' for the same
 * architecture; BatchNormalization's moving statistics are non-trainable.
 *
 * @param model a built model (every `tf.sequential` with an input shape, every `tf.model`).
 * @returns the summary, lines joined with `\n`, no trailing newline.
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` for a non-positive `lineLength` or `positions` of the
 *   wrong length or not increasing.
 * @example
 * const text = summary(languageModel({ vocabularySize: 90, embeddingDim: 256, cell: 'gru', units: 100 }));
 * // Model: "sequential_1"
 * // _________________________________________________________________
 * //  Layer (type)                Output Shape              Param #
 * // =================================================================
 * //  …
 * // Total params: 139,530
 * // Trainable params: 139,530
 * // Non-trainable params: 0
 * // _________________________________________________________________
 */
export function summary(model: tfl.LayersModel, options: SummaryOptions = {}): string {
  if (!(model instanceof tfl.LayersModel)) {
    validate.invalid(
      'summary',
      'model',
      model,
      'must be a tfjs-layers LayersModel (tfl.sequential, tfl.model)',
    );
  }
  validate.options('summary', options, Object.keys(DEFAULT_SUMMARY_OPTIONS));
  const sequentialLike = isSequentialLike(model);
  const layout = sequentialLike ? SEQUENTIAL_LAYOUT : FUNCTIONAL_LAYOUT;
  const lineLength = resolveLineLength(
    options.lineLength ?? DEFAULT_SUMMARY_OPTIONS.lineLength,
    layout.lineLength,
  );
  const positions = resolvePositions(
    options.positions ?? DEFAULT_SUMMARY_OPTIONS.positions,
    layout.positions,
    lineLength,
  );
  const relevantNodes = new Set(Object.values(nodesByDepth(model)).flat());

  const lines: string[] = [`Model: "${model.name}"`, '_'.repeat(lineLength)];
  const header = ['Layer (type)', 'Output Shape', 'Param #'];
  if (!sequentialLike) header.push('Connected to');
  lines.push(...formatRow(header, positions), '='.repeat(lineLength));
  for (const layer of model.layers) {
    const fields = [`${layer.name} (${displayClassName(layer)})`, outputShapeText(layer), paramsText(layer)];
    if (!sequentialLike) fields.push(pythonList(connections(layer, relevantNodes)));
    lines.push(...formatRow(fields, positions), ' '.repeat(lineLength));
  }
  const trainable = countParams(trainableWeights(model));
  const nonTrainable = countParams(model.nonTrainableWeights);
  lines.push(
    '='.repeat(lineLength),
    `Total params: ${thousands(trainable + nonTrainable)}`,
    `Trainable params: ${thousands(trainable)}`,
    `Non-trainable params: ${thousands(nonTrainable)}`,
    '_'.repeat(lineLength),
  );
  return lines.join('\n');
}

function resolveLineLength(value: unknown, fallback: number): number {
  if (value === null) return fallback;
  return validate.integer('summary', 'lineLength', value, { min: 10 });
}

function resolvePositions(value: unknown, fallback: readonly number[], lineLength: number): number[] {
  const given = value ?? fallback;
  const fix = `Pass ${fallback.length} increasing column ends, e.g. [${fallback.join(', ')}] (relative) or absolute characters, or null.`;
  if (
    !Array.isArray(given) ||
    given.length !== fallback.length ||
    !given.every((p, i) => typeof p === 'number' && p > 0 && (i === 0 || p > given[i - 1]))
  ) {
    validate.invalid(
      'summary',
      'positions',
      value,
      `must be ${fallback.length} increasing positive numbers for this model`,
      fix,
    );
  }
  const relative = given[given.length - 1] <= 1;
  return given.map((p: number) => (relative ? Math.floor(lineLength * p) : Math.floor(p)));
}

/** Keras' rule: a `Sequential`, or a graph whose depths each hold one single-input node and no shared layers. */
function isSequentialLike(model: tfl.LayersModel): boolean {
  if (model instanceof tfl.Sequential) return true;
  const nodes: LayerNode[] = [];
  for (const depthNodes of Object.values(nodesByDepth(model))) {
    if (depthNodes.length > 1 || (depthNodes.length === 1 && depthNodes[0]!.inboundLayers.length > 1))
      return false;
    nodes.push(...depthNodes);
  }
  const inGraph = new Set(nodes);
  return model.layers.every((layer) => layer.inboundNodes.filter((node) => inGraph.has(node)).length <= 1);
}

function nodesByDepth(model: tfl.LayersModel): Record<string, LayerNode[]> {
  return (model as unknown as { nodesByDepth?: Record<string, LayerNode[]> }).nodesByDepth ?? {};
}

function trainableWeights(model: tfl.LayersModel): tfl.LayerVariable[] {
  const collected = (model as unknown as { collectedTrainableWeights?: tfl.LayerVariable[] | null })
    .collectedTrainableWeights;
  return collected ?? model.trainableWeights;
}

/** Sum of the weights' sizes, each variable once. */
function countParams(weights: readonly tfl.LayerVariable[]): number {
  let total = 0;
  for (const weight of new Set(weights)) total += weight.shape.reduce<number>((a, b) => a * (b ?? 0), 1);
  return total;
}

function displayClassName(layer: Layer): string {
  return layer.getClassName().replace(/^Rnnkit(?=[A-Z])/, '');
}

function outputShapeText(layer: Layer): string {
  let shape: unknown;
  try {
    shape = layer.outputShape;
  } catch {
    return 'multiple';
  }
  // Keras reports an InputLayer's output shape as a list of one shape.
  if (layer.getClassName() === 'InputLayer' && !Array.isArray((shape as unknown[])[0]))
    return `[${pythonTuple(shape)}]`;
  return Array.isArray(shape) && shape.length > 0 && Array.isArray(shape[0])
    ? `[${(shape as unknown[]).map(pythonTuple).join(', ')}]`
    : pythonTuple(shape);
}

function pythonTuple(shape: unknown): string {
  const dims = (shape as (number | null)[]).map((d) => (d === null ? 'None' : String(d)));
  return dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
}

function paramsText(layer: Layer): string {
  if (!layer.built) return '0 (unused)';
  return String(countParams(layer.weights));
}

function connections(layer: Layer, relevantNodes: Set<LayerNode>): string[] {
  const result: string[] = [];
  for (const node of layer.inboundNodes) {
    if (relevantNodes.size > 0 && !relevantNodes.has(node)) continue;
    node.inboundLayers.forEach((inbound, i) => {
      result.push(`${inbound.name}[${node.nodeIndices[i]}][${node.tensorIndices[i]}]`);
    });
  }
  return result;
}

function pythonList(items: readonly string[]): string {
  return `[${items.map((item) => `'${item}'`).join(', ')}]`;
}

function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

const LINE_BREAKS = ['),', '},', '],', "',"];

/** Keras 2's `print_row`: cells cut to their column (2 spaces between columns), wrapping onto more lines. */
function formatRow(fields: readonly string[], positions: readonly number[]): string[] {
  const left = [...fields];
  const lines: string[] = [];
  while (left.some((cell) => cell.length > 0)) {
    let line = '';
    for (let col = 0; col < left.length; col++) {
      const start = col > 0 ? positions[col - 1]! : 0;
      const end = positions[col]!;
      const space = col !== positions.length - 1 ? 2 : 0;
      let cutoff = Math.max(end - start - space, 1);
      let fit = left[col]!.slice(0, cutoff);
      const breaks = LINE_BREAKS.filter((b) => fit.includes(b)).map((b) => fit.indexOf(b) + b.length);
      if (breaks.length > 0) {
        cutoff = Math.min(...breaks);
        fit = fit.slice(0, cutoff);
      }
      if (col === 0) line += ' ';
      line += fit + ' '.repeat(space);
      left[col] = left[col]!.slice(cutoff);
      line += ' '.repeat(Math.max(end - line.length, 0));
    }
    lines.push(line);
  }
  return lines;
}
