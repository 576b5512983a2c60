#!/usr/bin/python3
"""Keras peer for tokenize.bench.ts: the same workload with keras_preprocessing's Tokenizer.

Reads the corpus from the file given as argv[1] (written by the TypeScript bench so both
sides see identical text), splits it into lines, and for word and char level times
fit_on_texts(lines) + texts_to_sequences(lines). Prints one JSON object: median seconds.
"""
import json
import statistics
import sys
import time

from keras_preprocessing.text import Tokenizer

RUNS = 3


def time_level(lines, char_level):
    seconds = []
    for _ in range(RUNS):
        start = time.perf_counter()
        tokenizer = Tokenizer(char_level=char_level)
        tokenizer.fit_on_texts(lines)
        tokenizer.texts_to_sequences(lines)
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), len(tokenizer.word_index)


with open(sys.argv[1], encoding='utf-8') as handle:
    text = handle.read()
lines = text.split('\n')
word_seconds, word_vocab = time_level(lines, False)
char_seconds, char_vocab = time_level(lines, True)
print(json.dumps({'word': word_seconds, 'char': char_seconds, 'word_vocab': word_vocab, 'char_vocab': char_vocab}))
