// PyTorch CPU peer: runs torch_peer.py (a copy of shared/bench/torch_peer.py) with Debian's
// /usr/bin/python3, the interpreter that sees python3-torch, and collects its JSON lines:
// one python process per config, so that its peak RSS (VmHWM) is that config's.
import { spawn, spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
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
  /** Called with each config's record when its torch_peer.py process has exited. */
  readonly onRecord?: (record: TorchRecord) => void;
}

/**
 * torch_peer.py (2 threads, as the baseline) once per name, one after the other; one record per
 * name, with `peak_rss_mb`: the python process's VmHWM (/proc/PID/status, read every 100 ms;
 * null where /proc is not available).
 */
export async function runTorchPeer(options: TorchRunOptions): Promise<TorchRecord[]> {
  const records: TorchRecord[] = [];
  for (const name of options.names) {
    const record = await runTorchPeerOnce(name, options);
    records.push(record);
    options.onRecord?.(record);
  }
  return records;
}

const VM_HWM = /^VmHWM:\s*(\d+)\s*kB/m;

/** Polls /proc/PID/status for VmHWM (kB) until stopped; `peakMb()` is the last value read. */
function watchPeakRss(pid: number | undefined) {
  let peakKb: number | null = null;
  let stopped = false;
  const poll = async () => {
    if (pid === undefined) return;
    try {
      const match = VM_HWM.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
      // A read still in flight at stop() may see a reused pid: drop it.
      if (match && !stopped) peakKb = Number(match[1]);
    } catch {
      // No /proc, or the process has just exited: keep the last value.
    }
  };
  void poll();
  const timer = setInterval(() => void poll(), 100);
  return {
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
    peakMb: () => (peakKb === null ? null : Math.round(peakKb / 102.4) / 10),
  };
}

/** One torch_peer.py process for one config. */
async function runTorchPeerOnce(name: string, options: TorchRunOptions): Promise<TorchRecord> {
  const env = { ...process.env };
  const args = [SCRIPT, '--threads', '2', '--steps', String(options.steps)];
  args.push('--budget-s', String(options.budgetS), '--seed', String(options.seed));
  if (options.threading === 'omp-default') {
    delete env['OMP_WAIT_POLICY'];
    args.push('--omp-wait-policy', 'inherit');
  } else {
    args.push('--omp-wait-policy', 'PASSIVE');
  }
  args.push('--only', name);
  const child = spawn(PYTHON, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const rss = watchPeakRss(child.pid);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  let printed: Record<string, unknown> | null = null;
  for await (const line of createInterface({ input: child.stdout })) {
    if (!line.startsWith('{')) continue;
    const parsed = JSON.parse(line) as Record<string, unknown>;
    if (parsed['name'] === name) printed = parsed;
  }
  const code = await exited;
  rss.stop();
  if (printed !== null) return { ...printed, name, variant: options.threading, peak_rss_mb: rss.peakMb() };
  const reason = `torch_peer.py exited with ${code}: ${stderr.trim().split('\n').slice(-2).join(' | ')}`;
  return {
    name,
    impl: 'torch-cpu',
    variant: options.threading,
    train_tokens_per_s: null,
    infer_tokens_per_s: null,
    peak_rss_mb: rss.peakMb(),
    error: reason.slice(0, 400),
  };
}
