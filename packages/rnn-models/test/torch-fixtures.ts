/**
 * The PyTorch fixtures (test/fixtures/torch/*.json, written by scripts/make_torch_fixtures.py) as
 * the kernel-level (src/interop/torch-weights.test.ts) and layer-level
 * (src/layers/recurrent-layers-torch.test.ts) parity tests read them. Test-only: outside src, so
 * it is neither built into dist nor published.
 */
import { readJsonFixture } from '@rnnkit/test-utils';
import {
  gruWeightsFromTorch,
  lstmWeightsFromTorch,
  simpleRnnWeightsFromTorch,
  type TorchStateDict,
} from '../src/interop/torch-weights.js';

/** Written by scripts/make_torch_fixtures.py (see its docstring for every field). */
export interface TorchFixture {
  readonly generator: string;
  readonly name: string;
  readonly module: 'LSTM' | 'GRU' | 'RNN';
  readonly config: {
    readonly input_size: number;
    readonly hidden_size: number;
    readonly num_layers?: number;
    readonly bidirectional?: boolean;
    readonly nonlinearity?: 'tanh' | 'relu';
  };
  readonly prefix: string;
  readonly state_dict: TorchStateDict;
  readonly input: number[][][];
  readonly h0: number[][][] | null;
  readonly c0: number[][][] | null;
  readonly output: number[][][];
  readonly h_n: number[][][];
  readonly c_n: number[][][] | null;
  /** Keyed like PyTorch's suffixes: `l0`, `l0_reverse`, `l1`, … */
  readonly keras: Readonly<
    Record<string, { kernel: number[][]; recurrent_kernel: number[][]; bias: number[] | number[][] }>
  >;
}

/** Reads `test/fixtures/torch/<name>.json`. */
export function loadTorchFixture(name: string): TorchFixture {
  return readJsonFixture<TorchFixture>(new URL(`fixtures/torch/${name}.json`, import.meta.url));
}

/** The converter of each PyTorch module kind. */
export const CONVERTERS = {
  LSTM: lstmWeightsFromTorch,
  GRU: gruWeightsFromTorch,
  RNN: simpleRnnWeightsFromTorch,
} as const;
