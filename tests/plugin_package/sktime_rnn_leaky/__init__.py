"""A leaky Elman cell, registered with sktime-rnn only through an entry point.

``h_t = (1 - a) h_{t-1} + a tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)`` with a
fixed leak ``a = 0.5``. The layer follows ``torch.nn.RNN``'s interface and
parameter names, which is all sktime-rnn asks of a cell.

Examples
--------
>>> import torch
>>> layer = LeakyTanh(2, 3, bidirectional=True)
>>> out, h = layer(torch.zeros(4, 5, 2))
>>> tuple(out.shape), tuple(h.shape)
((4, 5, 6), (2, 4, 3))
"""

import math

import torch
from torch import nn

from sktime_rnn.networks.cells import CellSpec

LEAK = 0.5


class LeakyTanh(nn.Module):
    """One leaky Elman layer over (N, L, H_in) inputs, batch first."""

    def __init__(self, input_size, hidden_size, bidirectional=False):
        super().__init__()
        self.hidden_size = hidden_size
        self.bidirectional = bidirectional
        for suffix in ["", "_reverse"] if bidirectional else [""]:
            shapes = {
                "weight_ih_l0": (hidden_size, input_size),
                "weight_hh_l0": (hidden_size, hidden_size),
                "bias_ih_l0": (hidden_size,),
                "bias_hh_l0": (hidden_size,),
            }
            for name, shape in shapes.items():
                bound = 1.0 / math.sqrt(hidden_size)
                weight = torch.empty(shape).uniform_(-bound, bound)
                self.register_parameter(name + suffix, nn.Parameter(weight))

    def _run(self, x, h, suffix):
        weight_ih, weight_hh, bias_ih, bias_hh = (
            getattr(self, f"{name}_l0{suffix}")
            for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
        )
        inputs = nn.functional.linear(x, weight_ih, bias_ih)  # (N, L, H)
        outputs = []
        for t in range(x.shape[1]):
            recurrent = nn.functional.linear(h, weight_hh, bias_hh)
            h = (1 - LEAK) * h + LEAK * torch.tanh(inputs[:, t] + recurrent)
            outputs.append(h)
        return torch.stack(outputs, dim=1), h  # (N, L, H), (N, H)

    def forward(self, x, h_0=None):
        """Return the outputs (N, L, D*H) and the last state (D, N, H)."""
        n_directions = 2 if self.bidirectional else 1
        if h_0 is None:
            h_0 = x.new_zeros(n_directions, x.shape[0], self.hidden_size)
        out, h_n = self._run(x, h_0[0], "")
        if not self.bidirectional:
            return out, h_n.unsqueeze(0)
        out_rev, h_rev = self._run(x.flip(1), h_0[1], "_reverse")
        return torch.cat([out, out_rev.flip(1)], dim=2), torch.stack([h_n, h_rev])


LEAKY_TANH = CellSpec("leaky_tanh", LeakyTanh, gates=("h",))
