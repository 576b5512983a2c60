// Outgrow the laptop: (1) train a character language model briefly with rnnkit and export it
// for PyTorch (model.safetensors + config.json); (2) fine-tune it with DistributedDataParallel
// under torchrun (2 CPU processes here, GPUs or many machines with the same script); (3) import
// the result back into rnnkit, score the held-out text on both sides and generate.
//   pnpm start                              # all three stages, a few minutes on 2 cores
//   pnpm start --stage prepare|finetune|import
//   pnpm start --nproc 4 --dist-backend nccl   # 4 GPUs of one machine
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { RnnkitError } from '@rnnkit/core';
import { plotHistorySvg } from '@rnnkit/metrics/plots';
import { initBackend } from '@rnnkit/rnn-models';
import { describeMachine, exportTorch, importTorch, loadModel, saveModel } from '@rnnkit/rnn-models/node';
import { CharVocabulary } from '@rnnkit/tokenize';
import { type CliSettings, parseCli, USAGE, UsageError } from './cli-options.js';
import { loadText, readTokenFiles, splitCorpus, writeTokenFiles } from './corpus.js';
import { buildModel, generateText, scoreHeldOut, trainBriefly } from './rnnkit-side.js';

const print = (text: string) => process.stdout.write(text);
const HERE = new URL('..', import.meta.url).pathname;

/** The paths of a run under `--out`. */
export function runPaths(out: string) {
  const root = resolve(out);
  return {
    data: join(root, 'data'),
    exported: join(root, 'rnnkit-export'),
    finetuned: join(root, 'finetuned'),
    report: join(root, 'finetuned.report.json'),
    brief: join(root, 'rnnkit-brief.json'),
    model: join(root, 'model'),
  };
}

async function prepare(cli: CliSettings): Promise<void> {
  const paths = runPaths(cli.out);
  const { text, source } = await loadText(cli.text);
  const corpus = splitCorpus(text, cli.heldOutFraction);
  const meta = await writeTokenFiles(paths.data, corpus, { source, sequenceLength: cli.sequenceLength });
  console.log(
    `${source}: ${text.length.toLocaleString()} characters, ${meta.vocabularySize} ids; training ` +
      `${meta.counts.train.toLocaleString()}, validation ${meta.counts.validation.toLocaleString()}, held out ` +
      `${meta.counts.heldOut.toLocaleString()} → ${paths.data}/*.i32 (int32, little-endian) + meta.json`,
  );
  const settings = {
    vocabularySize: meta.vocabularySize,
    cell: cli.cell,
    units: cli.units,
    embeddingDim: cli.embeddingDim,
  };
  const model = buildModel(settings, cli.seed);
  try {
    console.log(
      `\n(1) rnnkit: ${cli.rnnkitSteps} batches of ${cli.batchSize} × ${cli.sequenceLength} characters`,
    );
    const started = performance.now();
    const history = await trainBriefly(model, corpus, {
      sequenceLength: cli.sequenceLength,
      batchSize: cli.batchSize,
      steps: cli.rnnkitSteps,
      learningRate: cli.learningRate,
      seed: cli.seed,
      verbose: 1,
    });
    const seconds = (performance.now() - started) / 1000;
    const heldOut = await scoreHeldOut(model, corpus.heldOut, cli.sequenceLength, cli.heldOutWindows);
    const exported = await exportTorch(model, paths.exported, {
      extras: { vocabulary: corpus.vocabulary.toJSON() },
    });
    console.log(
      `rnnkit held-out loss before fine-tuning: ${heldOut.loss.toFixed(4)} nats/char (${heldOut.bitsPerChar.toFixed(3)} bits/char)\n` +
        `Exported to ${paths.exported}: ${Object.entries(exported.files)
          .map(([name, bytes]) => `${name} (${bytes.toLocaleString()} bytes)`)
          .join(', ')}; template ${exported.config.template}`,
    );
    await writeFile(
      paths.brief,
      `${JSON.stringify({ settings, steps: cli.rnnkitSteps, seconds, history: history.history, heldOut }, null, 2)}\n`,
    );
  } finally {
    model.dispose();
  }
}

/**
 * The torchrun command of stage 2 (printed, and run when Python is there). The ranks share
 * `--threads`; with 'auto', `autoThreads`: the thread count rnnkit's backend resolved it to.
 */
export function torchrunCommand(cli: CliSettings, autoThreads: number): string[] {
  const threads = cli.threads === 'auto' ? autoThreads : cli.threads;
  const paths = runPaths(cli.out);
  return [
    cli.python,
    '-m',
    'torch.distributed.run',
    '--standalone',
    // Debian's torch 1.13 under Python 3.11 cannot parse torchrun's default `--redirects 0`
    // (enum iteration changed); teeing stdout is accepted and prefixes each line with its rank
    '--redirects',
    '1',
    '--tee',
    '1',
    '--nproc_per_node',
    String(cli.nproc),
    join(HERE, 'python', 'train_ddp.py'),
    '--data',
    paths.data,
    '--init',
    paths.exported,
    '--out',
    paths.finetuned,
    '--report',
    paths.report,
    '--epochs',
    String(cli.epochs),
    '--steps-per-epoch',
    String(Number.isFinite(cli.stepsPerEpoch) ? cli.stepsPerEpoch : 0),
    '--batch',
    String(cli.batchSize),
    '--learning-rate',
    String(cli.learningRate),
    '--held-out-windows',
    String(cli.heldOutWindows),
    '--dist-backend',
    cli.distBackend,
    '--threads',
    String(Math.max(1, Math.floor(threads / cli.nproc))),
    '--seed',
    String(cli.seed),
  ];
}

async function finetune(cli: CliSettings): Promise<void> {
  const [command, ...args] = torchrunCommand(cli, (await describeMachine()).threads);
  console.log(`\n(2) PyTorch DDP: ${[command, ...args].join(' ')}`);
  const code = await new Promise<number | null>((done, fail) => {
    const child = spawn(command!, args, { stdio: 'inherit', env: { ...process.env, OMP_NUM_THREADS: '1' } });
    child.on('error', (error) =>
      fail(
        new UsageError(
          `cannot start ${command} (${error.message}). Install PyTorch (Debian: apt-get install python3-torch) or pass --python.`,
        ),
      ),
    );
    child.on('exit', done);
  });
  if (code !== 0) throw new Error(`torchrun exited with ${code}; its output above says why.`);
}

async function importBack(cli: CliSettings): Promise<void> {
  const paths = runPaths(cli.out);
  const { corpus } = await readTokenFiles(paths.data);
  const report = JSON.parse(await readFile(paths.report, 'utf8')) as {
    heldOut: { loss: number; windows: number };
    epochs: { epoch: number; trainLoss: number; valLoss: number; trainLossPerRank: number[] }[];
    worldSize: number;
    seconds: number;
    validationLossBefore: number;
  };
  const brief = JSON.parse(await readFile(paths.brief, 'utf8')) as {
    heldOut: { loss: number };
    seconds: number;
  };
  console.log(`\n(3) rnnkit: importTorch(${paths.finetuned})`);
  const { model, config } = await importTorch(paths.finetuned);
  try {
    const vocabulary = CharVocabulary.fromJSON((config.extras as { vocabulary: string }).vocabulary);
    const heldOut = await scoreHeldOut(model, corpus.heldOut, cli.sequenceLength, cli.heldOutWindows);
    const difference = Math.abs(heldOut.loss - report.heldOut.loss);
    console.log(
      `Held-out loss on the same ${heldOut.windows} windows (${heldOut.characters.toLocaleString()} characters):\n` +
        `  PyTorch (rank 0, after DDP)     ${report.heldOut.loss.toFixed(6)} nats/char\n` +
        `  rnnkit (imported model)         ${heldOut.loss.toFixed(6)} nats/char  (|difference| ${difference.toExponential(2)})\n` +
        `  rnnkit before fine-tuning       ${brief.heldOut.loss.toFixed(6)} nats/char`,
    );
    print(`\nGenerated by the imported model (temperature ${cli.temperature}):\n${cli.prompt}`);
    const generated = await generateText(model, vocabulary, { ...cli, onText: print });
    // saved as an rnnkit checkpoint with its vocabulary, reloaded, and generating the same text
    await saveModel(model, paths.model, { extras: { vocabulary: vocabulary.toJSON() } });
    const reloaded = await loadModel(paths.model);
    let again: string;
    try {
      again = await generateText(reloaded.model, vocabulary, cli);
    } finally {
      reloaded.model.dispose();
    }
    console.log(
      `\n\nSaved with saveModel to ${paths.model}; the reloaded model generates ${again === generated ? 'the same' : 'DIFFERENT'} text.`,
    );
    const results = join(HERE, 'results');
    await mkdir(results, { recursive: true });
    await writeFile(
      join(results, 'finetune-history.svg'),
      await plotHistorySvg(
        {
          epoch: report.epochs.map((e) => e.epoch - 1),
          history: {
            loss: report.epochs.map((e) => e.trainLoss),
            val_loss: report.epochs.map((e) => e.valLoss),
          },
        },
        { title: `DDP fine-tuning, ${report.worldSize} ranks (loss in nats/char)` },
      ),
    );
    await writeFile(
      join(results, 'scale-out.json'),
      `${JSON.stringify(
        {
          settings: { ...cli, stepsPerEpoch: Number.isFinite(cli.stepsPerEpoch) ? cli.stepsPerEpoch : 'all' },
          rnnkitBrief: { seconds: brief.seconds, heldOutLoss: brief.heldOut.loss },
          ddp: report,
          imported: { heldOutLoss: heldOut.loss, differenceFromPyTorch: difference, generated },
          machine: await describeMachine(),
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    model.dispose();
  }
}

async function main(cli: CliSettings): Promise<void> {
  // Not pinned: pinning fixes this thread to one CPU, and torchrun's ranks would inherit it.
  const backend = await initBackend({ backend: 'wasm', threads: cli.threads });
  const machine = await describeMachine();
  console.log(
    `rnnkit backend ${backend}; ${machine.cpu} × ${machine.cores}, load ${machine.loadAverage.join(' ')}`,
  );
  if (cli.stage === 'all' || cli.stage === 'prepare') await prepare(cli);
  if (cli.stage === 'all' || cli.stage === 'finetune') await finetune(cli);
  if (cli.stage === 'all' || cli.stage === 'import') await importBack(cli);
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  try {
    // pnpm 10 passes a `--` separator through to the script.
    const argv = process.argv.slice(2);
    await main(parseCli(argv[0] === '--' ? argv.slice(1) : argv));
  } catch (error) {
    if (error instanceof UsageError) console.error(`${error.message}\n${USAGE}`);
    else if (error instanceof RnnkitError) console.error(`${error.name}: ${error.message}`);
    else throw error;
    process.exit(1);
  }
}
