"""A custom recurrent cell: write it, register it, use it in RecurrentForecaster.

A cell is a layer factory ``factory(input_size, hidden_size, bidirectional)``
returning a one-layer module with ``torch.nn.RNN``'s interface (batch first,
``module(x, state) -> (output, state)``) and PyTorch's parameter names
(``weight_ih_l0``, ``weight_hh_l0``, ``bias_ih_l0``, ``bias_hh_l0``, and
``*_reverse`` for the backward direction). Its ``CellSpec`` names the gate
blocks stacked in the weights, so sktime-rnn's initialisation (``init``) and
forget-gate bias (``forget_bias``) work for it as for the built-in cells.

The cell here is a minimal gated unit (MGU, Zhou et al. 2016): one gate ``f``
that both keeps the old state and filters it in the candidate::

    f_t  = sigmoid(W_if x_t + b_if + W_hf h_{t-1} + b_hf)
    h~_t = tanh(W_ih x_t + b_ih + W_hh (f_t * h_{t-1}) + b_hh)
    h_t  = f_t * h_{t-1} + (1 - f_t) * h~_t

(written with ``f`` as a *keep* gate, as in the LSTM, so that a high
``forget_bias`` means long memory). The script registers it, fits
``RecurrentForecaster(cell="mgu")`` on the airline data next to a GRU and the
seasonal naive forecast, and prints how another package would ship the same
cell as a plugin, through the entry-point group ``"sktime_rnn.cells"``.

Run ``python examples/custom_cell_plugin.py``; ``SKTIME_RNN_FAST=1`` for a smoke
run.
"""

import math
import os
import time
import warnings

import torch
from sktime.datasets import load_airline
from sktime.performance_metrics.forecasting import mean_absolute_error
from torch import nn

from sktime_rnn import GRUForecaster, RecurrentForecaster
from sktime_rnn.registry import CellSpec, available_cells, register_cell

FAST = os.environ.get("SKTIME_RNN_FAST") == "1"
# sktime 1.2 announces a default change at every construction of its forecasters
warnings.filterwarnings(
    "ignore", message="The default of config", category=FutureWarning
)


class MGU(nn.Module):
    """One minimal-gated-unit layer over (N, L, H_in) inputs, batch first."""

    def __init__(self, input_size, hidden_size, bidirectional=False):
        super().__init__()
        self.hidden_size = hidden_size
        self.bidirectional = bidirectional
        bound = 1.0 / math.sqrt(hidden_size)
        for suffix in ["", "_reverse"] if bidirectional else [""]:
            # two gate blocks stacked along dim 0, in the order of CellSpec.gates
            for name, shape in {
                "weight_ih_l0": (2 * hidden_size, input_size),
                "weight_hh_l0": (2 * hidden_size, hidden_size),
                "bias_ih_l0": (2 * hidden_size,),
                "bias_hh_l0": (2 * hidden_size,),
            }.items():
                weight = nn.Parameter(torch.empty(shape).uniform_(-bound, bound))
                self.register_parameter(name + suffix, weight)

    def _scan(self, x, h, suffix):
        weight_ih, weight_hh, bias_ih, bias_hh = (
            getattr(self, f"{name}_l0{suffix}")
            for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
        )
        f_x, h_x = nn.functional.linear(x, weight_ih, bias_ih).chunk(2, dim=2)
        w_f, w_h = weight_hh.chunk(2, dim=0)  # (H, H) each
        b_f, b_h = bias_hh.chunk(2, dim=0)
        outputs = []
        for t in range(x.shape[1]):
            f = torch.sigmoid(f_x[:, t] + nn.functional.linear(h, w_f, b_f))
            candidate = torch.tanh(h_x[:, t] + nn.functional.linear(f * h, w_h, b_h))
            h = f * h + (1 - f) * candidate  # (N, H)
            outputs.append(h)
        return torch.stack(outputs, dim=1), h  # (N, L, H), (N, H)

    def forward(self, x, h_0=None):
        """Return the outputs (N, L, D*H) and the last state h_n (D, N, H)."""
        n_directions = 2 if self.bidirectional else 1
        if h_0 is None:
            h_0 = x.new_zeros(n_directions, x.shape[0], self.hidden_size)
        out, h_n = self._scan(x, h_0[0], "")
        if not self.bidirectional:
            return out, h_n.unsqueeze(0)
        out_rev, h_rev = self._scan(x.flip(1), h_0[1], "_reverse")
        return torch.cat([out, out_rev.flip(1)], dim=2), torch.stack([h_n, h_rev])


MGU_CELL = CellSpec("mgu", factory=MGU, gates=("f", "h"))

PLUGIN_PYPROJECT = """\
# pyproject.toml of a package "my-cells" with MGU and MGU_CELL in my_cells.py
[project.entry-points."sktime_rnn.cells"]
mgu = "my_cells:MGU_CELL"
"""


def main():
    register_cell(MGU_CELL)
    print("registered cells:", ", ".join(available_cells()))

    y = load_airline()
    y_train, y_test = y[:-12], y[-12:]
    fh = list(range(1, 13))
    common = dict(window_length=24, max_epochs=2 if FAST else 100, random_state=0)
    candidates = {
        "MGU (plugin cell)": RecurrentForecaster(cell="mgu", forget_bias=1.0, **common),
        "GRU (built in)": GRUForecaster(**common),
    }
    for name, forecaster in candidates.items():
        start = time.perf_counter()
        forecast = forecaster.fit(y_train, fh=fh).predict()
        seconds = time.perf_counter() - start
        mae = mean_absolute_error(y_test, forecast)
        print(f"{name:18s} MAE {mae:6.1f}   fit + predict {seconds:5.1f} s")
    naive = y_train[-12:].set_axis(y_test.index)
    print(f"{'seasonal naive':18s} MAE {mean_absolute_error(y_test, naive):6.1f}")

    # forget_bias reached the new cell's gate through CellSpec.gates
    network = candidates["MGU (plugin cell)"].network_
    layer = next(module for module in network.modules() if isinstance(module, MGU))
    print("\nMGU forget-gate bias after training (mean):", end=" ")
    print(f"{layer.bias_ih_l0[: layer.hidden_size].mean().item():.2f}")
    print("\nTo ship the cell as a plugin, declare its CellSpec as an entry point:")
    print(PLUGIN_PYPROJECT)


if __name__ == "__main__":
    main()
