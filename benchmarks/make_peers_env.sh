#!/usr/bin/env bash
# Build the peers' environment: Darts and neuralforecast next to our torch.
#
#   bash benchmarks/make_peers_env.sh [VENV]
#
# VENV defaults to $SKTIME_RNN_PEERS_VENV, else ~/.cache/sktime-rnn/peers-venv
# (shared by every checkout; `python -m benchmarks.performance --peers` and
# `python -m benchmarks.accuracy.suite --peers` run this script when it is
# missing). Running it again updates the environment in place.
#
# torch is pinned to the version of the Python that runs the benchmarks
# ($PYTHON, default `python`), local label included (2.13.0+cpu): a plain
# `pip install torch` would pull the multi-GB CUDA build, and the peers must
# run on the same torch as ours. Darts and neuralforecast are pinned to the
# versions the results were measured with (override with DARTS_VERSION and
# NEURALFORECAST_VERSION); sktime is pinned to ours. The resolved set is
# written to VENV/frozen.txt.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
python=${PYTHON:-python}
venv=${1:-${SKTIME_RNN_PEERS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/sktime-rnn/peers-venv}}
darts_version=${DARTS_VERSION:-0.48.1}
neuralforecast_version=${NEURALFORECAST_VERSION:-3.3.0}

versions=$("$python" -c 'import sktime, torch; print(torch.__version__, sktime.__version__)') || {
    echo "make_peers_env.sh: $python needs torch and sktime (PYTHON=... names another)" >&2
    exit 2
}
read -r torch_version sktime_version <<<"$versions"
torch_version=${TORCH_VERSION:-$torch_version}

echo "peers' environment in $venv: torch==$torch_version, sktime==$sktime_version," \
    "darts==$darts_version, neuralforecast==$neuralforecast_version"
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
constraints="$venv/constraints.txt"
printf '%s\n' "torch==$torch_version" "sktime==$sktime_version" \
    "darts==$darts_version" "neuralforecast==$neuralforecast_version" >"$constraints"
pip=("$venv/bin/python" -m pip --disable-pip-version-check)
# torch first, alone: the resolver then keeps it and never looks for a CUDA build
"${pip[@]}" install -c "$constraints" "torch==$torch_version"
# sktime_rnn's own dependencies and the peers (the `peers` extra); the package
# itself is imported from the checkout (the benchmarks run from the repository
# root), so a copy installed here never shadows the code being measured
"${pip[@]}" install -c "$constraints" "$repo[peers]"
"${pip[@]}" freeze --exclude-editable >"$venv/frozen.txt"
"$venv/bin/python" -c 'import darts, neuralforecast, torch; print("ok: torch", torch.__version__, "darts", darts.__version__, "neuralforecast", neuralforecast.__version__)'
