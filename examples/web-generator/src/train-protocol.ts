// Messages between the page and its training worker: plain data only.
import type { BackendInfo } from './backend.js';
import type { ModelFile } from './model-files.js';
import type { TrainProgress, TrainSettings } from './training.js';

export type ToWorker =
  | {
      readonly type: 'train';
      readonly text: string;
      readonly settings: TrainSettings;
      readonly threads: number;
    }
  | { readonly type: 'stop' };

export type FromWorker =
  | { readonly type: 'backend'; readonly info: BackendInfo }
  | ({ readonly type: 'progress' } & TrainProgress)
  | {
      readonly type: 'done';
      /** model.json, weights.bin, extras.json: loaded by the page like a picked folder. */
      readonly files: ModelFile[];
      readonly steps: number;
      readonly seconds: number;
      readonly characters: number;
      readonly firstLoss: number;
      readonly lastLoss: number;
      readonly stoppedBy: 'time' | 'user';
    }
  | { readonly type: 'error'; readonly message: string };
