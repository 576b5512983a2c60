#!/usr/bin/env python3
# Copied unchanged (except this note) from the project's shared peer benchmark,
# shared/bench/torch_peer.py (next to shared/bench/configs.json, copied here as
# configs.json): @rnnkit/rnn-models' `pnpm bench -- --peer torch` runs this copy so
# that the package does not depend on ../shared at run time. Keep the two in step.
"""PyTorch CPU peer benchmark for the RNN configs in configs.json.

For every config it builds the model (nn.Embedding + nn.LSTM/nn.GRU with
batch_first=True + Linear/BatchNorm head), then times
  * training: Adam steps (zero_grad, forward, loss, backward, step);
    1 warm-up step, then up to --steps timed steps (median reported),
    stopping early once the phase has used --budget-s seconds;
  * inference: model.eval() forward under torch.no_grad(), same batch,
    same warm-up / median / budget rule.
It prints one JSON line per config on stdout.

Run with the Debian interpreter that has python3-torch:
    /usr/bin/python3 torch_peer.py --threads 2
"""
import argparse
import json
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def parse_args():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--configs", default=os.path.join(HERE, "configs.json"),
                   help="configs file (default: configs.json next to this script)")
    p.add_argument("--only", action="append", default=None,
                   help="run only the config with this name (repeatable)")
    p.add_argument("--threads", type=int, default=2,
                   help="intra-op threads (torch.set_num_threads, OMP/OpenBLAS env)")
    p.add_argument("--blas-threads", type=int, default=None,
                   help="OpenBLAS threads (OPENBLAS_NUM_THREADS); default: --threads")
    p.add_argument("--omp-wait-policy", default="PASSIVE",
                   help="OMP_WAIT_POLICY for libgomp (default PASSIVE; 'inherit' leaves the "
                        "environment alone). With the default ACTIVE spin-wait, torch's OpenMP "
                        "threads and OpenBLAS's pthreads fight over the 2 cores and steps get "
                        "2-4x slower and erratic.")
    p.add_argument("--steps", type=int, default=7,
                   help="timed steps per phase after the warm-up (>=5 recommended)")
    p.add_argument("--budget-s", type=float, default=60.0,
                   help="soft time budget per phase (train / infer) per config, seconds")
    p.add_argument("--seed", type=int, default=0)
    return p.parse_args()


ARGS = parse_args()
# Thread counts must be in the environment before libgomp / OpenBLAS load.
BLAS_THREADS = ARGS.blas_threads if ARGS.blas_threads is not None else ARGS.threads
os.environ["OMP_NUM_THREADS"] = str(ARGS.threads)
os.environ["MKL_NUM_THREADS"] = str(ARGS.threads)
os.environ["OPENBLAS_NUM_THREADS"] = str(BLAS_THREADS)
if ARGS.omp_wait_policy.lower() != "inherit":
    os.environ["OMP_WAIT_POLICY"] = ARGS.omp_wait_policy

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

torch.set_num_threads(ARGS.threads)


def tokens_per_batch(cfg):
    tpb = cfg["tokens_per_batch"]
    names = {k: v for k, v in cfg.items() if isinstance(v, int) and not isinstance(v, bool)}
    val = eval(tpb["formula"], {"__builtins__": {}}, names)  # formula is arithmetic on config ints
    if int(val) != int(tpb["value"]):
        raise ValueError(f"{cfg['name']}: tokens_per_batch formula gives {val}, value says {tpb['value']}")
    return int(val)


def rnn_class(cell):
    return {"lstm": nn.LSTM, "gru": nn.GRU}[cell]


def build_head(head, in_features):
    """Linear/BatchNorm/ReLU stack. The activation of the last dense layer
    (softmax / sigmoid) is folded into the loss (cross_entropy /
    binary_cross_entropy_with_logits), as is usual in PyTorch."""
    layers = []
    feat = in_features
    for i, spec in enumerate(head):
        last = i == len(head) - 1
        if spec["type"] == "batchnorm":
            layers.append(nn.BatchNorm1d(feat))
        elif spec["type"] == "dense":
            layers.append(nn.Linear(feat, spec["units"]))
            feat = spec["units"]
            act = spec.get("activation", "linear")
            if act == "relu":
                layers.append(nn.ReLU())
            elif act in ("softmax", "sigmoid"):
                if not last:
                    raise ValueError("softmax/sigmoid only supported on the last layer")
            elif act not in ("linear", None):
                raise ValueError(f"unsupported activation {act}")
        else:
            raise ValueError(f"unsupported head layer {spec['type']}")
    return nn.Sequential(*layers)


class SingleStream(nn.Module):
    """Embedding -> (Bi)RNN -> head, per-step or last-output."""

    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.emb = nn.Embedding(cfg["vocab_size"], cfg["embed_dim"])
        self.bidir = bool(cfg.get("bidirectional"))
        if self.bidir and cfg.get("merge_mode", "concat") != "concat":
            raise ValueError("only merge_mode=concat is implemented")
        self.rnn = rnn_class(cfg["cell"])(cfg["embed_dim"], cfg["units"], batch_first=True,
                                          bidirectional=self.bidir)
        feat = cfg["units"] * (2 if self.bidir else 1)
        self.per_step = cfg["kind"] == "per_step"
        if self.per_step and any(s["type"] == "batchnorm" for s in cfg["head"]):
            raise ValueError("batchnorm in a per-step head is not implemented")
        self.head = build_head(cfg["head"], feat)

    def forward(self, x):
        out, state = self.rnn(self.emb(x))
        if self.per_step:
            z = out  # [B, T, dirs*H]
        else:
            # Keras return_sequences=False semantics: forward direction's last
            # step and backward direction's final state (= its output at t=0).
            h_n = state[0] if isinstance(state, tuple) else state  # [dirs, B, H]
            z = torch.cat([h_n[0], h_n[1]], dim=-1) if self.bidir else h_n[-1]
        return self.head(z)


class Seq2Seq(nn.Module):
    """Encoder Embedding->RNN (final state) ; decoder Embedding->RNN(init=enc state,
    return_sequences) -> Dense over target vocab. Teacher forcing."""

    def __init__(self, cfg):
        super().__init__()
        R = rnn_class(cfg["cell"])
        self.enc_emb = nn.Embedding(cfg["src_vocab_size"], cfg["embed_dim"])
        self.enc_rnn = R(cfg["embed_dim"], cfg["units"], batch_first=True)
        self.dec_emb = nn.Embedding(cfg["tgt_vocab_size"], cfg["embed_dim"])
        self.dec_rnn = R(cfg["embed_dim"], cfg["units"], batch_first=True)
        self.head = build_head(cfg["head"], cfg["units"])

    def forward(self, src, tgt_in):
        _, state = self.enc_rnn(self.enc_emb(src))
        out, _ = self.dec_rnn(self.dec_emb(tgt_in), state)
        return self.head(out)


def make_case(cfg, gen):
    """Returns (model, inputs tuple, loss_fn(logits) -> scalar)."""
    B = cfg["batch"]
    if cfg["kind"] == "seq2seq":
        model = Seq2Seq(cfg)
        src = torch.randint(0, cfg["src_vocab_size"], (B, cfg["src_len"]), generator=gen)
        tgt_in = torch.randint(0, cfg["tgt_vocab_size"], (B, cfg["tgt_len"]), generator=gen)
        tgt_out = torch.randint(0, cfg["tgt_vocab_size"], (B, cfg["tgt_len"]), generator=gen)
        inputs = (src, tgt_in)
        target = tgt_out
    else:
        model = SingleStream(cfg)
        T = cfg["seq_len"]
        x = torch.randint(0, cfg["vocab_size"], (B, T), generator=gen)
        inputs = (x,)
        if cfg["loss"] == "binary_crossentropy":
            target = torch.randint(0, 2, (B,), generator=gen).float()
        elif cfg["kind"] == "per_step":
            target = torch.randint(0, cfg["num_classes"], (B, T), generator=gen)
        else:
            target = torch.randint(0, cfg["num_classes"], (B,), generator=gen)

    if cfg["loss"] == "binary_crossentropy":
        def loss_fn(logits):
            return F.binary_cross_entropy_with_logits(logits.reshape(-1), target)
    elif cfg["loss"] == "sparse_categorical_crossentropy":
        def loss_fn(logits):
            return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), target.reshape(-1))
    else:
        raise ValueError(f"unsupported loss {cfg['loss']}")
    return model, inputs, loss_fn


def timed_phase(step_fn, steps, budget_s):
    """1 warm-up call, then up to `steps` timed calls; stop once the phase
    (warm-up included) has used budget_s. Returns dict of timings in ms."""
    t_start = time.perf_counter()
    step_fn()
    warm_ms = (time.perf_counter() - t_start) * 1e3
    times = []
    while len(times) < steps and (time.perf_counter() - t_start) < budget_s:
        t0 = time.perf_counter()
        step_fn()
        times.append((time.perf_counter() - t0) * 1e3)
    if times:
        med = statistics.median(times)
    else:  # the warm-up alone used the budget: report it as the single step
        med = warm_ms
    return {"median_ms": med, "warmup_ms": warm_ms, "n": len(times),
            "min_ms": min(times) if times else None,
            "max_ms": max(times) if times else None}


def blas_name():
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                if "openblas" in line:
                    parts = line.strip().split("/")
                    return "/".join(parts[-2:])  # e.g. openblas-pthread/libblas.so.3
    except OSError:
        pass
    return "unknown"


def run_config(cfg):
    torch.manual_seed(ARGS.seed)
    gen = torch.Generator().manual_seed(ARGS.seed)
    tpb = tokens_per_batch(cfg)
    model, inputs, loss_fn = make_case(cfg, gen)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    n_params = sum(p.numel() for p in model.parameters())

    def train_step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(*inputs))
        loss.backward()
        opt.step()
        return loss.item()

    def infer_step():
        with torch.no_grad():
            out = model(*inputs)
        return out

    t_all = time.perf_counter()
    model.train()
    tr = timed_phase(train_step, ARGS.steps, ARGS.budget_s)
    model.eval()
    inf = timed_phase(infer_step, ARGS.steps, ARGS.budget_s)
    return {
        "name": cfg["name"],
        "impl": "torch-cpu",
        "train_tokens_per_s": round(tpb / (tr["median_ms"] / 1e3), 1),
        "infer_tokens_per_s": round(tpb / (inf["median_ms"] / 1e3), 1),
        "step_ms": round(tr["median_ms"], 2),
        "infer_ms": round(inf["median_ms"], 2),
        "tokens_per_batch": tpb,
        "train_steps_timed": tr["n"],
        "infer_steps_timed": inf["n"],
        "train_warmup_ms": round(tr["warmup_ms"], 2),
        "infer_warmup_ms": round(inf["warmup_ms"], 2),
        "train_min_ms": None if tr["min_ms"] is None else round(tr["min_ms"], 2),
        "train_max_ms": None if tr["max_ms"] is None else round(tr["max_ms"], 2),
        "infer_min_ms": None if inf["min_ms"] is None else round(inf["min_ms"], 2),
        "infer_max_ms": None if inf["max_ms"] is None else round(inf["max_ms"], 2),
        "params": n_params,
        "threads": torch.get_num_threads(),
        "blas_threads": BLAS_THREADS,
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
        "torch": torch.__version__,
        "blas": blas_name(),
        "wall_s": round(time.perf_counter() - t_all, 1),
    }


def main():
    with open(ARGS.configs) as f:
        configs = json.load(f)
    if ARGS.only:
        names = {c["name"] for c in configs}
        unknown = [n for n in ARGS.only if n not in names]
        if unknown:
            sys.exit(f"unknown config(s): {unknown}; known: {sorted(names)}")
        configs = [c for c in configs if c["name"] in ARGS.only]
    for cfg in configs:
        try:
            rec = run_config(cfg)
        except Exception as e:  # report and go on with the next config
            rec = {"name": cfg["name"], "impl": "torch-cpu", "train_tokens_per_s": None,
                   "infer_tokens_per_s": None, "step_ms": None,
                   "error": f"{type(e).__name__}: {e}"}
        print(json.dumps(rec), flush=True)


if __name__ == "__main__":
    main()
