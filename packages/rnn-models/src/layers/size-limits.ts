import { RnnModelsError } from '../errors.js';

/**
 * The largest tensor rnn-models builds: 2^31 bytes, what one wasm32 heap allocation and one JS
 * typed array reliably hold (V8 caps typed arrays near 2^32 bytes, wasm32 memory at 4 GiB for
 * everything). Weights are float32, so a weight tensor holds at most 536,870,912 values.
 */
export const MAX_TENSOR_BYTES = 2 ** 31;

/** {@link MAX_TENSOR_BYTES} in float32 values: 536,870,912. */
export const MAX_TENSOR_ELEMENTS = MAX_TENSOR_BYTES / 4;

const GIB = 2 ** 30;

/**
 * Checks, before anything is allocated, that a float32 tensor of `shape` fits in one tensor
 * ({@link MAX_TENSOR_BYTES}).
 * @param where the public call or layer (`'LSTM layer lstm_1'`, `'languageModel'`).
 * @param what the tensor and where its size comes from (`'kernel [inputs, 4 gates × units]'`).
 * @param fix how to make it smaller.
 * @throws RnnModelsError `RNN_MODELS_TOO_LARGE` naming the shape, the size asked for and the limit.
 */
export function checkTensorSize(where: string, what: string, shape: readonly number[], fix: string): void {
  const elements = shape.reduce((product, dim) => product * dim, 1);
  if (elements <= MAX_TENSOR_ELEMENTS) return;
  throw new RnnModelsError(
    'RNN_MODELS_TOO_LARGE',
    `${where}: the ${what} would be [${shape.join(', ')}] = ${elements.toExponential(3)} float32 values ` +
      `(${((elements * 4) / GIB).toFixed(1)} GiB), more than one tensor holds (2^31 bytes = ` +
      `${MAX_TENSOR_ELEMENTS.toLocaleString('en-US')} values). ${fix}`,
  );
}

/**
 * Checks a recurrent cell's weights before it builds them: kernel `[inputs, gates × units]`,
 * recurrent kernel `[units, gates × units]`.
 * @throws RnnModelsError `RNN_MODELS_TOO_LARGE`.
 */
export function checkRecurrentSize(where: string, inputs: number, units: number, gates: number): void {
  const fix = `Use fewer units (${units} asked for) or fewer input features (${inputs}).`;
  checkTensorSize(where, `kernel [inputs, ${gates} gates × units]`, [inputs, gates * units], fix);
  checkTensorSize(where, `recurrent kernel [units, ${gates} gates × units]`, [units, gates * units], fix);
}
