"""Why gradients vanish or explode: the norm of a product of Jacobians.

An Elman network h_t = tanh(W h_{t-1} + U x_t) with W orthogonal times a gain:
the gradient reaching h_{t-k} from h_t is a product of k Jacobians
diag(tanh'(a_s)) W, so its norm behaves like gain**k (times the tanh slopes).
"""

import matplotlib.pyplot as plt
import torch

torch.manual_seed(0)
hidden, steps, batch = 32, 60, 16
x = torch.randn(batch, steps, 1)
fig, ax = plt.subplots(figsize=(7, 3.8))
for gain in (0.8, 1.0, 1.2, 1.6):
    rnn = torch.nn.RNN(1, hidden, batch_first=True, bias=False)
    with torch.no_grad():
        torch.nn.init.orthogonal_(rnn.weight_hh_l0, gain=gain)
        rnn.weight_ih_l0.normal_(0, 0.1)
    h0 = torch.zeros(1, batch, hidden)
    states, h = [], h0
    for t in range(steps):  # step by step, to keep every h_t in the graph
        h = h.detach().requires_grad_(True) if t == 0 else h
        _, h = rnn(x[:, t : t + 1], h)
        h.retain_grad()
        states.append(h)
    states[-1].sum().backward()
    norms = [s.grad.norm().item() / batch for s in states]
    steps_back = range(steps - 1, -1, -1)
    ax.semilogy(steps_back, norms, label=f"gain {gain} ($\\|W\\|_2$ = {gain})")
ax.invert_xaxis()
ax.set_xlabel("k, steps back from the last state")
ax.set_ylabel(r"$\|\partial \Sigma h_T / \partial h_{T-k}\|$")
ax.set_title("Product of Jacobians in an Elman network (tanh)")
ax.legend()
