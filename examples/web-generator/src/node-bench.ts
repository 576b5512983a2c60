// The same model and settings as the page, in Node: generation tokens/s with the committed
// Moby-Dick model and training characters/s on the same text, to set beside the page's figures.
//   pnpm bench                 # 1 thread
//   pnpm bench --threads 2     # tfjs' threaded-SIMD build (rnnkit enables it in Node)
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { RnnkitError } from '@rnnkit/core';
import { initBackend } from '@rnnkit/rnn-models';
import { describeMachine } from '@rnnkit/rnn-models/node';
import { generateText } from './generate.js';
import { loadModelFiles } from './model-files.js';
import { MEASURE } from './sample-text.js';
import { DEFAULT_TRAIN_SETTINGS, trainOnText } from './training.js';

/** A command-line mistake: printed with the usage, exit code 1. */
export class UsageError extends Error {}
const USAGE = 'Usage: pnpm bench [--threads 1|2] [--tokens 1000] [--train-seconds 10]';

export function parseCli(argv: readonly string[]): { threads: number; tokens: number; trainSeconds: number } {
  let values: { threads: string; tokens: string; 'train-seconds': string };
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        threads: { type: 'string', default: '1' },
        tokens: { type: 'string', default: String(MEASURE.generate.maxNewTokens) },
        'train-seconds': { type: 'string', default: String(MEASURE.trainSeconds) },
      },
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const integer = (name: string, raw: string, min: number, max: number) => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new UsageError(`--${name} must be an integer in [${min}, ${max}], got '${raw}'.`);
    }
    return value;
  };
  return {
    threads: integer('threads', values.threads, 1, 8),
    tokens: integer('tokens', values.tokens, 1, 1_000_000),
    trainSeconds: integer('train-seconds', values['train-seconds'], 1, 3600),
  };
}

async function main(cli: ReturnType<typeof parseCli>): Promise<void> {
  const backend = await initBackend({ backend: 'wasm', threads: cli.threads });
  const machine = await describeMachine();
  const folder = fileURLToPath(new URL('../public/models/moby-dick/', import.meta.url));
  const files = await Promise.all(
    (await readdir(folder)).map(async (name) => {
      const bytes = await readFile(join(folder, name));
      return {
        name,
        bytes: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
      };
    }),
  );
  const loaded = await loadModelFiles(files);
  // A short warm-up, as the page's first click also pays for kernel set-up.
  await generateText(
    loaded.model,
    loaded.vocabulary,
    { ...MEASURE.generate, maxNewTokens: 20 },
    { onText: () => {} },
  );
  const generated = await generateText(
    loaded.model,
    loaded.vocabulary,
    { ...MEASURE.generate, maxNewTokens: cli.tokens },
    { onText: () => {} },
  );
  loaded.model.dispose();
  const trained = await trainOnText(MEASURE.trainText, {
    ...DEFAULT_TRAIN_SETTINGS,
    seconds: cli.trainSeconds,
  });
  trained.model.dispose();
  console.log(
    `Node ${machine.node}, ${backend}, ${machine.threads} thread(s); ${machine.cpu} × ${machine.cores}; ` +
      `load ${machine.loadAverage.map((l) => l.toFixed(2)).join(' ')}`,
  );
  console.log(
    `generate: ${generated.tokens} tokens in ${generated.seconds.toFixed(2)} s = ${generated.tokensPerSecond.toFixed(0)} tokens/s ` +
      `(Moby-Dick GRU 256, temperature ${MEASURE.generate.temperature}, seed ${MEASURE.generate.seed})`,
  );
  console.log(
    `train: ${trained.steps} steps in ${trained.seconds.toFixed(1)} s = ${(trained.characters / trained.seconds).toFixed(0)} characters/s ` +
      `(GRU ${DEFAULT_TRAIN_SETTINGS.units}, batch ${DEFAULT_TRAIN_SETTINGS.batchSize} × ${DEFAULT_TRAIN_SETTINGS.sequenceLength}); ` +
      `loss ${trained.losses[0]?.toFixed(3)} → ${trained.losses.at(-1)?.toFixed(3)}`,
  );
  console.log(`first characters: ${JSON.stringify(generated.text.slice(0, 60))}`);
}

try {
  const argv = process.argv.slice(2);
  await main(parseCli(argv[0] === '--' ? argv.slice(1) : argv));
} catch (error) {
  if (error instanceof UsageError) console.error(`${error.message}\n${USAGE}`);
  else if (error instanceof RnnkitError) console.error(`${error.name}: ${error.message}`);
  else throw error;
  process.exit(1);
}
