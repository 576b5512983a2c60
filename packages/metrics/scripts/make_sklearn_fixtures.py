#!/usr/bin/python3
"""Generates the scikit-learn parity fixtures for @rnnkit/metrics.

Needs Debian's python3-sklearn (1.2.1 when written; apt-get install -y python3-sklearn).
Run through scripts/regenerate-sklearn-fixtures.sh. Tests only read the JSON, so they need
neither Python nor scikit-learn.

  classification.json  every case: inputs, options and what accuracy_score, confusion_matrix,
                       precision_recall_fscore_support (each average), precision/recall/f1/fbeta
                       score and classification_report (dict and text, digits 2 and 4) return,
                       or {"error": ...} where scikit-learn raises ValueError.
  forecast.json        mean_absolute_error, mean_squared_error (and squared=False),
                       mean_absolute_percentage_error, with and without sample weights.
"""
import json
import pathlib
import sys
import warnings

import numpy as np
import sklearn
from sklearn import metrics

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE.parent / 'test' / 'fixtures' / 'sklearn'

AVERAGES = [None, 'binary', 'micro', 'macro', 'weighted']
ZERO_DIVISIONS = ['warn', 0, 1]


def call(fn, *args, **kwargs):
    """The result as plain JSON values, or {"error": message} when scikit-learn raises."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            return plain(fn(*args, **kwargs))
    except ValueError as error:
        return {'error': str(error)}


def plain(value):
    if isinstance(value, tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, (np.floating,)):
        return float(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    return value


def classification_case(name, y_true, y_pred, labels=None, pos_label=1, sample_weight=None, target_names=None):
    kw = {}
    if sample_weight is not None:
        kw['sample_weight'] = sample_weight
    case = {
        'name': name,
        'yTrue': y_true,
        'yPred': y_pred,
        'labels': labels,
        'posLabel': pos_label,
        'sampleWeight': sample_weight,
        'targetNames': target_names,
        'accuracy': call(metrics.accuracy_score, y_true, y_pred, **kw),
        'accuracyCount': call(metrics.accuracy_score, y_true, y_pred, normalize=False, **kw),
        'confusionMatrix': {
            str(normalize): call(metrics.confusion_matrix, y_true, y_pred, labels=labels, normalize=normalize, **kw)
            for normalize in [None, 'true', 'pred', 'all']
        },
        'prfs': [],
        'scores': [],
        'report': {},
    }
    for average in AVERAGES:
        for zero_division in ZERO_DIVISIONS:
            for beta in [1.0, 0.5, 2.0]:
                if beta != 1.0 and zero_division != 'warn':
                    continue
                case['prfs'].append({
                    'average': average,
                    'zeroDivision': zero_division,
                    'beta': beta,
                    'result': call(
                        metrics.precision_recall_fscore_support, y_true, y_pred, labels=labels,
                        pos_label=pos_label, average=average, zero_division=zero_division, beta=beta, **kw,
                    ),
                })
    for average in ['binary', 'micro', 'macro', 'weighted']:
        case['scores'].append({
            'average': average,
            'precision': call(metrics.precision_score, y_true, y_pred, labels=labels, pos_label=pos_label, average=average, **kw),
            'recall': call(metrics.recall_score, y_true, y_pred, labels=labels, pos_label=pos_label, average=average, **kw),
            'f1': call(metrics.f1_score, y_true, y_pred, labels=labels, pos_label=pos_label, average=average, **kw),
            'fbeta2': call(metrics.fbeta_score, y_true, y_pred, beta=2, labels=labels, pos_label=pos_label, average=average, **kw),
        })
    for zero_division in ZERO_DIVISIONS:
        for digits in [2, 4]:
            case['report'][f'{zero_division}/{digits}'] = {
                'text': call(metrics.classification_report, y_true, y_pred, labels=labels, target_names=target_names,
                             digits=digits, zero_division=zero_division, **kw),
                'dict': None if digits != 2 else call(
                    metrics.classification_report, y_true, y_pred, labels=labels, target_names=target_names,
                    zero_division=zero_division, output_dict=True, **kw),
            }
    return case


def classification_cases():
    rng = np.random.default_rng(20240607)
    yield classification_case('sklearn docstring multiclass', [2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2])
    yield classification_case('report docstring', [0, 1, 2, 2, 2], [0, 0, 2, 2, 1], target_names=['class 0', 'class 1', 'class 2'])
    yield classification_case('strings', ['cat', 'ant', 'cat', 'cat', 'ant', 'bird'], ['ant', 'ant', 'cat', 'cat', 'ant', 'cat'])
    yield classification_case('binary 0/1', [0, 1, 1, 0, 1, 1, 0, 0], [0, 1, 0, 0, 1, 1, 1, 0])
    yield classification_case('binary pos_label 0', [0, 1, 1, 0, 1, 1, 0, 0], [0, 1, 0, 0, 1, 1, 1, 0], pos_label=0)
    yield classification_case('binary strings, pos_label missing', ['spam', 'ham', 'ham'], ['spam', 'spam', 'ham'])
    yield classification_case('binary strings, pos_label spam', ['spam', 'ham', 'ham'], ['spam', 'spam', 'ham'], pos_label='spam')
    yield classification_case('binary -1/1', [-1, 1, 1, -1], [1, 1, -1, -1])
    yield classification_case('single class, pos_label absent', [0, 0, 0], [0, 0, 0])
    yield classification_case('single class 1', [1, 1, 1], [1, 1, 1])
    yield classification_case('no positives predicted', [0, 1, 1, 0], [0, 0, 0, 0])
    yield classification_case('no positives true', [0, 0, 0, 0], [0, 1, 1, 0])
    yield classification_case('labels subset', [0, 1, 2, 3, 2, 1], [0, 2, 2, 3, 1, 1], labels=[1, 2])
    yield classification_case('labels reordered superset', [0, 1, 2, 2], [0, 2, 2, 1], labels=[2, 0, 1, 5])
    yield classification_case('labels absent from data', [0, 1, 0, 1], [0, 1, 1, 1], labels=[7, 8])
    yield classification_case('labels only in y_pred', [0, 0, 1], [2, 0, 1], labels=[2, 1])
    yield classification_case('weighted', [0, 1, 2, 2, 1, 0, 2], [0, 2, 2, 2, 1, 1, 0], sample_weight=[0.5, 1.0, 2.0, 1.5, 0.25, 3.0, 1.0])
    yield classification_case('weighted zeros', [0, 1, 1, 0], [0, 1, 0, 1], sample_weight=[0.0, 2.0, 0.0, 1.0])
    yield classification_case('half-even ties (recall 0.125 prints 0.12)', [0] * 8 + [1, 1], [0] + [1] * 9, labels=[0, 1])
    yield classification_case('unicode names', ['é', 'z', '🐳', 'a'], ['é', '🐳', '🐳', 'z'])
    for i in range(30):
        n_classes = 2 if i % 4 == 0 else int(rng.integers(2, 7))
        n = int(rng.integers(1, 60))
        classes = list(range(n_classes))
        y_true = rng.choice(classes, n).tolist()
        noise = rng.random(n) < rng.random()
        y_pred = [int(rng.choice(classes)) if flip else t for t, flip in zip(y_true, noise)]
        labels = None
        if i % 5 == 1:
            labels = sorted(rng.choice(classes + [n_classes, n_classes + 1], int(rng.integers(1, n_classes + 1)), replace=False).tolist())
        weights = None
        if i % 3 == 2:
            weights = [round(float(w), 3) for w in rng.random(n) * 3]
        if i % 7 == 3:
            names = ['neg', 'pos', 'other', 'x', 'y', 'z', 'w']
            y_true = [names[t] for t in y_true]
            y_pred = [names[p] for p in y_pred]
            labels = None if labels is None else [names[l] for l in labels if l < len(names)] or None
        yield classification_case(f'random {i}', y_true, y_pred, labels=labels, sample_weight=weights)


def forecast_case(name, y_true, y_pred, sample_weight=None):
    kw = {} if sample_weight is None else {'sample_weight': sample_weight}
    return {
        'name': name,
        'yTrue': y_true,
        'yPred': y_pred,
        'sampleWeight': sample_weight,
        'mae': call(metrics.mean_absolute_error, y_true, y_pred, **kw),
        'mse': call(metrics.mean_squared_error, y_true, y_pred, **kw),
        'rmse': call(metrics.mean_squared_error, y_true, y_pred, squared=False, **kw),
        'mape': call(metrics.mean_absolute_percentage_error, y_true, y_pred, **kw),
    }


def forecast_cases():
    rng = np.random.default_rng(7)
    yield forecast_case('sklearn docstring', [3, -0.5, 2, 7], [2.5, 0.0, 2, 8])
    yield forecast_case('zero in y_true (MAPE uses eps)', [0.0, 1.0, 2.0], [0.5, 1.0, 2.5])
    yield forecast_case('weighted', [1.0, 2.0, 3.0, 4.0], [1.5, 1.0, 3.5, 6.0], sample_weight=[1.0, 2.0, 0.5, 0.0])
    for i in range(10):
        n = int(rng.integers(1, 50))
        y = (rng.normal(size=n) * 10 + 20).tolist()
        p = (np.array(y) + rng.normal(size=n) * 3).tolist()
        w = (rng.random(n) * 2).tolist() if i % 2 else None
        yield forecast_case(f'random {i}', y, p, sample_weight=w)


def write(name, cases):
    OUT.mkdir(parents=True, exist_ok=True)
    cases = list(cases)
    head = json.dumps({'sklearn': sklearn.__version__, 'numpy': np.__version__})[:-1]
    lines = ',\n'.join(json.dumps(case, ensure_ascii=False, separators=(',', ':')) for case in cases)
    (OUT / name).write_text(f'{head}, "cases": [\n{lines}\n]}}\n', encoding='utf-8')
    print(f'wrote {OUT / name} ({len(cases)} cases)', file=sys.stderr)


if __name__ == '__main__':
    write('classification.json', classification_cases())
    write('forecast.json', forecast_cases())
