#!/usr/bin/python3
"""Generates the Keras parity fixtures for @rnnkit/tokenize.

Needs Debian's python3-keras-preprocessing (apt-get install -y python3-keras-preprocessing).
Run through scripts/regenerate-fixtures.sh, which also runs the JavaScript side:

  1. `keras`: for every case, fit keras_preprocessing's Tokenizer and record its to_json(),
     texts_to_sequences, sequences_to_texts and matrices  -> test/fixtures/keras/<case>.json
  2. `check-js`: load every tokenizer JSON our TypeScript Tokenizer wrote
     (test/fixtures/js-export/<case>.json) with tokenizer_from_json and record what Keras
     makes of it                                    -> test/fixtures/js-export-keras-results.json
"""
import json
import pathlib
import sys

import keras_preprocessing
from keras_preprocessing.text import Tokenizer, tokenizer_from_json

HERE = pathlib.Path(__file__).resolve().parent
FIXTURES = HERE.parent / 'test' / 'fixtures'
MODES = ['binary', 'count', 'tfidf', 'freq']

BASIC_TEXTS = [
    'The cat sat on the mat.',
    'The dog ate my homework!',
    'Cat and dog: friends?\tMaybe...\nyes',
    "It's the cat's toy; don't touch it.",
    'the THE The tHe',
]
BASIC_PROBES = ['the cat and the bird', 'Unknown words here', '', "dog's dinner, the end", 'MAT mat Mat']
BASIC_SEQUENCES = [[1, 2, 3], [0, 1, 99], [], [5, 5, 5, 2], [4, 3, 2, 1]]

UNICODE_TEXTS = [
    'Café naïve résumé, CAFÉ!',
    'Ελληνικά ΣΟΦΟΣ σοφός σοφός',
    'Straße STRASSE İstanbul',
    'emoji 🐳 whale 🐳 🐳',
    '日本語 テキスト 日本語',
    'quote "x" back\\slash \x7f del',
]
UNICODE_PROBES = ['café 🐳 σοφός', 'straße İstanbul', '日本語!', 'missing']


def moby_dick_lines(chapters):
    data = json.loads((FIXTURES / 'moby-dick-excerpt.json').read_text(encoding='utf-8'))
    return [line for chapter in data[:chapters] for line in chapter.split('\n')]


def cases():
    moby = moby_dick_lines(3)
    yield 'default', {}, BASIC_TEXTS, None, BASIC_PROBES, BASIC_SEQUENCES
    yield 'oov_num_words', {'num_words': 6, 'oov_token': '<OOV>'}, BASIC_TEXTS, None, BASIC_PROBES, BASIC_SEQUENCES
    yield 'num_words_no_oov', {'num_words': 4}, BASIC_TEXTS, None, BASIC_PROBES, BASIC_SEQUENCES
    yield 'no_lower', {'lower': False}, BASIC_TEXTS, None, BASIC_PROBES, BASIC_SEQUENCES
    yield 'char_level', {'char_level': True}, BASIC_TEXTS + UNICODE_TEXTS, None, BASIC_PROBES + UNICODE_PROBES, BASIC_SEQUENCES
    yield 'char_level_oov', {'char_level': True, 'oov_token': 'UNK', 'num_words': 10, 'lower': False}, BASIC_TEXTS, None, BASIC_PROBES, BASIC_SEQUENCES
    yield 'custom_filters_split', {'filters': '.', 'split': ', '}, ['a, b, c. d, e, a', 'b, B.b, , x'], None, ['a, x, zz', 'e.e'], [[1, 2], [3]]
    yield 'no_filters_newline_split', {'filters': '', 'split': '\n', 'lower': False}, ['line one\nline two\nline one', 'Line One\n\nline two'], None, ['line one\nnew line'], [[1, 2, 3]]
    yield 'unicode', {}, UNICODE_TEXTS, None, UNICODE_PROBES, [[1, 2, 3, 4]]
    yield 'unicode_astral_filters', {'filters': '🐳!,'}, UNICODE_TEXTS, None, UNICODE_PROBES, [[1, 2]]
    yield 'token_lists', {'oov_token': '?'}, [['Hello', 'World', 'hello'], ['foo', 'Bar', 'BAR']], None, [['hello', 'bar', 'nope'], 'hello world'], [[1, 2, 3]]
    yield 'fit_sequences', {}, BASIC_TEXTS, [[1, 2, 2, 3], [4, 1], [30, 31]], BASIC_PROBES, BASIC_SEQUENCES
    yield 'document_count_start', {'document_count': 10}, BASIC_TEXTS, None, BASIC_PROBES, BASIC_SEQUENCES
    yield 'oov_token_in_text', {'oov_token': 'oov'}, ['oov oov word other', 'word oov'], None, ['oov word unknown'], [[1, 2, 3, 4]]
    yield 'numeric_words', {}, ['1851 the 1851 10 2 the', '1852 2 the'], None, ['2 1851 7'], [[1, 2, 3]]
    yield 'moby_dick_words', {'num_words': 500, 'oov_token': '<OOV>'}, moby, None, moby[:40], [[1, 2, 3, 499, 500, 501]]
    yield 'moby_dick_chars', {'char_level': True, 'lower': False}, moby_dick_lines(1), None, moby[:20], [[1, 2, 3]]


def matrices(tokenizer, sequences):
    out = {}
    for mode in MODES:
        try:
            out[mode] = tokenizer.sequences_to_matrix(sequences, mode=mode).tolist()
        except ValueError as error:
            out[mode] = {'error': str(error)}
    return out


def make_keras():
    (FIXTURES / 'keras').mkdir(parents=True, exist_ok=True)
    for name, options, texts, fit_sequences, probes, probe_sequences in cases():
        tokenizer = Tokenizer(**options)
        tokenizer.fit_on_texts(texts)
        if fit_sequences is not None:
            tokenizer.fit_on_sequences(fit_sequences)
        sequences = tokenizer.texts_to_sequences(probes)
        fixture = {
            'generator': f'keras_preprocessing {keras_preprocessing.__version__}, {sys.version.split()[0]}',
            'name': name,
            'options': options,
            'fit_texts': texts,
            'fit_sequences': fit_sequences,
            'probe_texts': probes,
            'probe_sequences': probe_sequences,
            'to_json': tokenizer.to_json(),
            'texts_to_sequences': sequences,
            'sequences_to_texts': tokenizer.sequences_to_texts(probe_sequences),
            'texts_to_matrix': matrices(tokenizer, sequences),
            'sequences_to_matrix': matrices(tokenizer, probe_sequences),
            'roundtrip_to_json': tokenizer_from_json(tokenizer.to_json()).to_json(),
        }
        path = FIXTURES / 'keras' / f'{name}.json'
        path.write_text(json.dumps(fixture, ensure_ascii=False, indent=1) + '\n', encoding='utf-8')
        print('wrote', path.relative_to(FIXTURES.parent.parent))


def check_js():
    results = {}
    for path in sorted((FIXTURES / 'js-export').glob('*.json')):
        exported = json.loads(path.read_text(encoding='utf-8'))
        tokenizer = tokenizer_from_json(exported['json'])
        results[exported['name']] = {
            'texts_to_sequences': tokenizer.texts_to_sequences(exported['probe_texts']),
            'sequences_to_texts': tokenizer.sequences_to_texts(exported['probe_sequences']),
            'to_json': tokenizer.to_json(),
        }
    target = FIXTURES / 'js-export-keras-results.json'
    target.write_text(json.dumps(results, ensure_ascii=False, indent=1) + '\n', encoding='utf-8')
    print('wrote', target.relative_to(FIXTURES.parent.parent), f'({len(results)} tokenizers)')


if __name__ == '__main__':
    {'keras': make_keras, 'check-js': check_js}[sys.argv[1]]()
