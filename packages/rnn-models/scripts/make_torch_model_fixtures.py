#!/usr/bin/python3
"""Step 2 of the whole-model PyTorch fixtures of @rnnkit/rnn-models (step 1,
make-torch-model-fixtures.ts, exported one small model per template case with rnnkit and wrote
test/fixtures/torch-models/cases.json). Needs Debian's python3-torch; tests only read the results.

For every case:
  rnnkit/<case>/expected.json   PyTorch's outputs on the case's input after loading rnnkit's export
                                with rnnkit_torch.load (examples/scale-out/python/rnnkit_torch.py)
  pytorch/<case>/               a model PyTorch made: rnnkit_torch.build(config) from a fixed seed,
                                BatchNormalization running stats randomised, saved with
                                rnnkit_torch.save; expected.json its outputs on the same input
expected.json: {"output": nested float32 lists (shortest repr that reads back as the same float32)}.

Also @rnnkit/seq2seq's encoderDecoder (packages/seq2seq/test/fixtures/torch/<case>/): PyTorch
builds rnnkit_torch.EncoderDecoderModel from SEQ2SEQ_CASES, saves it, and records its logits on
source and decoder ids with padding; LSTM `bias_hh` are zeroed so that rnnkit's re-export of the
imported model is byte-comparable with PyTorch's file.
"""
import json
import pathlib
import shutil
import sys

import torch

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent / 'test' / 'fixtures' / 'torch-models'
sys.path.insert(0, str(HERE.parents[2] / 'examples' / 'scale-out' / 'python'))
import rnnkit_torch  # noqa: E402


def float32_lists(tensor):
    import numpy as np  # only for float32's shortest repr
    def walk(value):
        if isinstance(value, list):
            return [walk(v) for v in value]
        return float(str(np.float32(value)))
    return walk(tensor.detach().to(torch.float32).tolist())


def run(module, case):
    module.eval()
    x = torch.tensor(case['input'], dtype=torch.float32 if case['template'] == 'forecaster' else torch.int64)
    with torch.no_grad():
        return module(x)


def write_expected(directory, output, module):
    (directory / 'expected.json').write_text(json.dumps({
        'generator': f'torch {torch.__version__}, python {sys.version.split()[0]}',
        'output': float32_lists(output),
    }, separators=(',', ':')) + '\n', encoding='utf-8')


SEQ2SEQ_ROOT = HERE.parents[1] / 'seq2seq' / 'test' / 'fixtures' / 'torch'
SEQ2SEQ_CASES = [
    ('gru-luong-dot', {'cell': 'gru', 'layers': 1, 'attention': 'luong-dot'}),
    ('lstm-bidirectional-bahdanau', {'cell': 'lstm', 'layers': 2, 'bidirectionalEncoder': True, 'attention': 'bahdanau'}),
    ('gru-bidirectional-luong-general', {'cell': 'gru', 'layers': 2, 'bidirectionalEncoder': True,
                                         'attention': 'luong-general'}),
    ('lstm-no-attention', {'cell': 'lstm', 'layers': 1, 'attention': 'none'}),
]
SOURCE_IDS = [[3, 1, 4, 1, 5], [2, 6, 0, 0, 0], [5, 3, 5, 0, 0]]
DECODER_IDS = [[1, 4, 2, 3], [1, 3, 0, 0], [1, 2, 5, 4]]


def make_seq2seq():
    shutil.rmtree(SEQ2SEQ_ROOT, ignore_errors=True)
    for index, (name, extra) in enumerate(SEQ2SEQ_CASES):
        torch.manual_seed(3000 + index)
        options = {'sourceVocabularySize': 7, 'targetVocabularySize': 6, 'embeddingDim': 3, 'units': 4, **extra}
        config = {'format': rnnkit_torch.FORMAT, 'formatVersion': rnnkit_torch.FORMAT_VERSION,
                  'template': rnnkit_torch.SEQ2SEQ, 'options': options}
        made = rnnkit_torch.build(config).eval()
        with torch.no_grad():
            for key, tensor in made.state_dict().items():
                if options['cell'] == 'lstm' and '.bias_hh_' in key:
                    tensor.zero_()
        target = SEQ2SEQ_ROOT / name
        rnnkit_torch.save(made, config, str(target))
        with torch.no_grad():
            logits = made(torch.tensor(SOURCE_IDS), torch.tensor(DECODER_IDS))
        (target / 'expected.json').write_text(json.dumps({
            'generator': f'torch {torch.__version__}, python {sys.version.split()[0]}',
            'sourceIds': SOURCE_IDS, 'decoderInputIds': DECODER_IDS, 'logits': float32_lists(logits),
        }, separators=(',', ':')) + '\n', encoding='utf-8')
        print('wrote seq2seq', name)


def main():
    cases = json.loads((ROOT / 'cases.json').read_text(encoding='utf-8'))
    shutil.rmtree(ROOT / 'pytorch', ignore_errors=True)
    for index, case in enumerate(cases):
        exported = ROOT / 'rnnkit' / case['name']
        module, config = rnnkit_torch.load(str(exported))
        assert config['options'] == case['recorded']
        write_expected(exported, run(module, case), module)

        torch.manual_seed(2000 + index)
        config = {'format': rnnkit_torch.FORMAT, 'formatVersion': rnnkit_torch.FORMAT_VERSION,
                  'template': case['template'], 'options': case['options']}
        made = rnnkit_torch.build(config)
        with torch.no_grad():
            for name, tensor in made.state_dict().items():
                if name.endswith('running_mean'):
                    tensor.uniform_(-0.5, 0.5)
                elif name.endswith('running_var'):
                    tensor.uniform_(0.5, 1.5)
        target = ROOT / 'pytorch' / case['name']
        rnnkit_torch.save(made, config, str(target))
        reloaded, _ = rnnkit_torch.load(str(target))
        output = run(made, case)
        assert torch.equal(output, run(reloaded, case)), 'save → load must be exact'
        write_expected(target, output, made)
        print('wrote', case['name'])
    make_seq2seq()


if __name__ == '__main__':
    main()
