import { expectErrorCode } from '@rnnkit/test-utils';
import { describe, expect, it } from 'vitest';
import { RnnModelsError, type RnnModelsErrorCode } from '../errors.js';

/** The error `fn` throws, checked to be an RnnModelsError with `code`. */
function fails(code: RnnModelsErrorCode, fn: () => unknown): RnnModelsError {
  return expectErrorCode(fn, RnnModelsError, code) as RnnModelsError;
}

import { decodeSafetensors, encodeSafetensors, type SafetensorsTensor } from './safetensors.js';

const TENSORS = new Map<string, SafetensorsTensor>([
  ['embedding.weight', { shape: [2, 3], data: new Float32Array([1, -2, 3.5, 0, -0, 1e-38]) }],
  ['output.bias', { shape: [1], data: new Float32Array([Math.fround(0.1)]) }],
  ['empty', { shape: [0, 4], data: new Float32Array(0) }],
]);

/** A file with a hand-written header (padded to 8 bytes) and `data` after it. */
function handMade(header: object, data: Uint8Array): Uint8Array {
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(new TextEncoder().encode(json), 8);
  out.set(data, 8 + json.length);
  return out;
}

function corrupt(bytes: Uint8Array, name?: string): void {
  const error = fails('RNN_MODELS_CHECKPOINT_CORRUPT', () =>
    decodeSafetensors(bytes, { source: 'm.safetensors' }),
  );
  expect(error.message).toContain('m.safetensors');
  if (name !== undefined) expect(error.message).toContain(`'${name}'`);
}

describe('safetensors', () => {
  it('round-trips float32 tensors bit for bit, with metadata, in the layout of the format', () => {
    const bytes = encodeSafetensors(TENSORS, { format: 'pt' });
    const length = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(length % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
    expect(header['embedding.weight']).toEqual({ dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] });
    expect(header['output.bias'].data_offsets).toEqual([24, 28]);
    expect(header.__metadata__).toEqual({ format: 'pt' });
    // the first value, 1.0f, little-endian
    expect([...bytes.subarray(8 + length, 8 + length + 4)]).toEqual([0, 0, 0x80, 0x3f]);
    const decoded = decodeSafetensors(bytes);
    expect(decoded.metadata).toEqual({ format: 'pt' });
    expect([...decoded.tensors.keys()]).toEqual([...TENSORS.keys()]);
    for (const [name, tensor] of TENSORS) {
      const got = decoded.tensors.get(name)!;
      expect(got.shape).toEqual(tensor.shape);
      expect(new Uint32Array(got.data.buffer)).toEqual(new Uint32Array(tensor.data.buffer));
    }
  });

  it('reads a file whose tensors are stored out of header order, skipping the names asked', () => {
    const data = new Uint8Array(new Float32Array([7, 8, 9]).buffer);
    const bytes = handMade(
      {
        b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] },
        counter: { dtype: 'I64', shape: [], data_offsets: [0, 8] },
      },
      new Uint8Array([...new Uint8Array(8), ...data.subarray(8)]),
    );
    const { tensors } = decodeSafetensors(bytes, { skip: (name) => name === 'counter' });
    expect([...tensors.keys()]).toEqual(['b']);
    expect([...tensors.get('b')!.data]).toEqual([9]);
  });

  it('refuses truncated files, header overruns and headers that are not JSON', () => {
    const bytes = encodeSafetensors(TENSORS);
    corrupt(bytes.subarray(0, 5));
    corrupt(bytes.subarray(0, bytes.length - 4), 'output.bias');
    const overrun = bytes.slice();
    new DataView(overrun.buffer).setBigUint64(0, BigInt(bytes.length), true);
    corrupt(overrun);
    const huge = bytes.slice();
    new DataView(huge.buffer).setBigUint64(0, 2n ** 63n, true);
    corrupt(huge);
    const garbled = bytes.slice();
    garbled[8] = 0x5b; // '[' : not an object any more
    corrupt(garbled);
  });

  it('refuses other dtypes, bad shapes, sizes, overlaps, gaps and trailing bytes, naming the tensor', () => {
    const four = new Uint8Array(4);
    corrupt(handMade({ w: { dtype: 'I32', shape: [1], data_offsets: [0, 4] } }, four), 'w');
    corrupt(handMade({ w: { dtype: 'F17', shape: [1], data_offsets: [0, 4] } }, four), 'w');
    corrupt(handMade({ w: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, four), 'w');
    corrupt(handMade({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }, four), 'w');
    corrupt(handMade({ w: { dtype: 'F32', shape: [1], data_offsets: [4, 0] } }, four), 'w');
    const eight = new Uint8Array(8);
    corrupt(
      handMade(
        {
          a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
          b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
        },
        eight,
      ),
      'b',
    );
    corrupt(handMade({ w: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, eight), 'w');
    corrupt(handMade({ w: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, eight));
  });

  it('refuses tensors whose data does not fit their shape, and the reserved name', () => {
    fails('RNN_MODELS_SHAPE_MISMATCH', () =>
      encodeSafetensors(new Map([['w', { shape: [2, 2], data: new Float32Array(3) }]])),
    );
    fails('RNN_MODELS_INVALID_OPTION', () =>
      encodeSafetensors(new Map([['__metadata__', { shape: [1], data: new Float32Array(1) }]])),
    );
  });
});
