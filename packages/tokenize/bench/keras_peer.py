#!/usr/bin/python3
"""Keras peer for tokenize.bench.ts: the same workload with keras_preprocessing's Tokenizer.

Reads the corpus from the file given as argv[1] (written by the TypeScript bench so both
sides see identical text) and splits it into lines. Then, for every line 'word' or 'char'
read from standard input, times one fit_on_texts(lines) + texts_to_sequences(lines) at that
level and answers with one JSON line: {"seconds": …, "vocabulary": …}. Serving one run at a
time lets the bench alternate the two sides run by run on a machine whose speed drifts.
"""
import json
import sys
import time

from keras_preprocessing.text import Tokenizer

with open(sys.argv[1], encoding='utf-8') as handle:
    lines = handle.read().split('\n')

for command in sys.stdin:
    level = command.strip()
    if level not in ('word', 'char'):
        continue
    start = time.perf_counter()
    tokenizer = Tokenizer(char_level=(level == 'char'))
    tokenizer.fit_on_texts(lines)
    tokenizer.texts_to_sequences(lines)
    seconds = time.perf_counter() - start
    print(json.dumps({'seconds': seconds, 'vocabulary': len(tokenizer.word_index)}), flush=True)
