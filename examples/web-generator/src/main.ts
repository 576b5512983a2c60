// The page: the wasm backend (threaded when cross-origin isolated), the committed Moby-Dick model,
// streamed generation with sampling controls, training in a worker with a live loss chart,
// download and upload of model folders. Every failure is shown in the page, never a blank one.
import type * as tfl from '@tensorflow/tfjs-layers';
import { type BackendInfo, chooseThreads, startBackend, threadsParameter } from './backend.js';
import { type GenerateSettings, generateText } from './generate.js';
import { LossChart } from './loss-chart.js';
import {
  fetchModelFolder,
  type LoadedModel,
  loadModelFiles,
  type ModelFile,
  ModelFilesError,
  readPickedFiles,
} from './model-files.js';
import type { FromWorker, ToWorker } from './train-protocol.js';
import { DEFAULT_TRAIN_SETTINGS, minimumCharacters } from './training.js';
import './style.css';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const input = (id: string) => $<HTMLInputElement>(id);

let backendInfo: BackendInfo | null = null;
let current: (LoadedModel & { source: string }) | null = null;
let generation: AbortController | null = null;
let worker: Worker | null = null;
let downloadUrls: string[] = [];

function showMessage(id: string, text: string | null, kind: 'error' | 'info' = 'error'): void {
  const box = $(id);
  box.hidden = text === null;
  box.textContent = text ?? '';
  box.classList.toggle('info', kind === 'info');
}

function setModel(loaded: LoadedModel, source: string): void {
  current?.model.dispose();
  current = { ...loaded, source };
  const units = loaded.settings
    ? `${loaded.settings.cell.toUpperCase()} ${loaded.settings.units.join('+')}, `
    : '';
  $('model-info').textContent =
    `${source}: ${units}${loaded.vocabulary.vocabularySize} characters in its vocabulary, ` +
    `${countParams(loaded.model).toLocaleString()} parameters, ${(loaded.bytes / 1024).toFixed(0)} kB.`;
  $('model-info').dataset['source'] = source;
  $<HTMLButtonElement>('generate').disabled = false;
}

function countParams(model: tfl.LayersModel): number {
  return model.countParams();
}

async function loadFiles(files: readonly ModelFile[], source: string): Promise<void> {
  showMessage('model-message', null);
  try {
    setModel(await loadModelFiles(files), source);
  } catch (error) {
    const file = error instanceof ModelFilesError ? error.file : null;
    $('model-message').dataset['file'] = file ?? '';
    showMessage(
      'model-message',
      `Could not load the model${source ? ` (${source})` : ''}: ${(error as Error).message}` +
        (current ? `\nStill using: ${current.source}.` : ''),
    );
  }
}

// ---- generation -------------------------------------------------------------------------

function readGenerateSettings(): GenerateSettings {
  const number = (id: string, fallback: number) => {
    const value = Number(input(id).value);
    return input(id).value.trim() === '' || !Number.isFinite(value) ? fallback : value;
  };
  const topK = input('top-k').value.trim() === '' ? null : Math.max(1, Math.round(number('top-k', 1)));
  const stop = input('stop')
    .value.replaceAll('\\n', '\n')
    .split('|')
    .map((s) => (s.trim() === '' ? s : s.trim()))
    .filter((s) => s !== '');
  return {
    prompt: $<HTMLTextAreaElement>('prompt').value || '\n',
    temperature: Math.max(0, number('temperature', 0.6)),
    topK,
    topP: Math.min(1, Math.max(0.01, number('top-p', 1))),
    maxNewTokens: Math.max(1, Math.round(number('max-new-tokens', 500))),
    seed: Math.max(0, Math.round(number('seed', 42))),
    stop,
  };
}

async function generate(): Promise<void> {
  if (current === null) return;
  generation?.abort();
  const controller = new AbortController();
  generation = controller;
  const settings = readGenerateSettings();
  const output = $('output');
  const text = document.createTextNode('');
  $('output-prompt').textContent = settings.prompt;
  $('generated').replaceChildren(text);
  output.dataset['state'] = 'running';
  $<HTMLButtonElement>('stop-generation').disabled = false;
  $('generate-stats').textContent = 'generating…';
  try {
    const result = await generateText(current.model, current.vocabulary, settings, {
      onText: (piece) => text.appendData(piece),
      signal: controller.signal,
    });
    const stats = $('generate-stats');
    stats.dataset['tokensPerSecond'] = result.tokensPerSecond.toFixed(1);
    stats.textContent =
      `${result.tokens} characters in ${result.seconds.toFixed(2)} s: ${Math.round(result.tokensPerSecond)} tokens/s ` +
      `(${backendLabel()}; stopped by ${result.stopReason})`;
    output.dataset['state'] = 'done';
  } catch (error) {
    output.dataset['state'] = 'stopped';
    $('generate-stats').textContent = controller.signal.aborted
      ? `stopped after ${text.length} characters`
      : `generation failed: ${(error as Error).message}`;
  } finally {
    if (generation === controller) {
      generation = null;
      $<HTMLButtonElement>('stop-generation').disabled = true;
    }
  }
}

// ---- training ---------------------------------------------------------------------------

const chart = new LossChart($('loss-chart'));

function startTraining(): void {
  const text = $<HTMLTextAreaElement>('train-text').value;
  const seconds = Math.max(1, Number(input('train-seconds').value) || DEFAULT_TRAIN_SETTINGS.seconds);
  const units = Math.max(8, Math.round(Number(input('train-units').value) || DEFAULT_TRAIN_SETTINGS.units));
  const settings = { ...DEFAULT_TRAIN_SETTINGS, seconds, units };
  showMessage('train-message', null);
  if (Array.from(text).length < minimumCharacters(settings)) {
    showMessage(
      'train-message',
      `Paste or drop a text of at least ${minimumCharacters(settings)} characters first.`,
    );
    return;
  }
  worker ??= createWorker();
  chart.reset();
  const stats = $('train-stats');
  stats.dataset['state'] = 'running';
  delete stats.dataset['firstLoss'];
  delete stats.dataset['lastLoss'];
  stats.textContent = 'starting…';
  $<HTMLProgressElement>('train-progress').value = 0;
  $<HTMLButtonElement>('train').disabled = true;
  $<HTMLButtonElement>('stop-training').disabled = false;
  const message: ToWorker = { type: 'train', text, settings, threads: backendInfo?.threads ?? 1 };
  worker.postMessage(message);
}

function createWorker(): Worker {
  const created = new Worker(new URL('./train-worker.ts', import.meta.url), { type: 'module' });
  created.onmessage = (event: MessageEvent<FromWorker>) => void onWorkerMessage(event.data);
  created.onerror = (event) => trainingFailed(`the training worker failed: ${event.message}`);
  return created;
}

async function onWorkerMessage(message: FromWorker): Promise<void> {
  const stats = $('train-stats');
  const seconds = Number(input('train-seconds').value) || DEFAULT_TRAIN_SETTINGS.seconds;
  switch (message.type) {
    case 'backend':
      stats.dataset['threads'] = String(message.info.threads);
      return;
    case 'progress': {
      chart.add(message.step, message.loss);
      if (message.step === 1) stats.dataset['firstLoss'] = message.loss.toFixed(4);
      stats.dataset['lastLoss'] = message.loss.toFixed(4);
      stats.dataset['steps'] = String(message.step);
      $<HTMLProgressElement>('train-progress').value = Math.min(1, message.seconds / seconds);
      stats.textContent =
        `step ${message.step} · loss ${message.loss.toFixed(3)} · ${message.seconds.toFixed(1)} s · ` +
        `${Math.round(message.characters / message.seconds).toLocaleString()} characters/s`;
      return;
    }
    case 'done': {
      const rate = message.characters / message.seconds;
      stats.dataset['charactersPerSecond'] = rate.toFixed(0);
      stats.dataset['stoppedBy'] = message.stoppedBy;
      stats.textContent =
        `Trained ${message.steps} steps in ${message.seconds.toFixed(1)} s (${Math.round(rate).toLocaleString()} ` +
        `characters/s, ${stats.dataset['threads'] ?? '?'} thread(s) in the worker; stopped by ${message.stoppedBy === 'user' ? 'you' : 'the clock'}): ` +
        `loss ${message.firstLoss.toFixed(3)} → ${message.lastLoss.toFixed(3)} nats/char. Generating from it now uses this model.`;
      $<HTMLProgressElement>('train-progress').value = 1;
      offerDownloads(message.files);
      await loadFiles(message.files, 'trained in this page');
      stats.dataset['state'] = 'done';
      trainingEnded();
      return;
    }
    case 'error':
      trainingFailed(message.message);
      return;
  }
}

function trainingFailed(reason: string): void {
  $('train-stats').dataset['state'] = 'failed';
  showMessage('train-message', `Training failed: ${reason}`);
  trainingEnded();
}

function trainingEnded(): void {
  $<HTMLButtonElement>('train').disabled = false;
  $<HTMLButtonElement>('stop-training').disabled = true;
}

function offerDownloads(files: readonly ModelFile[]): void {
  for (const url of downloadUrls) URL.revokeObjectURL(url);
  downloadUrls = [];
  const ids: Record<string, string> = {
    'model.json': 'download-model',
    'weights.bin': 'download-weights',
    'extras.json': 'download-extras',
  };
  const links = files.flatMap((file) => {
    const id = ids[file.name];
    if (id === undefined) return [];
    // A copy: the page's loader keeps reading the original bytes.
    const url = URL.createObjectURL(new Blob([file.bytes.slice(0)]));
    downloadUrls.push(url);
    const link = document.createElement('a');
    link.id = id;
    link.href = url;
    link.download = file.name;
    link.textContent = file.name;
    return [link];
  });
  $('download-links').replaceChildren(...links);
  $('downloads').hidden = false;
}

async function readDroppedText(file: File): Promise<void> {
  try {
    $<HTMLTextAreaElement>('train-text').value = new TextDecoder('utf-8', { fatal: true }).decode(
      await file.arrayBuffer(),
    );
    showMessage('train-message', null);
  } catch {
    showMessage('train-message', `${file.name} is not UTF-8 text; drop a plain .txt file.`);
  }
}

// ---- wiring -----------------------------------------------------------------------------

function backendLabel(): string {
  if (backendInfo === null) return 'no backend';
  return `${backendInfo.backend}, ${backendInfo.threads} thread${backendInfo.threads === 1 ? '' : 's'}`;
}

$('generate').addEventListener('click', () => void generate());
$('stop-generation').addEventListener('click', () => generation?.abort());
$('train').addEventListener('click', startTraining);
$('stop-training').addEventListener('click', () => worker?.postMessage({ type: 'stop' } satisfies ToWorker));
for (const id of ['pick-folder', 'pick-files']) {
  input(id).addEventListener('change', async () => {
    const picked = input(id).files;
    if (picked === null || picked.length === 0) return;
    const first = picked[0]!;
    const folder = first.webkitRelativePath.split('/')[0] || 'chosen files';
    await loadFiles(await readPickedFiles(picked), folder);
    input(id).value = '';
  });
}
input('train-file').addEventListener('change', () => {
  const file = input('train-file').files?.[0];
  if (file) void readDroppedText(file);
});
const trainText = $('train-text');
trainText.addEventListener('dragover', (event) => {
  event.preventDefault();
  trainText.classList.add('dragging');
});
trainText.addEventListener('dragleave', () => trainText.classList.remove('dragging'));
trainText.addEventListener('drop', (event) => {
  const file = event.dataTransfer?.files[0];
  trainText.classList.remove('dragging');
  if (file === undefined) return;
  event.preventDefault();
  void readDroppedText(file);
});

async function start(): Promise<void> {
  const threads = chooseThreads(threadsParameter(location.search));
  backendInfo = await startBackend(threads, (warning) => showMessage('message', warning, 'info'));
  const badge = $('backend');
  badge.dataset['backend'] = backendInfo.backend;
  badge.dataset['threads'] = String(backendInfo.threads);
  badge.dataset['isolated'] = String(backendInfo.crossOriginIsolated);
  badge.title = `SIMD: ${backendInfo.simd}, threads supported: ${backendInfo.threadsSupported}`;
  badge.textContent = `${backendLabel()} · ${backendInfo.crossOriginIsolated ? 'cross-origin isolated' : 'not cross-origin isolated (no threads)'}`;
  const base = new URL(`${import.meta.env.BASE_URL}models/moby-dick/`, location.href).href;
  let files: ModelFile[];
  try {
    files = await fetchModelFolder(base);
  } catch (error) {
    showMessage('model-message', `Could not fetch the Moby-Dick model: ${(error as Error).message}`);
    $('model-info').textContent = 'No model yet: load a saved folder or train one below.';
    return;
  }
  await loadFiles(files, 'Moby-Dick (trained by the char-lm example)');
}

void start().catch((error: unknown) =>
  showMessage('message', `Could not start: ${(error as Error).message}`),
);
