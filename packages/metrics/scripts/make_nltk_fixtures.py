#!/usr/bin/python3
"""Generates the NLTK parity fixtures for @rnnkit/metrics.

Needs Debian's python3-nltk (3.8): apt-get install -y python3-nltk. Run it through
scripts/regenerate-nltk-fixtures.sh. Tests only read the JSON it writes, so they need no Python.

  test/fixtures/nltk/bleu.json           sentence_bleu / corpus_bleu for every SmoothingFunction
                                         method (0-7, default and non-default epsilon/alpha/k),
                                         several weights, auto_reweigh, lists of weights;
                                         hand-picked edge cases + seeded random pairs.
  test/fixtures/nltk/edit-distance.json  nltk.edit_distance on word and character sequences,
                                         and corpus WER/CER as total edits / total reference length.

A value NLTK computes is stored as a number; a call NLTK refuses is stored as
{"error": "<exception class>"}. "warnings" counts the warnings NLTK emitted (method0 warns once
per n-gram order without matches).
"""
import json
import pathlib
import random
import sys
import warnings

import nltk
from nltk.metrics.distance import edit_distance
from nltk.translate.bleu_score import SmoothingFunction, corpus_bleu, sentence_bleu

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE.parent / 'test' / 'fixtures' / 'nltk'
SEED = 20240607

# (our smoothing option, SmoothingFunction kwargs, method name)
SMOOTHINGS = [
    ('method0', {}, 'method0'),
    ('method1', {}, 'method1'),
    ('method2', {}, 'method2'),
    ('method3', {}, 'method3'),
    ('method4', {}, 'method4'),
    ('method5', {}, 'method5'),
    ('method6', {}, 'method6'),
    ('method7', {}, 'method7'),
    ({'method': 'method1', 'epsilon': 0.37}, {'epsilon': 0.37}, 'method1'),
    ({'method': 'method4', 'k': 2.5}, {'k': 2.5}, 'method4'),
    ({'method': 'method6', 'alpha': 2}, {'alpha': 2}, 'method6'),
    ({'method': 'method7', 'k': 3}, {'k': 3}, 'method7'),
]

DEFAULT = (0.25, 0.25, 0.25, 0.25)
WEIGHTS = [
    DEFAULT,
    (0.5, 0.5),
    (1 / 3, 1 / 3, 1 / 3),
    (0.1, 0.3, 0.5, 0.1),
    (0.2, 0.2, 0.2, 0.2, 0.2),
    (1.0,),
]
MULTI_WEIGHTS = [(0.5, 0.5), (1 / 3, 1 / 3, 1 / 3), DEFAULT, (0.2, 0.2, 0.2, 0.2, 0.2)]


def grid():
    """Every (smoothing, weights, autoReweigh) combination each case is scored with."""
    out = []
    for ours, kwargs, method in SMOOTHINGS:
        for weights in WEIGHTS:
            out.append({'smoothing': ours, 'weights': list(weights), 'autoReweigh': False,
                        '_call': (kwargs, method, weights, False)})
        out.append({'smoothing': ours, 'weights': list(DEFAULT), 'autoReweigh': True,
                    '_call': (kwargs, method, DEFAULT, True)})
        out.append({'smoothing': ours, 'weights': [list(w) for w in MULTI_WEIGHTS], 'autoReweigh': False,
                    '_call': (kwargs, method, MULTI_WEIGHTS, False)})
    return out


GRID = grid()


def score(fn, first, second, call):
    kwargs, method, weights, auto_reweigh = call
    smoothing = getattr(SmoothingFunction(**kwargs), method)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        try:
            value = fn(first, second, weights, smoothing, auto_reweigh)
        except Exception as error:  # noqa: BLE001 - the fixture records what NLTK refuses
            return {'error': type(error).__name__}, len(caught)
    if isinstance(value, list):
        return [float(v) for v in value], len(caught)
    return float(value), len(caught)


def scored(fn, first, second):
    values, counts = [], []
    for entry in GRID:
        value, count = score(fn, first, second, entry['_call'])
        values.append(value)
        counts.append(count)
    return values, counts


REF1A = ['It', 'is', 'a', 'guide', 'to', 'action', 'that', 'ensures', 'that', 'the', 'military', 'will',
         'forever', 'heed', 'Party', 'commands']
REF1B = ['It', 'is', 'the', 'guiding', 'principle', 'which', 'guarantees', 'the', 'military', 'forces',
         'always', 'being', 'under', 'the', 'command', 'of', 'the', 'Party']
REF1C = ['It', 'is', 'the', 'practical', 'guide', 'for', 'the', 'army', 'always', 'to', 'heed', 'the',
         'directions', 'of', 'the', 'party']
HYP1 = ['It', 'is', 'a', 'guide', 'to', 'action', 'which', 'ensures', 'that', 'the', 'military', 'always',
        'obeys', 'the', 'commands', 'of', 'the', 'party']
HYP2 = ['It', 'is', 'to', 'insure', 'the', 'troops', 'forever', 'hearing', 'the', 'activity', 'guidebook',
        'that', 'party', 'direct']
REF2A = ['he', 'was', 'interested', 'in', 'world', 'history', 'because', 'he', 'read', 'the', 'book']
HYP2B = ['he', 'read', 'the', 'book', 'because', 'he', 'was', 'interested', 'in', 'world', 'history']


def edge_sentences():
    s = str.split
    yield 'nltk_doc_hyp1', [REF1A, REF1B, REF1C], HYP1
    yield 'nltk_doc_hyp2_no_3_4_gram_matches', [REF1A, REF1B, REF1C], HYP2
    yield 'nltk_doc_single_reference', [REF2A], HYP2B
    yield 'exact_match_6', [s('a b c d e f')], s('a b c d e f')
    yield 'exact_match_4', [s('a b c d')], s('a b c d')
    yield 'exact_match_3_shorter_than_n', [s('a b c')], s('a b c')
    yield 'exact_match_2', [s('a b')], s('a b')
    yield 'exact_match_1', [s('a')], s('a')
    yield 'no_matches_at_all', [s('a b c d e')], s('v w x y z')
    yield 'only_unigram_matches', [s('a b c d e')], s('e d c b a')
    yield 'empty_hypothesis', [s('a b c')], []
    yield 'empty_hypothesis_and_reference', [[]], []
    yield 'empty_reference', [[]], s('a b c')
    yield 'empty_and_nonempty_references', [[], s('a b c d')], s('a b c')
    yield 'closest_length_tie_takes_shorter', [s('a b c d'), s('a b c d e f')], s('a b c d e')
    yield 'closest_length_tie_reordered', [s('a b c d e f'), s('a b c d')], s('a b c d e')
    yield 'closest_length_longer_reference', [s('a b'), s('a b c d e f g h')], s('a b c d e f')
    yield 'hypothesis_longer_than_references', [s('a b c'), s('a b d')], s('a b c a b d a b')
    yield 'clipping_the_the_the', [s('the cat is on the mat'), s('there is a cat on the mat')], s('the the the the the the the')
    yield 'many_references', [s('a b c d'), s('b c d e'), s('c d e f'), s('a c e g'), s('a b')], s('a b c d e f g')
    yield 'repeated_ngrams', [s('a a a b a a a b')], s('a a a a b b a a a')
    yield 'single_token_hypothesis_no_match', [s('a b c')], s('z')
    yield 'two_token_hypothesis', [s('x a b y')], s('a b')
    yield 'three_token_hypothesis_partial', [s('a b c d e')], s('a b d')
    yield 'integer_tokens', [[1, 2, 3, 4, 5], [1, 2, 4, 5]], [1, 2, 3, 5, 4]
    yield 'integer_and_string_tokens_differ', [['1', '2', '3', '4']], [1, 2, 3, 4]
    yield 'unicode_tokens', [['café', 'naïve', '🐳', 'ελληνικά', '日本語']], ['café', '🐳', 'ελληνικά', '日本語']


def edge_corpora():
    s = str.split
    yield 'nltk_doc_corpus', [[REF1A, REF1B, REF1C], [REF2A]], [HYP1, HYP2B]
    yield 'nltk_doc_corpus_reversed', [[REF2A], [REF1A, REF1B, REF1C]], [HYP2B, HYP1]
    yield 'all_empty_hypotheses', [[s('a b')], [s('c')]], [[], []]
    yield 'one_empty_hypothesis', [[s('a b c d')], [s('c d e')]], [[], s('c d e')]
    yield 'no_matches', [[s('a b c')], [s('d e f')]], [s('x y'), s('z')]
    yield 'last_pair_short_smoothing_5_6_7', [[s('a b c d e f g')], [s('a b')]], [s('a b c d e f g'), s('a b')]
    yield 'last_pair_empty', [[s('a b c d e f g')], [s('a b')]], [s('a b c d e f g'), []]
    yield 'unigram_only_matches', [[s('a b c')], [s('d e f')]], [s('c b a'), s('f e d')]


VOCAB = ['a', 'b', 'c', 'd', 'e', 'f']


def noisy_copy(rng, tokens):
    out = []
    for token in tokens:
        roll = rng.random()
        if roll < 0.12:
            continue
        if roll < 0.25:
            out.append(rng.choice(VOCAB))
            continue
        out.append(token)
        if rng.random() < 0.08:
            out.append(rng.choice(VOCAB))
    return out


def random_pair(rng):
    length = rng.choice([0, 1, 2, 3] + list(range(3, 15)) * 2)
    hypothesis = [rng.choice(VOCAB) for _ in range(length)]
    references = []
    for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
        if hypothesis and rng.random() < 0.6:
            references.append(noisy_copy(rng, hypothesis))
        else:
            references.append([rng.choice(VOCAB) for _ in range(rng.randint(0, 14))])
    return references, hypothesis


def bleu_fixture():
    rng = random.Random(SEED)
    random_pairs = [random_pair(rng) for _ in range(300)]
    sentences = []
    for name, references, hypothesis in list(edge_sentences()) + [
        (f'random_{i:03d}', refs, hyp) for i, (refs, hyp) in enumerate(random_pairs)
    ]:
        values, counts = scored(sentence_bleu, references, hypothesis)
        sentences.append({'name': name, 'references': references, 'hypothesis': hypothesis,
                          'values': values, 'warnings': counts})
    corpora = []
    random_corpora = []
    start = 0
    for size in [1, 2, 3, 5, 8, 13, 21, 34, 55, 58]:
        random_corpora.append((f'random_corpus_{start:03d}_{size}', random_pairs[start:start + size]))
        start += size
    random_corpora.append(('random_corpus_all_300', random_pairs))
    cases = list(edge_corpora()) + [
        (name, [refs for refs, _ in pairs], [hyp for _, hyp in pairs]) for name, pairs in random_corpora
    ]
    for name, list_of_references, hypotheses in cases:
        values, counts = scored(corpus_bleu, list_of_references, hypotheses)
        corpora.append({'name': name, 'listOfReferences': list_of_references, 'hypotheses': hypotheses,
                        'values': values, 'warnings': counts})
    return {
        'generator': f'scripts/make_nltk_fixtures.py with nltk {nltk.__version__}, '
                     f'Python {sys.version.split()[0]}, seed {SEED}',
        'grid': [{key: value for key, value in entry.items() if key != '_call'} for entry in GRID],
        'sentences': sentences,
        'corpora': corpora,
    }


def edit_distance_fixture():
    rng = random.Random(SEED + 1)
    words = 'the cat sat on mat dog ran a and'.split()
    pairs = [
        ('hand_substitution', s1, s2) for s1, s2 in [('rain', 'shine'), ('kitten', 'sitting'), ('', ''),
                                                      ('', 'abc'), ('abc', ''), ('flaw', 'lawn'),
                                                      ('naïve café', 'naive cafe'), ('🐳🐳 whale', '🐳 whales'),
                                                      ('日本語テキスト', '日本テキスト語')]
    ]
    word_pairs = [
        ('the cat sat on the mat', 'the cat sat on mat'),
        ('the cat sat on the mat', 'a cat sat on the the mat'),
        ('hello world', 'hello world'),
        ('hello world', ''),
        ('', 'hello world'),
        ('one two three four', 'four three two one'),
    ]
    for _ in range(150):
        ref = [rng.choice(words) for _ in range(rng.randint(0, 15))]
        hyp = noisy_copy_words(rng, ref, words) if rng.random() < 0.7 else [rng.choice(words) for _ in range(rng.randint(0, 15))]
        word_pairs.append((' '.join(ref), ' '.join(hyp)))
    char_pairs = [(s1, s2) for _, s1, s2 in pairs]
    for _ in range(100):
        ref = ''.join(rng.choice('abcdé🐳 ') for _ in range(rng.randint(0, 25)))
        hyp = ''.join(noisy_copy_words(rng, list(ref), list('abcdé🐳 ')))
        char_pairs.append((ref, hyp))
    word_cases = [{'reference': r, 'hypothesis': h, 'distance': edit_distance(r.split(), h.split())}
                  for r, h in word_pairs]
    char_cases = [{'reference': r, 'hypothesis': h, 'distance': edit_distance(r, h)} for r, h in char_pairs]
    word_ref_total = sum(len(r.split()) for r, _ in word_pairs)
    char_ref_total = sum(len(r) for r, _ in char_pairs)
    return {
        'generator': f'scripts/make_nltk_fixtures.py with nltk {nltk.__version__}, '
                     f'Python {sys.version.split()[0]}, seed {SEED + 1}',
        'words': word_cases,
        'characters': char_cases,
        'corpusWer': sum(c['distance'] for c in word_cases) / word_ref_total,
        'corpusCer': sum(c['distance'] for c in char_cases) / char_ref_total,
    }


def noisy_copy_words(rng, tokens, vocab):
    out = []
    for token in tokens:
        roll = rng.random()
        if roll < 0.1:
            continue
        if roll < 0.2:
            out.append(rng.choice(vocab))
            continue
        out.append(token)
        if rng.random() < 0.1:
            out.append(rng.choice(vocab))
    return out


def write(name, data):
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / name
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(',', ':')) + '\n', encoding='utf-8')
    print(f'wrote {path.relative_to(HERE.parent)} ({path.stat().st_size // 1024} KiB)')


if __name__ == '__main__':
    write('bleu.json', bleu_fixture())
    write('edit-distance.json', edit_distance_fixture())
