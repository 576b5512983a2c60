import { readTorchFiles, writeTorchFiles } from '@rnnkit/rnn-models/node';
import type { EncoderDecoder } from '../encoder-decoder.js';
import {
  decodeTorchEncoderDecoder,
  type EncoderDecoderTorchConfig,
  type EncodeTorchEncoderDecoderOptions,
  encodeTorchEncoderDecoder,
} from '../torch-interop.js';

/**
 * Exports an encoder–decoder for PyTorch: `dir/model.safetensors` + `dir/config.json`, read by
 * `rnnkit_torch.load(dir)` (examples/scale-out/python) and {@link importTorchEncoderDecoder};
 * written atomically with rnn-models' `exportTorch` rules (only a missing or empty directory or an
 * earlier export is replaced).
 * @throws the errors of rnn-models' `writeTorchFiles`.
 * @example
 * ```ts
 * await exportTorchEncoderDecoder(translator.model, 'runs/translator-torch', { extras: { vocabularies } });
 * ```
 */
export async function exportTorchEncoderDecoder(
  model: EncoderDecoder,
  dir: string,
  options: EncodeTorchEncoderDecoderOptions = {},
): Promise<{ path: string; files: Record<string, number>; config: EncoderDecoderTorchConfig }> {
  const { config, safetensors } = encodeTorchEncoderDecoder(model, options);
  const written = await writeTorchFiles(dir, { config, safetensors }, 'exportTorchEncoderDecoder');
  return { ...written, config };
}

/**
 * Imports an encoder–decoder PyTorch export (from {@link exportTorchEncoderDecoder} or
 * `rnnkit_torch.save`). The caller owns the returned model (`dispose()`).
 * @throws the errors of `decodeTorchEncoderDecoder` and rnn-models' `readTorchFiles`.
 */
export async function importTorchEncoderDecoder(
  dir: string,
): Promise<{ encoderDecoder: EncoderDecoder; config: EncoderDecoderTorchConfig }> {
  const files = await readTorchFiles(dir, 'importTorchEncoderDecoder');
  return decodeTorchEncoderDecoder(files.config, files.safetensors, files.weightsPath);
}
