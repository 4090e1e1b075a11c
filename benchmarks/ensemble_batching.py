"""Can K small LSTMs train together faster than one after another on this CPU?

Issue 20 asks for ``n_models=5`` at <= 1.8x and ``n_models=10`` at <= 2.5x the
time of one network. This measures one optimiser step (forward, backward,
Adam) at the airline shapes (batch 128, window 24, hidden 32, 12 steps, one
torch thread) three ways, for K = 1, 5 and 10:

- ``sequential``: K separate fused ``nn.LSTM`` steps (oneDNN's kernel), what
  ``n_models=K`` does today;
- ``block-diagonal``: one fused ``nn.LSTM`` of width K*H whose weights would be
  kept block-diagonal (the input is the K windows side by side): one kernel,
  but the recurrent product grows with (K*H)^2;
- ``batched matmul``: K stacked weight sets, the LSTM recursion written with
  ``torch.bmm`` over a model axis (what ``torch.func.vmap`` over a hand-written
  cell compiles to): no fused kernel.

Run from the repository root::

    python -m benchmarks.ensemble_batching

Writes ``benchmarks/results/ensemble_batching.json`` and ``.md`` with the
commit, versions and machine.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import torch

from benchmarks import _provenance

BATCH, WINDOW, HIDDEN, STEPS = 128, 24, 32, 12
RESULTS = Path(__file__).parent / "results"


def _timed(step, repeats: int = 30) -> float:
    for _ in range(5):
        step()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    times.sort()
    return times[len(times) // 2] * 1000


def sequential(k: int):
    members = [
        (torch.nn.LSTM(1, HIDDEN, batch_first=True), torch.nn.Linear(HIDDEN, STEPS))
        for _ in range(k)
    ]
    params = [
        p for lstm, head in members for p in (*lstm.parameters(), *head.parameters())
    ]
    optimizer = torch.optim.Adam(params)
    x, y = torch.randn(BATCH, WINDOW, 1), torch.randn(BATCH, STEPS)

    def step():
        for lstm, head in members:
            out, _ = lstm(x)
            loss = torch.nn.functional.mse_loss(head(out[:, -1]), y)
            loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)

    return step


def block_diagonal(k: int):
    lstm = torch.nn.LSTM(k, k * HIDDEN, batch_first=True)
    head = torch.nn.Linear(k * HIDDEN, k * STEPS)
    optimizer = torch.optim.Adam([*lstm.parameters(), *head.parameters()])
    x, y = torch.randn(BATCH, WINDOW, k), torch.randn(BATCH, k * STEPS)

    def step():
        out, _ = lstm(x)
        torch.nn.functional.mse_loss(head(out[:, -1]), y).backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)

    return step


def batched_matmul(k: int):
    w_ih = torch.nn.Parameter(torch.randn(k, 1, 4 * HIDDEN) * 0.1)
    w_hh = torch.nn.Parameter(torch.randn(k, HIDDEN, 4 * HIDDEN) * 0.1)
    bias = torch.nn.Parameter(torch.zeros(k, 1, 4 * HIDDEN))
    w_out = torch.nn.Parameter(torch.randn(k, HIDDEN, STEPS) * 0.1)
    optimizer = torch.optim.Adam([w_ih, w_hh, bias, w_out])
    x, y = torch.randn(k, BATCH, WINDOW, 1), torch.randn(k, BATCH, STEPS)

    def step():
        h = torch.zeros(k, BATCH, HIDDEN)
        c = torch.zeros(k, BATCH, HIDDEN)
        inputs = torch.bmm(x.reshape(k, BATCH * WINDOW, 1), w_ih).reshape(
            k, BATCH, WINDOW, 4 * HIDDEN
        )
        for t in range(WINDOW):
            gates = inputs[:, :, t] + torch.bmm(h, w_hh) + bias
            i, f, g, o = gates.chunk(4, dim=2)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
        torch.nn.functional.mse_loss(torch.bmm(h, w_out), y).backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)

    return step


def main() -> dict:
    torch.set_num_threads(1)
    torch.manual_seed(0)
    rows = []
    for k in (1, 5, 10):
        for name, make in (
            ("sequential", sequential),
            ("block-diagonal", block_diagonal),
            ("batched matmul", batched_matmul),
        ):
            rows.append({"K": k, "way": name, "ms_per_step": _timed(make(k))})
    one = next(
        r["ms_per_step"] for r in rows if r["K"] == 1 and r["way"] == "sequential"
    )
    for row in rows:
        row["vs_one_network"] = row["ms_per_step"] / one
    report = {"provenance": _provenance.run_metadata(), "rows": rows}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "ensemble_batching.json").write_text(json.dumps(report, indent=1))
    lines = [
        "# Training K networks at once: one optimiser step, airline shapes",
        "",
        _provenance.markdown(report["provenance"]),
        "",
        f"Batch {BATCH}, window {WINDOW}, hidden {HIDDEN}, {STEPS} steps, one "
        "torch thread; median of 30 steps after 5 warm-up steps. `vs one` is "
        "the time over one fused network's step (issue 20 asks for <= 1.8 at "
        "K = 5 and <= 2.5 at K = 10).",
        "",
        "| K | way | ms per step | vs one |",
        "|---|---|---|---|",
        *(
            f"| {r['K']} | {r['way']} | {r['ms_per_step']:.2f} | "
            f"{r['vs_one_network']:.2f} |"
            for r in rows
        ),
    ]
    text = "\n".join(lines) + "\n"
    (RESULTS / "ensemble_batching.md").write_text(text)
    print(text)
    return report


if __name__ == "__main__":
    main()
