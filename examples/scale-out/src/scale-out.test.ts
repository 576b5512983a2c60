import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@rnnkit/rnn-models';
import { exportTorch, importTorch } from '@rnnkit/rnn-models/node';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCli, UsageError } from './cli-options.js';
import { int32Bytes, loadText, readInt32, readTokenFiles, splitCorpus, writeTokenFiles } from './corpus.js';
import { runPaths, torchrunCommand } from './main.js';
import { buildModel, generateText, heldOutWindows, scoreHeldOut, trainBriefly } from './rnnkit-side.js';

let root: string;
beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  root = await mkdtemp(join(tmpdir(), 'rnnkit-scale-out-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('the command line', () => {
  it('rejects bad flags with a UsageError naming the flag', () => {
    expect(() => parseCli(['--stage', 'deploy'])).toThrow(/--stage/);
    expect(() => parseCli(['--dist-backend', 'mpi'])).toThrow(/--dist-backend/);
    expect(() => parseCli(['--nproc', '0'])).toThrow(/--nproc/);
    expect(() => parseCli(['--threads', 'all'])).toThrow(
      /--threads must be 'auto' or an integer in \[1, 256\], got 'all'/,
    );
    expect(parseCli([]).threads).toBe('auto');
    expect(() => parseCli(['--epochz', '3'])).toThrow(UsageError);
    expect(parseCli(['--steps-per-epoch', 'all']).stepsPerEpoch).toBe(Number.POSITIVE_INFINITY);
  });

  it('builds the torchrun command from the flags', () => {
    const cli = parseCli([
      '--nproc',
      '4',
      '--dist-backend',
      'nccl',
      '--out',
      join(root, 'run'),
      '--threads',
      '8',
    ]);
    const command = torchrunCommand(cli, 1);
    expect(command.slice(1, 4)).toEqual(['-m', 'torch.distributed.run', '--standalone']);
    expect(command[command.indexOf('--nproc_per_node') + 1]).toBe('4');
    expect(command[command.indexOf('--dist-backend') + 1]).toBe('nccl');
    expect(command[command.indexOf('--init') + 1]).toBe(runPaths(join(root, 'run')).exported);
    expect(command[command.indexOf('--threads') + 1]).toBe('2'); // 8 threads shared by 4 ranks
    // 'auto' (the default): the ranks share the count rnnkit's backend resolved it to.
    const auto = torchrunCommand(parseCli(['--nproc', '2']), 4);
    expect(auto[auto.indexOf('--threads') + 1]).toBe('2');
    const one = torchrunCommand(parseCli([]), 1); // 'auto' found one idle core: 1 per rank
    expect(one[one.indexOf('--threads') + 1]).toBe('1');
  });
});

describe('the token files both sides read', () => {
  it('are raw little-endian int32 (hand-checked bytes) and read back unchanged', async () => {
    expect([...int32Bytes(Int32Array.from([1, -2, 258]))]).toEqual([
      1, 0, 0, 0, 254, 255, 255, 255, 2, 1, 0, 0,
    ]);
    expect([...readInt32(int32Bytes(Int32Array.from([7, 0, 2 ** 31 - 1])))]).toEqual([7, 0, 2 ** 31 - 1]);
    const corpus = splitCorpus('abcab '.repeat(40), 0.1);
    const dir = join(root, 'data');
    const meta = await writeTokenFiles(dir, corpus, { source: 'test', sequenceLength: 4 });
    expect(meta.counts).toEqual({ train: 205, validation: 11, heldOut: 24 });
    const back = await readTokenFiles(dir);
    expect([...back.corpus.heldOut]).toEqual([...corpus.heldOut]);
    expect(back.corpus.vocabulary.tokens).toEqual(corpus.vocabulary.tokens);
    expect((await readFile(join(dir, 'train.i32'))).length).toBe(4 * 205);
  });

  it('cut the held-out windows as shiftedChunks does: non-overlapping L + 1 slices', () => {
    const ids = Int32Array.from({ length: 21 }, (_, i) => i);
    const { xs, ys } = heldOutWindows(ids, 4, 3);
    expect(xs).toEqual([
      [0, 1, 2, 3],
      [5, 6, 7, 8],
      [10, 11, 12, 13],
    ]);
    expect(ys[1]).toEqual([6, 7, 8, 9]);
  });
});

describe('scale-out, rnnkit side (smoke run on the first 30,000 characters of Moby-Dick)', () => {
  it('learns, exports for PyTorch, imports back to identical predictions, generates, leaks nothing', async () => {
    const { text } = await loadText();
    const corpus = splitCorpus(text.slice(0, 30_000), 0.1);
    const vocabularySize = corpus.vocabulary.vocabularySize;
    const before = tf.memory().numTensors;
    const model = buildModel({ vocabularySize, cell: 'gru', units: 48, embeddingDim: 16 }, 1);
    const history = await trainBriefly(model, corpus, {
      sequenceLength: 32,
      batchSize: 32,
      steps: 25,
      learningRate: 0.01,
      seed: 1,
      verbose: 0,
    });
    const heldOut = await scoreHeldOut(model, corpus.heldOut, 32, 40);
    // a uniform guess costs ln(vocabularySize) nats per character
    expect(heldOut.loss).toBeLessThan(Math.log(vocabularySize) - 0.5);
    expect(history.history.loss!.length).toBe(1);

    const dir = join(root, 'export');
    const exported = await exportTorch(model, dir, { extras: { vocabulary: corpus.vocabulary.toJSON() } });
    expect(exported.config).toMatchObject({
      template: 'languageModel',
      options: { vocabularySize, cell: 'gru', units: [48], embeddingDim: 16, mode: 'shifted' },
    });
    const { model: imported } = await importTorch(dir);
    const ids = tf.tensor2d(heldOutWindows(corpus.heldOut, 32, 4).xs, undefined, 'int32');
    const [a, b] = [model.predict(ids) as tf.Tensor, imported.predict(ids) as tf.Tensor];
    expect(b.dataSync()).toEqual(a.dataSync());
    expect((await scoreHeldOut(imported, corpus.heldOut, 32, 40)).loss).toBe(heldOut.loss);
    const options = { prompt: 'The ', maxNewTokens: 20, temperature: 0.5, seed: 3 };
    const generated = await generateText(imported, corpus.vocabulary, options);
    expect(Array.from(generated)).toHaveLength(20);
    expect(await generateText(model, corpus.vocabulary, options)).toBe(generated);
    tf.dispose([ids, a, b]);
    model.dispose();
    imported.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
