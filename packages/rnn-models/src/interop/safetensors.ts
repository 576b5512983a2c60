import { RnnModelsError } from '../errors.js';

/**
 * The safetensors format (https://huggingface.co/docs/safetensors): an 8-byte little-endian
 * header length N, N bytes of JSON header `{ name: { dtype, shape, data_offsets: [begin, end] },
 * "__metadata__"?: { key: string } }` (offsets relative to the data that follows, padded with
 * spaces to 8 bytes here), then the raw little-endian tensor data, contiguous and without gaps.
 * Written here rather than through an npm package: the format is ~100 lines, and the packages
 * that exist are either unmaintained or Node-only, while this module must stay browser-safe.
 */

/** The dtypes the format defines and their byte widths; rnnkit reads and writes `F32` only. */
const DTYPE_BYTES: Readonly<Record<string, number>> = Object.freeze({
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
});

/** A float32 tensor as a flat row-major buffer and its shape. */
export interface SafetensorsTensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** What {@link decodeSafetensors} read. */
export interface SafetensorsContents {
  /** Tensors by name, in the header's order (float32 only; see {@link DecodeSafetensorsOptions.skip}). */
  readonly tensors: ReadonlyMap<string, SafetensorsTensor>;
  /** The header's `__metadata__` (string to string); `{}` when absent. */
  readonly metadata: Readonly<Record<string, string>>;
}

/** Options of {@link decodeSafetensors}. */
export interface DecodeSafetensorsOptions {
  /**
   * Where the bytes came from (a path or URL), named in errors.
   * @default 'safetensors'
   */
  readonly source?: string;
  /**
   * Names to leave out of the result whatever their dtype, e.g. PyTorch's int64
   * `…num_batches_tracked` counters, which Keras has no equivalent of. Their header entries are
   * still checked.
   * @default () => false
   */
  readonly skip?: (name: string) => boolean;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Headers beyond this are refused before parsing (the reference implementation's limit). */
const MAX_HEADER_BYTES = 100_000_000;

/**
 * Encodes float32 tensors (and optional string metadata) as a safetensors file, tensors in the
 * order given.
 *
 * @param tensors name → `{ shape, data }`; `data.length` must be the product of `shape`.
 * @throws {RnnModelsError} `RNN_MODELS_SHAPE_MISMATCH` when a tensor's data does not fit its
 * shape; `RNN_MODELS_INVALID_OPTION` for the reserved name `__metadata__` or non-string metadata.
 * @example
 * ```ts
 * const bytes = encodeSafetensors(new Map([['output.bias', { shape: [3], data: new Float32Array(3) }]]));
 * decodeSafetensors(bytes).tensors.get('output.bias')?.shape; // [3]
 * ```
 */
export function encodeSafetensors(
  tensors: ReadonlyMap<string, SafetensorsTensor>,
  metadata: Readonly<Record<string, string>> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') {
      throw new RnnModelsError(
        'RNN_MODELS_INVALID_OPTION',
        `encodeSafetensors: metadata '${key}' must be a string (the format allows only strings), got ${typeof value}.`,
      );
    }
  }
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, tensor] of tensors) {
    if (name === '__metadata__') {
      throw new RnnModelsError(
        'RNN_MODELS_INVALID_OPTION',
        'encodeSafetensors: "__metadata__" is reserved by the format and cannot name a tensor.',
      );
    }
    const count = tensor.shape.reduce((a, b) => a * b, 1);
    if (count !== tensor.data.length) {
      throw new RnnModelsError(
        'RNN_MODELS_SHAPE_MISMATCH',
        `encodeSafetensors: tensor '${name}' has shape [${tensor.shape.join(', ')}] (${count} values) but ${tensor.data.length} values.`,
      );
    }
    header[name] = { dtype: 'F32', shape: [...tensor.shape], data_offsets: [offset, offset + 4 * count] };
    offset += 4 * count;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let position = 8 + headerLength;
  for (const tensor of tensors.values()) {
    writeFloat32(out, position, tensor.data);
    position += 4 * tensor.data.length;
  }
  return out;
}

/**
 * Decodes a safetensors file, checking it fully before returning anything: the header length
 * against the file size, the header's JSON, every entry's dtype, shape and offsets (inside the
 * data, matching the shape's size, no overlaps or gaps). Float32 tensors are copied out.
 *
 * @throws {RnnModelsError} `RNN_MODELS_CHECKPOINT_CORRUPT` for a truncated file, a header that
 * overruns the file or is not JSON, an entry with a bad shape or offsets, or a dtype other than
 * `F32` — naming the source and the tensor.
 * @example
 * ```ts
 * const { tensors } = decodeSafetensors(new Uint8Array(await (await fetch(url)).arrayBuffer()), { source: url });
 * ```
 */
export function decodeSafetensors(
  bytes: Uint8Array,
  options: DecodeSafetensorsOptions = {},
): SafetensorsContents {
  const source = options.source ?? 'safetensors';
  const skip = options.skip ?? (() => false);
  const fail = (problem: string): never => {
    throw new RnnModelsError(
      'RNN_MODELS_CHECKPOINT_CORRUPT',
      `decodeSafetensors: ${source} ${problem}. Re-export the file (rnnkit's exportTorch or rnnkit_torch.save).`,
    );
  };
  if (!(bytes instanceof Uint8Array)) fail('is not bytes (pass a Uint8Array or Buffer)');
  if (bytes.length < 8)
    fail(`is ${bytes.length} bytes long, shorter than the 8-byte header length: truncated`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = view.getBigUint64(0, true);
  if (declared > BigInt(bytes.length - 8)) {
    fail(
      `declares a ${declared}-byte header but only ${bytes.length - 8} bytes follow: truncated or not safetensors`,
    );
  }
  const headerLength = Number(declared);
  if (headerLength > MAX_HEADER_BYTES) fail(`declares a ${headerLength}-byte header, over the 100 MB limit`);
  let header: unknown;
  try {
    header = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)),
    );
  } catch (cause) {
    fail(`has a header that is not UTF-8 JSON (${(cause as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    fail('has a header that is not an object');
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const entries = Object.entries(header as Record<string, unknown>);
  let metadata: Record<string, string> = {};
  const spans: { name: string; begin: number; end: number }[] = [];
  const tensors = new Map<string, SafetensorsTensor>();
  for (const [name, entry] of entries) {
    if (name === '__metadata__') {
      if (
        typeof entry !== 'object' ||
        entry === null ||
        Object.values(entry).some((v) => typeof v !== 'string')
      ) {
        fail('has a __metadata__ that is not an object of strings');
      }
      metadata = { ...(entry as Record<string, string>) };
      continue;
    }
    const { dtype, shape, data_offsets: offsets } = (entry ?? {}) as Record<string, unknown>;
    const width = typeof dtype === 'string' ? DTYPE_BYTES[dtype] : undefined;
    if (width === undefined) fail(`gives tensor '${name}' the unknown dtype ${JSON.stringify(dtype)}`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      fail(
        `gives tensor '${name}' the shape ${JSON.stringify(shape)} (want an array of non-negative integers)`,
      );
    }
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
      offsets[0] > offsets[1]
    ) {
      fail(
        `gives tensor '${name}' the data_offsets ${JSON.stringify(offsets)} (want [begin, end], begin ≤ end)`,
      );
    }
    const [begin, end] = offsets as [number, number];
    if (end > dataLength) {
      fail(
        `places tensor '${name}' at bytes [${begin}, ${end}) of a ${dataLength}-byte data section: truncated`,
      );
    }
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    if (end - begin !== count * width!) {
      fail(
        `gives tensor '${name}' ${end - begin} bytes, but ${dtype} [${(shape as number[]).join(', ')}] needs ${count * width!}`,
      );
    }
    spans.push({ name, begin, end });
    if (skip(name)) continue;
    if (dtype !== 'F32') {
      fail(
        `stores tensor '${name}' as ${dtype}; rnnkit reads float32 (F32) only: convert with tensor.float() before saving`,
      );
    }
    tensors.set(name, {
      shape: [...(shape as number[])],
      data: readFloat32(bytes, dataStart + begin, count),
    });
  }
  spans.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (const span of spans) {
    if (span.begin < covered) fail(`has tensor '${span.name}' overlapping the tensor before it`);
    if (span.begin > covered) fail(`has a gap of ${span.begin - covered} bytes before tensor '${span.name}'`);
    covered = span.end;
  }
  if (covered !== dataLength) fail(`has ${dataLength - covered} bytes after its last tensor`);
  return { tensors, metadata };
}

function writeFloat32(out: Uint8Array, position: number, data: Float32Array): void {
  if (LITTLE_ENDIAN) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), position);
    return;
  }
  const view = new DataView(out.buffer, out.byteOffset);
  for (let i = 0; i < data.length; i++) view.setFloat32(position + 4 * i, data[i]!, true);
}

function readFloat32(bytes: Uint8Array, position: number, count: number): Float32Array {
  const out = new Float32Array(count);
  if (LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(bytes.subarray(position, position + 4 * count));
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  for (let i = 0; i < count; i++) out[i] = view.getFloat32(position + 4 * i, true);
  return out;
}
