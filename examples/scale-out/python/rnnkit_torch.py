"""rnnkit's model templates in PyTorch, and the files rnnkit's exportTorch / importTorch use.

    module, config = rnnkit_torch.load('runs/lm-torch')   # what exportTorch(model, dir) wrote
    ...train module...
    rnnkit_torch.save(module, config, 'runs/lm-finetuned') # importTorch(dir) reads it back

`build(config)` mirrors languageModel, sequenceClassifier, sequenceTagger and forecaster layer
for layer: the same Embedding (id 0 masked with maskZero), recurrent layers with Keras' sigmoid
gates and `activation`, reset-after (PyTorch's) or reset-before GRUs, Keras' masking (a padded
step keeps the state and repeats the previous output; the backward direction reads the whole
padded sequence reversed), BatchNormalization (eps 1e-3, momentum 0.01 = Keras' 0.99), Dropout,
Dense heads and the output activation. `module(x)` returns what rnnkit's `model.predict(x)`
does (probabilities unless `logits`); `module.logits(x)` the output before its softmax/sigmoid,
for training with `F.cross_entropy` (`module(x, output='logits')` under DDP).
`EncoderDecoderModel` is the twin of @rnnkit/seq2seq's encoderDecoder (config template
'encoderDecoder'): `module(source_ids, decoder_input_ids)` returns its logits.

Depends on PyTorch only (tested with Debian's python3-torch 1.13); safetensors is read and
written here (the format is small), so the `safetensors` package is not needed.
"""
import json
import math
import os
import shutil
import struct
import sys
import tempfile

import torch
import torch.nn.functional as F
from torch import nn

FORMAT = 'rnnkit-torch'
FORMAT_VERSION = 1
WEIGHTS_FILE = 'model.safetensors'
CONFIG_FILE = 'config.json'
TEMPLATES = ('languageModel', 'sequenceClassifier', 'sequenceTagger', 'forecaster')
# @rnnkit/seq2seq's encoderDecoder: the same files, its own options
SEQ2SEQ = 'encoderDecoder'

# Every template's options and defaults, as rnnkit's DEFAULT_*_OPTIONS (seed is irrelevant here).
_SHARED = {
    'cell': None, 'units': None, 'activation': 'tanh', 'dropout': 0.0, 'recurrentDropout': 0.0,
    'resetAfter': True, 'hiddenUnits': [], 'hiddenActivation': 'relu', 'batchNorm': False,
    'layerDropout': 0.0, 'seed': None,
}
_TEXT = {'vocabularySize': None, 'embeddingDim': 64, 'sequenceLength': None, 'maskZero': False}
DEFAULTS = {
    'languageModel': {**_SHARED, **_TEXT, 'cell': 'lstm', 'units': [128], 'mode': 'shifted',
                      'logits': False, 'stateful': False, 'batchSize': None},
    'sequenceClassifier': {**_SHARED, **_TEXT, 'cell': 'lstm', 'units': [64], 'numClasses': 2,
                           'bidirectional': False, 'logits': False},
    'sequenceTagger': {**_SHARED, **_TEXT, 'cell': 'gru', 'units': [64], 'maskZero': True, 'numTags': None,
                       'bidirectional': True, 'timeDistributed': False, 'logits': False},
    'forecaster': {**_SHARED, 'cell': 'lstm', 'units': [32], 'features': None, 'inputSteps': None,
                   'head': 'multiStep', 'outputSteps': 1, 'outputFeatures': None},
}
REQUIRED = {'languageModel': ['vocabularySize'], 'sequenceClassifier': ['vocabularySize'],
            'sequenceTagger': ['vocabularySize', 'numTags'], 'forecaster': ['features']}


def _gelu_new(x):
    return 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


# tfjs-layers' activations (hardSigmoid is Keras' 0.2·x + 0.5 clipped, not PyTorch's x/6 + 1/2).
ACTIVATIONS = {
    'elu': F.elu,
    'hardSigmoid': lambda x: torch.clamp(0.2 * x + 0.5, 0.0, 1.0),
    'linear': lambda x: x,
    'relu': torch.relu,
    'relu6': lambda x: torch.clamp(x, 0.0, 6.0),
    'selu': F.selu,
    'sigmoid': torch.sigmoid,
    'softmax': lambda x: torch.softmax(x, dim=-1),
    'softplus': F.softplus,
    'softsign': F.softsign,
    'tanh': torch.tanh,
    'swish': lambda x: x * torch.sigmoid(x),
    'mish': lambda x: x * torch.tanh(F.softplus(x)),
    'gelu': lambda x: 0.5 * x * (1 + torch.erf(x / math.sqrt(2))),
    'gelu_new': _gelu_new,
}


class ConfigError(ValueError):
    """A config.json rnnkit would reject: unknown template, misspelt or missing option."""


def resolve_options(template, options):
    """The template's options with rnnkit's defaults filled in; unknown names raise ConfigError."""
    if template not in TEMPLATES:
        raise ConfigError(f'unknown template {template!r} (known: {", ".join(TEMPLATES)})')
    defaults = DEFAULTS[template]
    unknown = sorted(set(options) - set(defaults))
    if unknown:
        raise ConfigError(f'{template}: unknown option(s) {unknown} (known: {sorted(defaults)})')
    resolved = {**defaults, **options}
    for name in REQUIRED[template]:
        if resolved[name] is None:
            raise ConfigError(f'{template}: option {name!r} is required')
    if isinstance(resolved['units'], int):
        resolved['units'] = [resolved['units']]
    if template == 'forecaster' and resolved['outputFeatures'] is None:
        resolved['outputFeatures'] = resolved['features']
    if resolved['cell'] not in ('lstm', 'gru', 'simple'):
        raise ConfigError(f"{template}: cell must be 'lstm', 'gru' or 'simple', got {resolved['cell']!r}")
    for name in ('activation', 'hiddenActivation'):
        if resolved[name] not in ACTIVATIONS:
            raise ConfigError(f'{template}: unknown {name} {resolved[name]!r}')
    return resolved


class Recurrent(nn.Module):
    """One rnnkit recurrent layer (optionally Bidirectional, concat) as one single-layer PyTorch
    RNN: parameters `weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0` (+ `_reverse`),
    shapes and gate order as nn.LSTM (i, f, g, o), nn.GRU (r, z, n) and nn.RNN. A reset-before
    GRU (Keras reset_after=False) has no `bias_hh_l0`.

    Runs PyTorch's fused kernel (cuDNN on GPUs) when it computes the same thing: no padding mask,
    the tanh activation (or relu for a simple RNN), a reset-after GRU and no recurrent dropout;
    else a step loop with Keras' semantics.
    """

    def __init__(self, cell, input_size, units, bidirectional, activation, reset_after, dropout,
                 recurrent_dropout):
        super().__init__()
        self.cell, self.units, self.bidirectional = cell, units, bidirectional
        self.activation = activation
        self.reset_after = reset_after if cell == 'gru' else True
        self.dropout, self.recurrent_dropout = dropout, recurrent_dropout
        gates = {'lstm': 4, 'gru': 3, 'simple': 1}[cell]
        bound = 1 / math.sqrt(units)
        for suffix in ['l0', 'l0_reverse'][:2 if bidirectional else 1]:
            shapes = {'weight_ih': (gates * units, input_size), 'weight_hh': (gates * units, units),
                      'bias_ih': (gates * units,)}
            if self.reset_after:
                shapes['bias_hh'] = (gates * units,)
            for name, shape in shapes.items():
                self.register_parameter(f'{name}_{suffix}',
                                        nn.Parameter(torch.empty(shape).uniform_(-bound, bound)))

    def _native(self, mask):
        if mask is not None or (self.training and self.recurrent_dropout > 0) or not self.reset_after:
            return False
        return self.activation == 'tanh' or (self.cell == 'simple' and self.activation == 'relu')

    def forward(self, x, mask=None):
        """x [batch, time, features]; mask [batch, time] bool or None → [batch, time, directions·units]."""
        return self.run(x, mask)[0]

    def run(self, x, mask=None, initial=None):
        """The outputs and the final `(h, c)` of each direction (`c` None but for LSTMs), starting
        the forward direction from `initial` = `(h0, c0)` ([batch, units]) when given."""
        if self.training and self.dropout > 0:
            # Keras' input dropout: one mask per sequence, the same at every step
            keep = torch.bernoulli(torch.full((x.shape[0], 1, x.shape[2]), 1 - self.dropout, device=x.device))
            x = x * keep / (1 - self.dropout)
        if self._native(mask):
            return self._fused(x, initial)
        outputs, finals = [], []
        for suffix, reverse in [('l0', False), ('l0_reverse', True)][:2 if self.bidirectional else 1]:
            xs = torch.flip(x, [1]) if reverse else x
            ms = None if mask is None else (torch.flip(mask, [1]) if reverse else mask)
            out, h, c = self._loop(xs, ms, suffix, None if reverse else initial)
            outputs.append(torch.flip(out, [1]) if reverse else out)
            finals.append((h, c if self.cell == 'lstm' else None))
        return torch.cat(outputs, dim=2), finals

    def _fused(self, x, initial=None):
        weights = []
        for suffix in ['l0', 'l0_reverse'][:2 if self.bidirectional else 1]:
            weights += [getattr(self, f'{name}_{suffix}') for name in ('weight_ih', 'weight_hh', 'bias_ih', 'bias_hh')]
        directions = 2 if self.bidirectional else 1
        zeros = x.new_zeros(directions, x.shape[0], self.units)
        h0 = zeros if initial is None else torch.cat([initial[0].unsqueeze(0), zeros[1:]])
        if self.cell == 'lstm':
            c0 = zeros if initial is None else torch.cat([initial[1].unsqueeze(0), zeros[1:]])
            out, h_n, c_n = torch.lstm(x, (h0, c0), weights, True, 1, 0.0, self.training, self.bidirectional, True)
            return out, [(h_n[d], c_n[d]) for d in range(directions)]
        if self.cell == 'gru':
            out, h_n = torch.gru(x, h0, weights, True, 1, 0.0, self.training, self.bidirectional, True)
        else:
            fn = torch.rnn_tanh if self.activation == 'tanh' else torch.rnn_relu
            out, h_n = fn(x, h0, weights, True, 1, 0.0, self.training, self.bidirectional, True)
        return out, [(h_n[d], None) for d in range(directions)]

    def _loop(self, x, mask, suffix, initial=None):
        act = ACTIVATIONS[self.activation]
        w_ih, w_hh = getattr(self, f'weight_ih_{suffix}'), getattr(self, f'weight_hh_{suffix}')
        b_ih = getattr(self, f'bias_ih_{suffix}')
        b_hh = getattr(self, f'bias_hh_{suffix}') if self.reset_after else None
        batch, steps = x.shape[0], x.shape[1]
        projected = F.linear(x, w_ih, b_ih)
        h = x.new_zeros(batch, self.units) if initial is None else initial[0]
        c = x.new_zeros(batch, self.units) if initial is None or initial[1] is None else initial[1]
        recurrent_keep = None
        if self.training and self.recurrent_dropout > 0:
            recurrent_keep = torch.bernoulli(torch.full_like(h, 1 - self.recurrent_dropout)) / (1 - self.recurrent_dropout)
        outputs = []
        for t in range(steps):
            xt = projected[:, t]
            hd = h if recurrent_keep is None else h * recurrent_keep
            if self.cell == 'lstm':
                i, f, g, o = torch.chunk(xt + F.linear(hd, w_hh, b_hh), 4, dim=1)
                c_new = torch.sigmoid(f) * c + torch.sigmoid(i) * act(g)
                h_new = torch.sigmoid(o) * act(c_new)
            elif self.cell == 'gru':
                x_r, x_z, x_n = torch.chunk(xt, 3, dim=1)
                if self.reset_after:
                    h_r, h_z, h_n = torch.chunk(F.linear(hd, w_hh, b_hh), 3, dim=1)
                    r = torch.sigmoid(x_r + h_r)
                    z = torch.sigmoid(x_z + h_z)
                    n = act(x_n + r * h_n)
                else:
                    u_r, u_z, u_n = torch.chunk(w_hh, 3, dim=0)
                    r = torch.sigmoid(x_r + F.linear(hd, u_r))
                    z = torch.sigmoid(x_z + F.linear(hd, u_z))
                    n = act(x_n + F.linear(r * hd, u_n))
                h_new = (1 - z) * n + z * h
                c_new = c
            else:
                h_new = act(xt + F.linear(hd, w_hh, b_hh))
                c_new = c
            if mask is not None:
                keep = mask[:, t].unsqueeze(1)
                h_new = torch.where(keep, h_new, h)
                c_new = torch.where(keep, c_new, c)
            h, c = h_new, c_new
            outputs.append(h)
        return torch.stack(outputs, dim=1), h, c


SEQ2SEQ_DEFAULTS = {'sourceVocabularySize': None, 'targetVocabularySize': None, 'embeddingDim': 64,
                    'units': 128, 'cell': 'gru', 'layers': 1, 'bidirectionalEncoder': False,
                    'attention': 'luong-dot', 'dropout': 0.0, 'seed': None}
ATTENTION_KINDS = ('none', 'luong-dot', 'luong-general', 'bahdanau')
MASKED_SCORE = -1e9


def resolve_seq2seq_options(options):
    unknown = sorted(set(options) - set(SEQ2SEQ_DEFAULTS))
    if unknown:
        raise ConfigError(f'encoderDecoder: unknown option(s) {unknown} (known: {sorted(SEQ2SEQ_DEFAULTS)})')
    o = {**SEQ2SEQ_DEFAULTS, **options}
    for name in ('sourceVocabularySize', 'targetVocabularySize'):
        if o[name] is None:
            raise ConfigError(f'encoderDecoder: option {name!r} is required')
    if o['cell'] not in ('gru', 'lstm') or o['attention'] not in ATTENTION_KINDS:
        raise ConfigError(f"encoderDecoder: bad cell {o['cell']!r} or attention {o['attention']!r}")
    return o


class Attention(nn.Module):
    """seq2seq's attention: scores (Luong dot/general or Bahdanau) of the decoder outputs against
    the encoder outputs, padding ids masked to -1e9, softmax, context, `tanh([context, decoder]·W_c)`.
    Keras' matrices are stored as `nn.Linear` weights: `wa.weight = W_aᵀ`, `w1`, `w2` likewise,
    `v.weight = vᵀ [1, units]`, `wc.weight = W_cᵀ [units, 2·units]`."""

    def __init__(self, score, units):
        super().__init__()
        self.score = score
        if score == 'luong-general':
            self.wa = nn.Linear(units, units, bias=False)
        if score == 'bahdanau':
            self.w1 = nn.Linear(units, units, bias=False)
            self.w2 = nn.Linear(units, units, bias=False)
            self.v = nn.Linear(units, 1, bias=False)
        self.wc = nn.Linear(2 * units, units, bias=False)

    def weights(self, decoder, encoder, source_mask):
        if self.score == 'luong-dot':
            scores = decoder @ encoder.transpose(1, 2)
        elif self.score == 'luong-general':
            scores = decoder @ self.wa(encoder).transpose(1, 2)
        else:
            energy = torch.tanh(self.w1(decoder).unsqueeze(2) + self.w2(encoder).unsqueeze(1))
            scores = self.v(energy).squeeze(-1)
        scores = torch.where(source_mask.unsqueeze(1), scores, torch.full_like(scores, MASKED_SCORE))
        return torch.softmax(scores, dim=-1)

    def forward(self, decoder, encoder, source_mask):
        context = self.weights(decoder, encoder, source_mask) @ encoder
        return torch.tanh(self.wc(torch.cat([context, decoder], dim=-1)))


class EncoderDecoderModel(nn.Module):
    """The twin of @rnnkit/seq2seq's encoderDecoder: source Embedding (id 0 masked) → recurrent
    encoder layers (bidirectional: outputs and final states of both directions summed) → target
    Embedding → decoder layers, layer i starting from encoder layer i's final state(s) → attention
    → Dense logits. `module(source_ids, decoder_input_ids)` returns the logits
    `[batch, targetLength, targetVocabularySize]`, as the rnnkit model's `predict`. State-dict
    names: `source_embedding.weight`, `encoder.<i>.weight_ih_l0[_reverse]`…,
    `target_embedding.weight`, `decoder.<i>.…`, `attention.wc.weight`…, `output.weight|bias`."""

    def __init__(self, options):
        super().__init__()
        o = resolve_seq2seq_options(options)
        self.template, self.options = SEQ2SEQ, o
        e, u = o['embeddingDim'], o['units']
        self.source_embedding = nn.Embedding(o['sourceVocabularySize'], e, padding_idx=0)
        self.encoder = nn.ModuleList(
            Recurrent(o['cell'], e if i == 0 else u, u, o['bidirectionalEncoder'], 'tanh', True, o['dropout'], 0.0)
            for i in range(o['layers']))
        self.target_embedding = nn.Embedding(o['targetVocabularySize'], e, padding_idx=0)
        self.decoder = nn.ModuleList(
            Recurrent(o['cell'], e if i == 0 else u, u, False, 'tanh', True, o['dropout'], 0.0)
            for i in range(o['layers']))
        if o['attention'] != 'none':
            self.attention = Attention(o['attention'], u)
        self.output = nn.Linear(u, o['targetVocabularySize'])

    def forward(self, source_ids, decoder_input_ids, output='logits'):
        if output != 'logits':
            raise ValueError("encoderDecoder outputs logits only (output='logits')")
        source_ids, decoder_input_ids = source_ids.long(), decoder_input_ids.long()
        source_mask = source_ids != 0
        x = self.source_embedding(source_ids)
        states = []
        for layer in self.encoder:
            out, finals = layer.run(x, source_mask)
            if layer.bidirectional:
                x = out[..., :layer.units] + out[..., layer.units:]
                (hf, cf), (hb, cb) = finals
                states.append((hf + hb, None if cf is None else cf + cb))
            else:
                x = out
                states.append(finals[0])
        y = self.target_embedding(decoder_input_ids)
        target_mask = decoder_input_ids != 0
        for layer, state in zip(self.decoder, states):
            y, _ = layer.run(y, target_mask, initial=state)
        if self.options['attention'] != 'none':
            y = self.attention(y, x, source_mask)
        return self.output(y)


def _batch_norm(features):
    # Keras: epsilon 1e-3, moving = 0.99·moving + 0.01·batch
    return nn.BatchNorm1d(features, eps=1e-3, momentum=0.01)


def _normalize(norm, x):
    return norm(x.transpose(1, 2)).transpose(1, 2) if x.dim() == 3 else norm(x)


class RnnkitModel(nn.Module):
    """The PyTorch twin of an rnnkit template (see the module docstring). State-dict names:
    `embedding.weight`, `recurrent.<i>.weight_ih_l0[_reverse]`…, `recurrent_norm.<i>.*`,
    `hidden.<j>.weight|bias`, `hidden_norm.<j>.*`, `output.weight|bias`."""

    def __init__(self, template, options):
        super().__init__()
        o = resolve_options(template, options)
        self.template, self.options = template, o
        text = template != 'forecaster'
        self.mask_zero = text and o['maskZero']
        self.bidirectional = o.get('bidirectional', False)
        if text:
            self.embedding = nn.Embedding(o['vocabularySize'], o['embeddingDim'],
                                          padding_idx=0 if self.mask_zero else None)
            width = o['embeddingDim']
        else:
            width = o['features']
        self.recurrent = nn.ModuleList()
        for units in o['units']:
            self.recurrent.append(Recurrent(o['cell'], width, units, self.bidirectional, o['activation'],
                                            o['resetAfter'], o['dropout'], o['recurrentDropout']))
            width = units * (2 if self.bidirectional else 1)
        if o['batchNorm']:
            self.recurrent_norm = nn.ModuleList(_batch_norm(u * (2 if self.bidirectional else 1)) for u in o['units'])
        self.hidden = nn.ModuleList()
        for units in o['hiddenUnits']:
            self.hidden.append(nn.Linear(width, units))
            width = units
        if o['batchNorm'] and o['hiddenUnits']:
            self.hidden_norm = nn.ModuleList(_batch_norm(u) for u in o['hiddenUnits'])
        self.layer_dropout = nn.Dropout(o['layerDropout'])
        if template == 'languageModel':
            outputs, self.final_activation = o['vocabularySize'], 'linear' if o['logits'] else 'softmax'
            self.return_sequences = o['mode'] == 'shifted'
        elif template == 'sequenceClassifier':
            binary = o['numClasses'] == 2
            outputs = 1 if binary else o['numClasses']
            self.final_activation = 'linear' if o['logits'] else 'sigmoid' if binary else 'softmax'
            self.return_sequences = False
        elif template == 'sequenceTagger':
            outputs, self.final_activation = o['numTags'], 'linear' if o['logits'] else 'softmax'
            self.return_sequences = True
        else:
            outputs, self.final_activation = o['outputSteps'] * o['outputFeatures'], 'linear'
            self.return_sequences = False
        self.output = nn.Linear(width, outputs)

    def logits(self, x):
        """The output before the final softmax/sigmoid: ids `[batch, time]` (int64) or windows
        `[batch, steps, features]` → `[batch, vocab]`, `[batch, time, vocab]`, `[batch, 1]`, …"""
        o = self.options
        mask = None
        if self.template != 'forecaster':
            if self.mask_zero:
                mask = x != 0
            x = self.embedding(x.long())
        for i, layer in enumerate(self.recurrent):
            x = layer(x, mask)
            if i == len(self.recurrent) - 1 and not self.return_sequences:
                if self.bidirectional:
                    # Keras' Bidirectional: the forward layer's last output and the backward layer's
                    # (which ends at step 0 of the input)
                    x = torch.cat([x[:, -1, :layer.units], x[:, 0, layer.units:]], dim=1)
                else:
                    x = x[:, -1]
            if o['batchNorm']:
                x = _normalize(self.recurrent_norm[i], x)
            x = self.layer_dropout(x)
        hidden_act = ACTIVATIONS[o['hiddenActivation']]
        for j, layer in enumerate(self.hidden):
            x = hidden_act(layer(x))
            if o['batchNorm']:
                x = _normalize(self.hidden_norm[j], x)
            x = self.layer_dropout(x)
        x = self.output(x)
        if self.template == 'forecaster':
            x = x.view(x.shape[0], o['outputSteps'], o['outputFeatures'])
        return x

    def forward(self, x, output='probabilities'):
        """What rnnkit's `model.predict(x)` returns for the same model and input; `output='logits'`
        gives `logits(x)` (call it so under DistributedDataParallel, whose hooks run on forward)."""
        if output == 'logits':
            return self.logits(x)
        if output != 'probabilities':
            raise ValueError(f"output must be 'probabilities' or 'logits', got {output!r}")
        return ACTIVATIONS[self.final_activation](self.logits(x))


def public_options(module):
    """The module's options as rnnkit's template takes them (resetAfter only for GRUs, no seed)."""
    options = {k: v for k, v in module.options.items() if k != 'seed'}
    if module.template != SEQ2SEQ and options['cell'] != 'gru':
        del options['resetAfter']
    return options


def build(config):
    """A new RnnkitModel from a config.json dict ({format, formatVersion, template, options})."""
    if config.get('format') != FORMAT:
        raise ConfigError(f"config format is {config.get('format')!r}, expected {FORMAT!r}")
    if config.get('formatVersion') != FORMAT_VERSION:
        raise ConfigError(f"config formatVersion {config.get('formatVersion')!r} is not {FORMAT_VERSION}")
    if config.get('template') == SEQ2SEQ:
        return EncoderDecoderModel(config.get('options', {}))
    return RnnkitModel(config['template'], config.get('options', {}))


# ---------------------------------------------------------------------------------------------
# safetensors, float32 only

def read_safetensors(path):
    """{name: float32 tensor} from a safetensors file; raises ValueError naming the problem."""
    with open(path, 'rb') as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError(f'{path}: truncated ({len(data)} bytes)')
    (length,) = struct.unpack('<Q', data[:8])
    if 8 + length > len(data):
        raise ValueError(f'{path}: header of {length} bytes overruns the file')
    header = json.loads(data[8:8 + length].decode('utf-8'))
    body = bytearray(data[8 + length:])
    tensors = {}
    for name, entry in header.items():
        if name == '__metadata__':
            continue
        begin, end = entry['data_offsets']
        if end > len(body):
            raise ValueError(f'{path}: tensor {name!r} overruns the file')
        if entry['dtype'] == 'I64' and name.endswith('num_batches_tracked'):
            continue
        if entry['dtype'] != 'F32':
            raise ValueError(f"{path}: tensor {name!r} is {entry['dtype']}, expected F32")
        count = math.prod(entry['shape'])
        if end - begin != 4 * count:
            raise ValueError(f'{path}: tensor {name!r} has {end - begin} bytes for shape {entry["shape"]}')
        flat = torch.frombuffer(body, dtype=torch.float32, count=count, offset=begin) if count else torch.zeros(0)
        tensors[name] = flat.clone().view(*entry['shape'])
    return tensors


def _float32_bytes(tensor):
    tensor = tensor.detach().to('cpu', torch.float32).contiguous()
    try:
        return tensor.numpy().tobytes()
    except (RuntimeError, ImportError):  # PyTorch built without NumPy
        return bytes(tensor.view(-1).view(torch.uint8).tolist())


def write_safetensors(tensors, path, metadata=None):
    """Writes {name: tensor} as float32 safetensors (header padded to 8 bytes)."""
    assert sys.byteorder == 'little', 'safetensors data is little-endian'
    header, chunks, offset = {}, [], 0
    if metadata:
        header['__metadata__'] = metadata
    for name, tensor in tensors.items():
        raw = _float32_bytes(tensor)
        header[name] = {'dtype': 'F32', 'shape': list(tensor.shape), 'data_offsets': [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(',', ':')).encode('utf-8')
    text += b' ' * (-len(text) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)))
        f.write(text)
        for chunk in chunks:
            f.write(chunk)
        f.flush()
        os.fsync(f.fileno())


def load(directory, map_location='cpu'):
    """(module, config) from a directory exportTorch or save() wrote; strict about names/shapes."""
    with open(os.path.join(directory, CONFIG_FILE), encoding='utf-8') as f:
        config = json.load(f)
    module = build(config)
    state = read_safetensors(os.path.join(directory, WEIGHTS_FILE))
    expected = {k: v for k, v in module.state_dict().items() if not k.endswith('num_batches_tracked')}
    missing = sorted(set(expected) - set(state))
    extra = sorted(set(state) - set(expected))
    if missing or extra:
        raise ValueError(f'{directory}: tensors missing {missing}, unexpected {extra}')
    for name, tensor in state.items():
        if tuple(tensor.shape) != tuple(expected[name].shape):
            raise ValueError(f'{directory}: tensor {name!r} has shape {list(tensor.shape)}, '
                             f'the config needs {list(expected[name].shape)}')
    module.load_state_dict(state, strict=False)
    return module.to(map_location), config


def save(module, config, directory):
    """Writes model.safetensors and config.json into `directory` atomically (a temporary directory
    renamed into place). Refuses a directory holding anything but a previous export."""
    module = getattr(module, 'module', module)  # unwrap DistributedDataParallel
    if os.path.lexists(directory):
        names = set(os.listdir(directory)) if os.path.isdir(directory) and not os.path.islink(directory) else None
        if names is None or (names and not (names <= {WEIGHTS_FILE, CONFIG_FILE, '.rnnkit-temporary'} and CONFIG_FILE in names)):
            raise ValueError(f'{directory} exists and is not an rnnkit export; not replacing it')
    parent = os.path.dirname(os.path.abspath(directory))
    os.makedirs(parent, exist_ok=True)
    temp = tempfile.mkdtemp(prefix=os.path.basename(directory) + '.tmp-', dir=parent)
    try:
        state = {k: v for k, v in module.state_dict().items() if not k.endswith('num_batches_tracked')}
        write_safetensors(state, os.path.join(temp, WEIGHTS_FILE), {'format': 'pt', 'generator': 'rnnkit_torch.py'})
        config = {**config, 'format': FORMAT, 'formatVersion': FORMAT_VERSION,
                  'template': module.template, 'options': config.get('options') or public_options(module)}
        with open(os.path.join(temp, CONFIG_FILE), 'w', encoding='utf-8') as f:
            json.dump(config, f, indent=2)
            f.write('\n')
        old = None
        if os.path.isdir(directory):
            old = tempfile.mkdtemp(prefix=os.path.basename(directory) + '.old-', dir=parent)
            os.rmdir(old)
            os.rename(directory, old)
        os.rename(temp, directory)
        if old:
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
