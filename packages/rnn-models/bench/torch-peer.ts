// PyTorch CPU peer: runs torch_peer.py (a copy of shared/bench/torch_peer.py) with Debian's
// /usr/bin/python3, the interpreter that sees python3-torch, and collects its JSON lines.
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const PYTHON = '/usr/bin/python3';
export const TORCH_INSTALL_HINT = 'apt-get install -y python3-torch libopenblas0-pthread';
const SCRIPT = fileURLToPath(new URL('./torch_peer.py', import.meta.url));

/**
 * How torch's two thread pools (libgomp for its own loops, OpenBLAS pthreads for GEMMs) wait
 * on this 2-core machine; see shared/bench/README.md, "torch threading":
 * - `omp-default`: OMP_WAIT_POLICY unset, libgomp's default spin-waiting — the two pools
 *   fight, steps are slower and erratic (README setting A);
 * - `omp-passive`: OMP_WAIT_POLICY=PASSIVE, torch_peer.py's own default, the tuned figure
 *   in results-baseline.jsonl (setting B).
 */
export type TorchThreading = 'omp-default' | 'omp-passive';
export const TORCH_THREADINGS: readonly TorchThreading[] = ['omp-default', 'omp-passive'];

export type TorchRecord = Record<string, unknown> & { name: string; variant: TorchThreading };

/** torch's version, or null when /usr/bin/python3 cannot import torch. */
export function torchVersion(): string | null {
  const check = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return check.status === 0 ? check.stdout.trim() : null;
}

export interface TorchRunOptions {
  readonly names: readonly string[];
  readonly threading: TorchThreading;
  readonly steps: number;
  readonly budgetS: number;
  readonly seed: number;
  /** Called with each config's record as torch_peer.py prints it. */
  readonly onRecord?: (record: TorchRecord) => void;
}

/** One torch_peer.py run over `names` (2 threads, as the baseline); one record per name. */
export async function runTorchPeer(options: TorchRunOptions): Promise<TorchRecord[]> {
  const env = { ...process.env };
  const args = [SCRIPT, '--threads', '2', '--steps', String(options.steps)];
  args.push('--budget-s', String(options.budgetS), '--seed', String(options.seed));
  if (options.threading === 'omp-default') {
    delete env['OMP_WAIT_POLICY'];
    args.push('--omp-wait-policy', 'inherit');
  } else {
    args.push('--omp-wait-policy', 'PASSIVE');
  }
  for (const name of options.names) args.push('--only', name);
  const child = spawn(PYTHON, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const records: TorchRecord[] = [];
  for await (const line of createInterface({ input: child.stdout })) {
    if (!line.startsWith('{')) continue;
    const record = {
      ...(JSON.parse(line) as Record<string, unknown>),
      variant: options.threading,
    } as TorchRecord;
    records.push(record);
    options.onRecord?.(record);
  }
  const code = await exited;
  for (const name of options.names) {
    if (records.some((r) => r.name === name)) continue;
    const reason = `torch_peer.py exited with ${code}: ${stderr.trim().split('\n').slice(-2).join(' | ')}`;
    const record: TorchRecord = {
      name,
      impl: 'torch-cpu',
      variant: options.threading,
      train_tokens_per_s: null,
      infer_tokens_per_s: null,
      error: reason.slice(0, 400),
    };
    records.push(record);
    options.onRecord?.(record);
  }
  return records;
}
