#!/usr/bin/env bash
# Regenerates the PyTorch parity fixtures: test/fixtures/torch/ (single layers, see
# make_torch_fixtures.py) and test/fixtures/torch-models/ (whole templates through safetensors:
# make-torch-model-fixtures.ts exports with rnnkit, make_torch_model_fixtures.py runs PyTorch).
# Tests only read the results, so neither Python nor PyTorch is needed to run them.
#   needs: apt-get install -y python3-torch libopenblas0-pthread
set -euo pipefail
cd "$(dirname "$0")/.."
/usr/bin/python3 scripts/make_torch_fixtures.py
npx tsx --conditions=@rnnkit/source scripts/make-torch-model-fixtures.ts
/usr/bin/python3 scripts/make_torch_model_fixtures.py
