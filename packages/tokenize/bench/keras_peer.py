#!/usr/bin/python3
"""Keras peer for tokenize.bench.ts: the same workload with keras_preprocessing's Tokenizer.

Reads the corpus from the file given as argv[1] (written by the TypeScript bench so both
sides see identical text), splits it into lines, and for word and char level times, argv[2] times,
fit_on_texts(lines) + texts_to_sequences(lines). Prints one JSON object with the seconds
of every run, so the caller can pool runs taken before and after its own.
"""
import json
import sys
import time

from keras_preprocessing.text import Tokenizer



def time_level(lines, char_level, runs):
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        tokenizer = Tokenizer(char_level=char_level)
        tokenizer.fit_on_texts(lines)
        tokenizer.texts_to_sequences(lines)
        seconds.append(time.perf_counter() - start)
    return seconds, len(tokenizer.word_index)


with open(sys.argv[1], encoding='utf-8') as handle:
    text = handle.read()
lines = text.split('\n')
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
word_seconds, word_vocab = time_level(lines, False, runs)
char_seconds, char_vocab = time_level(lines, True, runs)
print(json.dumps({'word': word_seconds, 'char': char_seconds, 'word_vocab': word_vocab, 'char_vocab': char_vocab}))
