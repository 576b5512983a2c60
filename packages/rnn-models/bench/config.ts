// The benchmark's model configs: configs.json next to this file, a copy of the project's
// shared peer-benchmark configs (shared/bench/configs.json), so that tfjs, rnnkit and
// PyTorch (torch_peer.py, also copied here) measure the same models.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One layer of a model's head, after the recurrent layer. */
export interface HeadSpec {
  readonly type: 'dense' | 'batchnorm';
  readonly units?: number;
  readonly activation?: string;
}

/** One entry of configs.json (field names as in the file, shared with torch_peer.py). */
export interface BenchConfig {
  readonly name: string;
  readonly kind: 'per_step' | 'many_to_one' | 'seq2seq';
  readonly cell: 'lstm' | 'gru';
  readonly vocab_size?: number;
  readonly src_vocab_size?: number;
  readonly tgt_vocab_size?: number;
  readonly embed_dim: number;
  readonly units: number;
  readonly bidirectional: boolean;
  readonly merge_mode: string | null;
  readonly head: readonly HeadSpec[];
  readonly num_classes: number;
  readonly loss: 'sparse_categorical_crossentropy' | 'binary_crossentropy';
  readonly batch: number;
  readonly seq_len?: number;
  readonly src_len?: number;
  readonly tgt_len?: number;
  readonly tokens_per_batch: { readonly formula: string; readonly value: number };
}

export const CONFIGS_PATH = fileURLToPath(new URL('./configs.json', import.meta.url));

export function loadConfigs(path: string = CONFIGS_PATH): BenchConfig[] {
  const configs = JSON.parse(readFileSync(path, 'utf8')) as BenchConfig[];
  for (const config of configs) tokensPerBatch(config); // checks every formula once, up front
  return configs;
}

/**
 * Tokens in one batch, from the config's `tokens_per_batch.formula` (e.g.
 * `batch*(src_len+tgt_len)`), checked against its recorded `value` as torch_peer.py does.
 */
export function tokensPerBatch(config: BenchConfig): number {
  const { formula, value } = config.tokens_per_batch;
  const arithmetic = formula.replace(/[A-Za-z_]\w*/g, (name) => {
    const v = (config as unknown as Record<string, unknown>)[name];
    if (!Number.isInteger(v))
      throw new Error(`${config.name}: '${name}' in '${formula}' is not an integer field`);
    return String(v);
  });
  if (!/^[\d+*() ]+$/.test(arithmetic)) throw new Error(`${config.name}: unsupported formula '${formula}'`);
  const tokens = new Function(`return (${arithmetic});`)() as number;
  if (tokens !== value)
    throw new Error(`${config.name}: '${formula}' gives ${tokens}, the config says ${value}`);
  return tokens;
}
