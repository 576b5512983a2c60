// The training worker: tfjs and rnnkit's train() off the page's thread, so the page never
// freezes; it reports every step's loss and sends the trained model back as a folder's files.
import { startBackend } from './backend.js';
import { toModelFiles } from './model-files.js';
import type { FromWorker, ToWorker } from './train-protocol.js';
import { trainOnText } from './training.js';

const scope = self as unknown as {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
};
let controller: AbortController | null = null;
let backend: ReturnType<typeof startBackend> | null = null;

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'stop') controller?.abort();
  else
    void run(message).catch((error: unknown) => {
      scope.postMessage({ type: 'error', message: (error as Error)?.message ?? String(error) });
    });
};

async function run(message: Extract<ToWorker, { type: 'train' }>): Promise<void> {
  // The worker's own wasm instance: threads are fixed when it first starts.
  backend ??= startBackend(message.threads);
  scope.postMessage({ type: 'backend', info: await backend });
  controller = new AbortController();
  const trained = await trainOnText(message.text, message.settings, {
    signal: controller.signal,
    onProgress: (progress) => scope.postMessage({ type: 'progress', ...progress }),
  });
  try {
    const files = await toModelFiles(trained.model, {
      vocabulary: trained.vocabulary.toJSON(),
      model: trained.settings,
    });
    scope.postMessage(
      {
        type: 'done',
        files,
        steps: trained.steps,
        seconds: trained.seconds,
        characters: trained.characters,
        firstLoss: trained.losses[0] ?? Number.NaN,
        lastLoss: trained.losses.at(-1) ?? Number.NaN,
        stoppedBy: trained.stoppedBy,
      },
      files.map((file) => file.bytes),
    );
  } finally {
    trained.model.dispose();
  }
}
