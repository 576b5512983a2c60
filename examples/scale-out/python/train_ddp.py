#!/usr/bin/python3
"""Fine-tunes an rnnkit export with PyTorch DistributedDataParallel.

    python3 -m torch.distributed.run --nproc_per_node 2 python/train_ddp.py \
        --data out/scale-out/data --init out/scale-out/rnnkit-export --out out/scale-out/finetuned

Every process (rank) loads the same rnnkit export (rnnkit_torch.load: model.safetensors +
config.json), reads the same token files (raw little-endian int32, written once by the Node
side), and trains on its own share of the shuffled windows (DistributedSampler); DDP averages
the gradients across ranks after every backward pass, so all ranks hold the same weights. Rank 0
scores the validation part after every epoch and the held-out windows at the end, saves the
result with rnnkit_torch.save for rnnkit's importTorch, and writes a JSON report.

Runs on CPUs with the gloo backend; on GPUs pass --dist-backend nccl (each rank then uses
cuda:LOCAL_RANK). Nothing else changes for more GPUs or more machines: torchrun's
--nnodes/--node_rank/--rdzv_endpoint say where the ranks are.
"""
import argparse
import json
import math
import os
import pathlib
import sys
import time

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DistributedSampler

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import rnnkit_torch  # noqa: E402


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--data', required=True, help='directory with meta.json and the .i32 token files')
    p.add_argument('--init', required=True, help='the rnnkit export to start from')
    p.add_argument('--out', required=True, help='where rnnkit_torch.save writes the fine-tuned model')
    p.add_argument('--report', default=None, help='JSON report (rank 0); default <out>.report.json')
    p.add_argument('--epochs', type=int, default=3)
    p.add_argument('--steps-per-epoch', type=int, default=0, help='batches per epoch and rank; 0: all')
    p.add_argument('--batch', type=int, default=32, help='windows per batch and rank')
    p.add_argument('--learning-rate', type=float, default=0.003)
    p.add_argument('--held-out-windows', type=int, default=200)
    p.add_argument('--validation-windows', type=int, default=256)
    p.add_argument('--dist-backend', choices=['gloo', 'nccl'], default='gloo')
    p.add_argument('--threads', type=int, default=1, help='torch threads per rank (CPU)')
    p.add_argument('--seed', type=int, default=42)
    return p.parse_args()


def read_ids(path):
    data = bytearray(pathlib.Path(path).read_bytes())
    return torch.frombuffer(data, dtype=torch.int32).to(torch.int64)


def windows(ids, length, offset=0):
    """Non-overlapping chunks of length + 1 ids from `offset` (rnnkit's shiftedChunks): [n, length + 1]."""
    ids = ids[offset:]
    count = len(ids) // (length + 1)
    return ids[:count * (length + 1)].view(count, length + 1)


@torch.no_grad()
def mean_loss(module, chunks, device, batch=50):
    """Mean cross-entropy per character (nats) over every target of `chunks`."""
    module.eval()
    total, count = 0.0, 0
    for start in range(0, len(chunks), batch):
        part = chunks[start:start + batch].to(device)
        logits = module.logits(part[:, :-1])
        total += F.cross_entropy(logits.reshape(-1, logits.shape[-1]), part[:, 1:].reshape(-1),
                                 reduction='sum').item()
        count += part[:, 1:].numel()
    module.train()
    return total / count


def main():
    args = parse_args()
    dist.init_process_group(args.dist_backend)
    rank, world = dist.get_rank(), dist.get_world_size()
    local_rank = int(os.environ.get('LOCAL_RANK', 0))
    if args.dist_backend == 'nccl':
        device = torch.device('cuda', local_rank)
        torch.cuda.set_device(device)
    else:
        device = torch.device('cpu')
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed + rank)

    meta = json.loads((pathlib.Path(args.data) / 'meta.json').read_text(encoding='utf-8'))
    length = meta['sequenceLength']
    train_ids = read_ids(pathlib.Path(args.data) / 'train.i32')
    validation = windows(read_ids(pathlib.Path(args.data) / 'validation.i32'), length)[:args.validation_windows]
    held_out = windows(read_ids(pathlib.Path(args.data) / 'held-out.i32'), length)[:args.held_out_windows]

    module, config = rnnkit_torch.load(args.init)
    if module.options['vocabularySize'] != meta['vocabularySize']:
        raise SystemExit(f"the export's vocabularySize {module.options['vocabularySize']} is not the data's "
                         f"{meta['vocabularySize']}")
    module.to(device).train()
    model = DistributedDataParallel(module, device_ids=[local_rank] if device.type == 'cuda' else None)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.learning_rate)
    vocab = meta['vocabularySize']

    if rank == 0:
        start_val = mean_loss(module, validation, device)
        print(f'[rank 0] world size {world} ({args.dist_backend}), {len(train_ids):,} training ids, '
              f'validation loss before fine-tuning {start_val:.4f}', flush=True)
    history = []
    started = time.time()
    for epoch in range(args.epochs):
        # a new cut every epoch (the same on every rank), then each rank takes its share
        offset = int(torch.randint(length + 1, (1,), generator=torch.Generator().manual_seed(args.seed + epoch)))
        chunks = windows(train_ids, length, offset)
        sampler = DistributedSampler(range(len(chunks)), num_replicas=world, rank=rank, shuffle=True,
                                     seed=args.seed, drop_last=True)
        sampler.set_epoch(epoch)
        order = list(sampler)
        steps = len(order) // args.batch
        if args.steps_per_epoch > 0:
            steps = min(steps, args.steps_per_epoch)
        losses = []
        for step in range(steps):
            batch = chunks[order[step * args.batch:(step + 1) * args.batch]].to(device)
            # through model(...), not module.logits: DDP averages gradients only on its own forward
            logits = model(batch[:, :-1], output='logits')
            loss = F.cross_entropy(logits.reshape(-1, vocab), batch[:, 1:].reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            optimizer.step()
            losses.append(loss.item())
        mine = torch.tensor([sum(losses) / max(1, len(losses))], dtype=torch.float64)
        gathered = [torch.zeros(1, dtype=torch.float64) for _ in range(world)]
        dist.all_gather(gathered, mine)
        per_rank = [g.item() for g in gathered]
        print(f'[rank {rank}] epoch {epoch + 1}/{args.epochs}: {steps} steps, train loss {mine.item():.4f}',
              flush=True)
        dist.barrier()
        if rank == 0:
            val = mean_loss(module, validation, device)
            entry = {'epoch': epoch + 1, 'steps': steps, 'trainLoss': sum(per_rank) / world,
                     'trainLossPerRank': per_rank, 'valLoss': val, 'seconds': time.time() - started}
            history.append(entry)
            print(f'[rank 0] epoch {epoch + 1}: mean train loss over ranks {entry["trainLoss"]:.4f}, '
                  f'validation loss {val:.4f} ({entry["seconds"]:.0f} s)', flush=True)
    if rank == 0:
        held = mean_loss(module, held_out, device)
        module.to('cpu')
        rnnkit_torch.save(module, config, args.out)
        report = {
            'torch': torch.__version__, 'worldSize': world, 'backend': args.dist_backend,
            'batchPerRank': args.batch, 'learningRate': args.learning_rate,
            'validationLossBefore': start_val, 'epochs': history,
            'heldOut': {'loss': held, 'bitsPerChar': held / math.log(2), 'windows': len(held_out),
                        'characters': len(held_out) * length},
            'seconds': time.time() - started,
        }
        report_path = args.report or f'{args.out}.report.json'
        pathlib.Path(report_path).write_text(json.dumps(report, indent=2) + '\n', encoding='utf-8')
        print(f'[rank 0] held-out loss {held:.5f} nats/char ({held / math.log(2):.4f} bits/char) on '
              f'{len(held_out)} windows; saved {args.out}', flush=True)
    dist.barrier()
    dist.destroy_process_group()


if __name__ == '__main__':
    main()
