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


if __name__ == '__main__':
    main()
