"""Which steps of the window receive gradient under truncated BPTT."""

import matplotlib.pyplot as plt
import numpy as np
import torch

from sktime_rnn.networks import RecurrentEncoder

torch.manual_seed(0)
window = 40
encoder = RecurrentEncoder("lstm", input_size=1, hidden_size=16)
x = torch.randn(32, window, 1)
fig, ax = plt.subplots(figsize=(7, 3.8))
for truncation_length in (None, 20, 10):
    inputs = x.clone().requires_grad_(True)
    output, _ = encoder(inputs, truncation_length=truncation_length)
    output[:, -1].sum().backward()  # a loss on the last step, as in forecasting
    norms = inputs.grad.norm(dim=2).mean(dim=0).numpy()  # (L,)
    steps_back = np.arange(window)[::-1]
    label = "full BPTT (None)" if truncation_length is None else truncation_length
    ax.semilogy(
        steps_back, np.maximum(norms, 1e-12), label=f"truncation_length={label}"
    )
ax.invert_xaxis()
ax.set_ylim(1e-12, None)
ax.set_xlabel("steps back from the newest value of the window")
ax.set_ylabel("||dLoss / dx_t||  (1e-12: none)")
ax.set_title("Truncated back-propagation through time")
ax.legend()
