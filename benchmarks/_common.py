"""What the benchmark scripts share: fresh-process runs, the peers, peak memory."""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PEERS_VENV = Path(
    os.environ.get("SKTIME_RNN_PEERS_VENV")
    or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    / "sktime-rnn"
    / "peers-venv"
)


def in_fresh_process(module: str, *args, python: str = sys.executable) -> dict:
    """Run ``python -m module *args`` and return the JSON object it prints last.

    A fresh process gives each measurement its own peak memory and its own
    imports; ``python`` may be another environment's interpreter (the peers').
    It runs from the repository root, so it imports this checkout's
    ``benchmarks`` and ``sktime_rnn`` whatever that environment has installed.
    """
    result = subprocess.run(
        [python, "-m", module, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"{module} {' '.join(map(str, args))} failed "
            f"(exit {result.returncode}):\n{result.stderr[-3000:]}"
        )
    return json.loads(result.stdout.strip().splitlines()[-1])


def add_peers_arguments(parser: argparse.ArgumentParser) -> None:
    """``--peers`` (the environment of make_peers_env.sh) and ``--peers-python``."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--peers",
        action="store_true",
        help="also run Darts and neuralforecast, in the environment that "
        f"benchmarks/make_peers_env.sh builds ({PEERS_VENV}; built if missing)",
    )
    group.add_argument(
        "--peers-python",
        help="also run the peers, under this Python (one with darts and "
        "neuralforecast installed)",
    )


def peers_python(args: argparse.Namespace) -> str | None:
    """The peers' interpreter the arguments ask for; None without peers."""
    if args.peers_python:
        return args.peers_python
    if not args.peers:
        return None
    python = PEERS_VENV / "bin" / "python"
    check = [str(python), "-c", "import darts, neuralforecast"]
    if not python.exists() or subprocess.run(check, capture_output=True).returncode:
        print(f"building the peers' environment in {PEERS_VENV}", flush=True)
        subprocess.run(
            ["bash", str(REPO / "benchmarks" / "make_peers_env.sh"), str(PEERS_VENV)],
            check=True,
            env={**os.environ, "PYTHON": sys.executable},
        )
    return str(python)


def reset_peak_memory() -> bool:
    """Reset this process's peak resident memory (Linux); False where it cannot.

    Writing 5 to ``/proc/self/clear_refs`` resets ``VmHWM``, so that the peak
    read afterwards belongs to what runs after the reset, not to set-up such as
    generating the benchmark's data.
    """
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_memory_mib() -> float:
    """Peak resident memory of this process (since the last reset on Linux), MiB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def auto_window_length(n, horizon, sp=1, k=0.5, floor=12, cap=0.5):
    """Window length from the season length, capped by the data.

    ``max(k * sp, floor)``, but at most ``cap * (n - horizon)`` so that at least
    that share of the series starts a training window (and never below 1).

    Examples
    --------
    >>> auto_window_length(96, 12, sp=12)
    12
    >>> auto_window_length(193, 24, sp=48)
    24
    >>> auto_window_length(18, 6, sp=1)
    6
    """
    wanted = max(int(round(k * sp)), int(floor))
    limit = max(1, int(cap * (n - horizon)))
    return int(max(1, min(wanted, limit)))
