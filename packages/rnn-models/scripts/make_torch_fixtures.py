#!/usr/bin/python3
"""Generates the PyTorch parity fixtures for @rnnkit/rnn-models' torch-weights converters.

Needs Debian's python3-torch (apt-get install -y python3-torch libopenblas0-pthread).
Run through scripts/regenerate-torch-fixtures.sh; tests only read the committed JSON, so
neither Python nor PyTorch is needed to run them.

For every case, builds an nn.LSTM / nn.GRU / nn.RNN (batch_first=True, eval mode) from a fixed
seed, runs it on a random input, and writes test/fixtures/torch/<case>.json with:

  generator    torch and Python versions
  module       'LSTM' | 'GRU' | 'RNN'; config: the constructor arguments
  prefix       '' or the submodule prefix of the state-dict keys (e.g. 'rnn.')
  state_dict   {key: tensor.tolist()} -- exactly what a user would export from Python
  input        [batch, time, input_size]
  h0, c0       initial states [num_layers * num_directions, batch, hidden], or null when the
               module ran with PyTorch's default zero state (c0 only for LSTM)
  output       [batch, time, num_directions * hidden]; h_n, c_n like h0, c0
  keras        {'l<layer>' or 'l<layer>_reverse': {kernel, recurrent_kernel, bias}}: the same
               weights in Keras' layout, converted here independently of the TypeScript code:
                 LSTM  kernel = W_ih^T, recurrent_kernel = W_hh^T ([u, 4u]), bias = b_ih + b_hh.
                       PyTorch's gate blocks i, f, g, o are Keras' i, f, c, o: no reordering.
                 GRU   Keras reset_after=True. PyTorch's gate blocks r, z, n become Keras' z, r, h;
                       kernel = reordered W_ih^T, recurrent_kernel = reordered W_hh^T,
                       bias = [reordered b_ih; reordered b_hh] of shape [2, 3u].
                 RNN   kernel = W_ih^T, recurrent_kernel = W_hh^T, bias = b_ih + b_hh.
               Before writing, the script re-runs every case with these Keras-layout weights in
               the Keras formulation and asserts it reproduces PyTorch's outputs.

Floats are float32 values written with the shortest decimal that reads back as the same float32
(numpy's float32 repr), so `Math.fround(parsed)` / `new Float32Array(parsed)` is bit-exact.
"""
import json
import pathlib
import sys

import numpy as np
import torch
from torch import nn

HERE = pathlib.Path(__file__).resolve().parent
FIXTURES = HERE.parent / 'test' / 'fixtures' / 'torch'
BATCH, TIME, INPUT, HIDDEN = 3, 5, 4, 6
GATES = {'LSTM': 4, 'GRU': 3, 'RNN': 1}
# Keras gate block k comes from PyTorch gate block ORDER[module][k].
ORDER = {'LSTM': [0, 1, 2, 3], 'GRU': [1, 0, 2], 'RNN': [0]}


class Submodule(nn.Module):
    """An LSTM inside a larger model, so its state-dict keys carry the prefix 'rnn.'."""

    def __init__(self, **config):
        super().__init__()
        self.rnn = nn.LSTM(**config)
        self.head = nn.Linear(config['hidden_size'], 2)

    def forward(self, x, state):
        return self.rnn(x, state)


# name, module, extra constructor arguments, zero initial state?, wrapped in Submodule?
CASES = [
    ('lstm', 'LSTM', {}, False, False),
    ('lstm_zero_state', 'LSTM', {}, True, False),
    ('lstm_2layer', 'LSTM', {'num_layers': 2}, False, False),
    ('lstm_bidirectional', 'LSTM', {'bidirectional': True}, False, False),
    ('lstm_submodule', 'LSTM', {}, False, True),
    ('gru', 'GRU', {}, False, False),
    ('gru_zero_state', 'GRU', {}, True, False),
    ('gru_bidirectional', 'GRU', {'bidirectional': True}, False, False),
    ('rnn_tanh', 'RNN', {'nonlinearity': 'tanh'}, False, False),
    ('rnn_tanh_zero_state', 'RNN', {'nonlinearity': 'tanh'}, True, False),
    ('rnn_relu', 'RNN', {'nonlinearity': 'relu'}, False, False),
    # Units divisible by 4: the sizes rnnkit's fused wasm step kernels take.
    ('gru_units8', 'GRU', {'hidden_size': 8}, False, False),
    ('gru_bidirectional_units8', 'GRU', {'hidden_size': 8, 'bidirectional': True}, False, False),
    ('lstm_bidirectional_units8', 'LSTM', {'hidden_size': 8, 'bidirectional': True}, False, False),
]


def float32_lists(value):
    """tolist() with every float rounded to the shortest decimal of its float32 value."""
    if isinstance(value, torch.Tensor):
        value = value.detach().to(torch.float32).tolist()
    if isinstance(value, list):
        return [float32_lists(item) for item in value]
    if isinstance(value, float):
        return float(str(np.float32(value)))
    return value


def blocks(tensor, module):
    """Splits dim 0 into the module's gate blocks and reorders them into Keras' order."""
    parts = torch.chunk(tensor, GATES[module], dim=0)
    return torch.cat([parts[k] for k in ORDER[module]], dim=0)


def keras_weights(state_dict, module, prefix, suffix):
    w_ih = state_dict[f'{prefix}weight_ih_{suffix}']
    w_hh = state_dict[f'{prefix}weight_hh_{suffix}']
    b_ih = state_dict[f'{prefix}bias_ih_{suffix}']
    b_hh = state_dict[f'{prefix}bias_hh_{suffix}']
    kernel = blocks(w_ih, module).t().contiguous()
    recurrent_kernel = blocks(w_hh, module).t().contiguous()
    if module == 'GRU':
        bias = torch.stack([blocks(b_ih, module), blocks(b_hh, module)])
    else:
        bias = b_ih + b_hh  # float32 addition, as the converter does
    return {'kernel': kernel, 'recurrent_kernel': recurrent_kernel, 'bias': bias}


def keras_run(module, nonlinearity, weights, x, h, c):
    """One direction of one layer in Keras' formulation; x is [batch, time, features]."""
    kernel, recurrent, bias = weights['kernel'], weights['recurrent_kernel'], weights['bias']
    outputs = []
    for t in range(x.shape[1]):
        xt = x[:, t]
        if module == 'LSTM':
            z = xt @ kernel + h @ recurrent + bias
            i, f, g, o = torch.chunk(z, 4, dim=1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
        elif module == 'GRU':
            x_z, x_r, x_h = torch.chunk(xt @ kernel + bias[0], 3, dim=1)
            h_z, h_r, h_h = torch.chunk(h @ recurrent + bias[1], 3, dim=1)
            z = torch.sigmoid(x_z + h_z)
            r = torch.sigmoid(x_r + h_r)
            candidate = torch.tanh(x_h + r * h_h)
            h = z * h + (1 - z) * candidate
        else:
            pre = xt @ kernel + h @ recurrent + bias
            h = torch.tanh(pre) if nonlinearity == 'tanh' else torch.relu(pre)
        outputs.append(h)
    return torch.stack(outputs, dim=1), h, c


def keras_stack(module, config, keras, x, h0, c0):
    """Runs all layers and directions with the Keras-layout weights, PyTorch's stacking rules."""
    directions = 2 if config.get('bidirectional') else 1
    layer_input = x
    h_n, c_n = [], []
    for layer in range(config.get('num_layers', 1)):
        outputs = []
        for direction in range(directions):
            index = layer * directions + direction
            suffix = f'l{layer}' + ('_reverse' if direction else '')
            sequence = torch.flip(layer_input, [1]) if direction else layer_input
            out, h, c = keras_run(module, config.get('nonlinearity', 'tanh'), keras[suffix], sequence,
                                  h0[index], None if c0 is None else c0[index])
            outputs.append(torch.flip(out, [1]) if direction else out)
            h_n.append(h)
            c_n.append(c)
        layer_input = torch.cat(outputs, dim=2)
    return layer_input, torch.stack(h_n), None if c0 is None else torch.stack(c_n)


def make_case(index, name, module, extra, zero_state, submodule):
    torch.manual_seed(1000 + index)
    config = {'input_size': INPUT, 'hidden_size': HIDDEN, 'batch_first': True, **extra}
    model = (Submodule if submodule else getattr(nn, module))(**config).eval()
    prefix = 'rnn.' if submodule else ''
    layers = config.get('num_layers', 1)
    directions = 2 if config.get('bidirectional') else 1
    state_shape = (layers * directions, BATCH, config['hidden_size'])
    x = torch.randn(BATCH, TIME, INPUT)
    h0 = None if zero_state else 0.5 * torch.randn(*state_shape)
    c0 = None if zero_state or module != 'LSTM' else 0.5 * torch.randn(*state_shape)
    with torch.no_grad():
        if module == 'LSTM':
            output, (h_n, c_n) = model(x, None if zero_state else (h0, c0))
        else:
            output, h_n = model(x, h0)
            c_n = None
        state_dict = {key: value.detach() for key, value in model.state_dict().items()}
        keras = {}
        for layer in range(layers):
            for direction in ['', '_reverse'][:directions]:
                suffix = f'l{layer}{direction}'
                keras[suffix] = keras_weights(state_dict, module, prefix, suffix)
        zeros = torch.zeros(*state_shape)
        check = keras_stack(module, config, keras, x, zeros if h0 is None else h0,
                            None if module != 'LSTM' else zeros if c0 is None else c0)
    for label, ours, theirs in zip(['output', 'h_n', 'c_n'], check, [output, h_n, c_n]):
        if theirs is not None:
            error = (ours - theirs).abs().max().item()
            assert error < 1e-5, f'{name}: Keras-layout rerun differs from PyTorch in {label} by {error}'
    fixture = {
        'generator': f'torch {torch.__version__}, python {sys.version.split()[0]}',
        'name': name,
        'module': module,
        'config': config,
        'prefix': prefix,
        'state_dict': {key: float32_lists(value) for key, value in state_dict.items()},
        'input': float32_lists(x),
        'h0': None if h0 is None else float32_lists(h0),
        'c0': None if c0 is None else float32_lists(c0),
        'output': float32_lists(output),
        'h_n': float32_lists(h_n),
        'c_n': None if c_n is None else float32_lists(c_n),
        'keras': {suffix: {key: float32_lists(value) for key, value in weights.items()}
                  for suffix, weights in keras.items()},
    }
    path = FIXTURES / f'{name}.json'
    path.write_text(json.dumps(fixture, separators=(',', ':')) + '\n', encoding='utf-8')
    print('wrote', path.relative_to(FIXTURES.parent.parent.parent), f'({path.stat().st_size} bytes)')


def main():
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for stale in FIXTURES.glob('*.json'):
        stale.unlink()
    for index, case in enumerate(CASES):
        make_case(index, *case)


if __name__ == '__main__':
    main()
