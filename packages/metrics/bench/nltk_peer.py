#!/usr/bin/python3
"""NLTK peer for metrics.bench.ts: the same workload with NLTK 3.8.

Reads the sentence pairs from the JSON-lines file given as argv[1] (written by the TypeScript bench,
so both sides see identical data: {"r": [[token, ...], ...], "h": [token, ...]} per line). Then for
every command line read from standard input it times one run and answers with one JSON line
{"seconds": ..., "value": ...}:
  bleu  corpus_bleu(list_of_references, hypotheses) with NLTK's defaults (BLEU-4, no smoothing)
  wer   sum(nltk.edit_distance(reference, hypothesis)) / sum(len(reference)) over the first references
Serving one run at a time lets the bench interleave the two sides.
"""
import json
import sys
import time
import warnings

from nltk.metrics.distance import edit_distance
from nltk.translate.bleu_score import corpus_bleu

warnings.simplefilter('ignore')
list_of_references, hypotheses = [], []
with open(sys.argv[1], encoding='utf-8') as handle:
    for line in handle:
        pair = json.loads(line)
        list_of_references.append(pair['r'])
        hypotheses.append(pair['h'])

print(json.dumps({'ready': len(hypotheses)}), flush=True)
for command in sys.stdin:
    command = command.strip()
    start = time.perf_counter()
    if command == 'bleu':
        value = corpus_bleu(list_of_references, hypotheses)
    elif command == 'wer':
        edits = sum(edit_distance(refs[0], hyp) for refs, hyp in zip(list_of_references, hypotheses))
        value = edits / sum(len(refs[0]) for refs in list_of_references)
    else:
        continue
    seconds = time.perf_counter() - start
    print(json.dumps({'seconds': seconds, 'value': value}), flush=True)
