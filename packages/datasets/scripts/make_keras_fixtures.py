#!/usr/bin/python3
"""Generates the Keras parity fixtures for @rnnkit/datasets' padSequences.

Needs Debian's python3-keras-preprocessing (apt-get install -y python3-keras-preprocessing),
which brings numpy. Run from anywhere:

  /usr/bin/python3 packages/datasets/scripts/make_keras_fixtures.py

For every case it calls keras_preprocessing.sequence.pad_sequences and records the result
(rows, shape, dtype) or, when Keras raises, the exception type together with the
DatasetsError code our padSequences must throw instead
                                   -> test/fixtures/keras/pad-sequences.json
The TypeScript test (src/pad-sequences.test.ts) reads that file; it never runs Python.
"""
import json
import pathlib

import keras_preprocessing
import numpy as np
from keras_preprocessing.sequence import pad_sequences
from keras_preprocessing.text import Tokenizer

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE.parent / 'test' / 'fixtures' / 'keras' / 'pad-sequences.json'

RAGGED = [[1, 2, 3, 4], [5, 6], [7], [8, 9, 10, 11, 12]]

TOKENIZER_TEXTS = [
    'Call me Ishmael.',
    'Some years ago, never mind how long precisely, having little or no money in my purse,',
    'and nothing particular to interest me on shore,',
    'I thought I would sail about a little and see the watery part of the world.',
    'It is a way I have of driving off the spleen, and regulating the circulation.',
    '',
]


def tokenizer_batch():
    tokenizer = Tokenizer(num_words=30, oov_token='<OOV>')
    tokenizer.fit_on_texts(TOKENIZER_TEXTS)
    return tokenizer.texts_to_sequences(TOKENIZER_TEXTS)


def cases():
    """(name, sequences, kwargs, code our padSequences throws if Keras raises)."""
    out = [
        ('defaults', [[1, 2, 3], [4, 5], [6]], {}, None),
        ('defaults_ragged', RAGGED, {}, None),
    ]
    for padding in ('pre', 'post'):
        for truncating in ('pre', 'post'):
            out.append((f'maxlen_smaller_pad_{padding}_trunc_{truncating}', RAGGED,
                        dict(maxlen=3, padding=padding, truncating=truncating), None))
            out.append((f'maxlen_larger_pad_{padding}_trunc_{truncating}', RAGGED,
                        dict(maxlen=7, padding=padding, truncating=truncating), None))
            out.append((f'maxlen_none_pad_{padding}_trunc_{truncating}', RAGGED,
                        dict(maxlen=None, padding=padding, truncating=truncating), None))
            out.append((f'maxlen_1_pad_{padding}_trunc_{truncating}', RAGGED,
                        dict(maxlen=1, padding=padding, truncating=truncating), None))
    out += [
        ('value_minus_one', RAGGED, dict(maxlen=5, value=-1), None),
        ('value_minus_one_post', RAGGED, dict(maxlen=5, value=-1, padding='post', truncating='post'), None),
        ('value_half_float32', RAGGED, dict(maxlen=6, value=0.5, dtype='float32'), None),
        ('value_half_float32_post', RAGGED, dict(value=0.5, dtype='float32', padding='post'), None),
        ('value_half_int32_truncated_to_zero', RAGGED, dict(maxlen=6, value=0.5), None),
        ('value_minus_1_7_int32_truncated', [[1], []], dict(maxlen=3, value=-1.7), None),
        ('float_values_float32', [[0.1, 0.2, 0.3], [1.5], [-2.25, 1e-8]], dict(dtype='float32'), None),
        ('float_values_int32_truncated', [[1.7, -1.7, 2.5], [0.9]], {}, None),
        ('empty_inner_sequences', [[], [1, 2], [], [3]], {}, None),
        ('empty_inner_sequences_post_maxlen', [[], [1, 2, 3], []], dict(maxlen=2, padding='post'), None),
        ('all_inner_empty', [[], []], {}, None),
        ('all_inner_empty_maxlen', [[], [], []], dict(maxlen=2, value=9), None),
        ('maxlen_zero_truncating_post', RAGGED, dict(maxlen=0, truncating='post'), None),
        ('maxlen_zero_truncating_post_pad_post', RAGGED, dict(maxlen=0, truncating='post', padding='post'), None),
        ('maxlen_zero_all_empty_truncating_pre', [[], []], dict(maxlen=0), None),
        ('maxlen_zero_truncating_pre', RAGGED, dict(maxlen=0), 'DATASETS_INVALID_OPTION'),
        ('no_sequences_with_maxlen', [], dict(maxlen=3), None),
        ('no_sequences_with_maxlen_float32', [], dict(maxlen=2, dtype='float32'), None),
        ('no_sequences_without_maxlen', [], {}, 'DATASETS_EMPTY_INPUT'),
        ('single_sequence', [[4, 5, 6]], dict(maxlen=5), None),
        ('int32_extremes', [[2147483647, -2147483648], [0]], {}, None),
        ('tokenizer_batch_defaults', tokenizer_batch(), {}, None),
        ('tokenizer_batch_maxlen_8_post_post', tokenizer_batch(), dict(maxlen=8, padding='post', truncating='post'), None),
        ('tokenizer_batch_maxlen_8_pre_pre', tokenizer_batch(), dict(maxlen=8), None),
    ]
    return out


def run(name, sequences, kwargs, code):
    case = {'name': name, 'sequences': sequences, 'kwargs': kwargs}
    try:
        result = pad_sequences(sequences, **kwargs)
    except Exception as error:  # noqa: BLE001 - we record whatever Keras raises
        if code is None:
            raise
        case['error'] = {'keras': type(error).__name__, 'code': code}
        return case
    if code is not None:
        raise AssertionError(f'{name}: expected Keras to raise, got {result!r}')
    case['expected'] = {'shape': list(result.shape), 'dtype': str(result.dtype), 'rows': result.tolist()}
    return case


def main():
    data = {
        'generator': 'packages/datasets/scripts/make_keras_fixtures.py',
        'keras_preprocessing': keras_preprocessing.__version__,
        'numpy': np.__version__,
        'cases': [run(*case) for case in cases()],
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(data, indent=1) + '\n', encoding='utf-8')
    print(f'wrote {len(data["cases"])} cases to {OUT}')


if __name__ == '__main__':
    main()
