import type * as tfl from '@tensorflow/tfjs-layers';
import { RnnModelsError } from '../errors.js';

type Layer = tfl.layers.Layer;

/** One layer of a chain model, with the shape of the input it receives in the full-sequence model. */
export interface ChainLink {
  readonly layer: Layer;
  /** The layer's input shape in the full model, batch first (`[batch, time, features]` → rank 3); `null` = unknown size. */
  readonly inputShape: readonly (number | null)[];
  /** Which output of `layer` the next layer (or the model output) consumes. */
  readonly outputIndex: number;
}

/**
 * The layers of a single-input, single-output model that is a plain chain (each layer takes
 * exactly the previous layer's output), first to last, without the `InputLayer`. Works for
 * `tf.sequential` models and for functional models with the same shape. Reads the graph only.
 *
 * @throws RnnModelsError `RNN_MODELS_UNSUPPORTED_MODEL` when the model is not built, has several
 *   inputs or outputs, or a layer takes several inputs (the message names the layer).
 */
export function modelChain(model: tfl.LayersModel, where: string): ChainLink[] {
  let inputs: readonly tfl.SymbolicTensor[];
  let outputs: readonly tfl.SymbolicTensor[];
  try {
    inputs = model.inputs;
    outputs = model.outputs;
  } catch (cause) {
    throw notBuilt(model, where, cause);
  }
  if (inputs === undefined || outputs === undefined || inputs.length === 0 || outputs.length === 0) {
    throw notBuilt(model, where);
  }
  if (inputs.length !== 1 || outputs.length !== 1) {
    throw new RnnModelsError(
      'RNN_MODELS_UNSUPPORTED_MODEL',
      `${where}: model '${model.name}' has ${inputs.length} input(s) and ${outputs.length} output(s); ` +
        'it needs exactly one of each (token ids in, next-token scores out). Build a model from the ' +
        'language-model part alone, e.g. tfl.model({ inputs: ids, outputs: scores }).',
    );
  }
  const links: ChainLink[] = [];
  let tensor = outputs[0]!;
  for (;;) {
    const layer = tensor.sourceLayer;
    if (layer.getClassName() === 'InputLayer') break;
    const node = layer.inboundNodes[tensor.nodeIndex];
    const nodeInputs = node?.inputTensors ?? [];
    if (nodeInputs.length !== 1) {
      throw new RnnModelsError(
        'RNN_MODELS_UNSUPPORTED_MODEL',
        `${where}: layer '${layer.name}' (${layer.getClassName()}) of model '${model.name}' takes ` +
          `${nodeInputs.length} inputs; only a chain of single-input layers (Embedding → recurrent ` +
          'layers → Dense) can be run one step at a time. Branches, merges and skip connections are not supported.',
      );
    }
    const input = nodeInputs[0]!;
    links.push({ layer, inputShape: [...input.shape], outputIndex: tensor.tensorIndex });
    tensor = input;
  }
  if (tensor !== inputs[0]) {
    throw new RnnModelsError(
      'RNN_MODELS_UNSUPPORTED_MODEL',
      `${where}: the output of model '${model.name}' does not depend on its input through a chain of layers.`,
    );
  }
  return links.reverse();
}

function notBuilt(model: tfl.LayersModel, where: string, cause?: unknown): RnnModelsError {
  return new RnnModelsError(
    'RNN_MODELS_UNSUPPORTED_MODEL',
    `${where}: model '${model.name}' is not built (it has no inputs or outputs yet). Give its first ` +
      'layer an inputShape or batchInputShape, or call model.build(), before converting it.',
    cause === undefined ? undefined : { cause },
  );
}
