"""Where a benchmark's numbers come from: the commit, the versions, the machine.

Every results file records ``run_metadata()``::

    from benchmarks._provenance import run_metadata

    result = {"provenance": run_metadata(), ...}

``python -m benchmarks._provenance`` prints it (``--versions``: the versions
only, which is how the peers' environment reports its own). Files written
before this module existed carry ``BEFORE_PROVENANCE`` instead: their commit,
versions and machine are unknown, and nothing is made up for them.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# what the benchmarks write: a rerun over uncommitted results is not "dirty"
OUTPUTS = (
    "benchmarks/results",
    "benchmarks/accuracy/results",
    "benchmarks/accuracy/RESULTS.md",
    "benchmarks/research/EXPERIMENTS.md",
)
PACKAGES = ("torch", "sktime", "numpy", "pandas", "scikit-learn")
PEER_PACKAGES = ("darts", "neuralforecast", "lightning", "pytorch-lightning")
BEFORE_PROVENANCE = {
    "recorded_before_provenance_was_kept": True,
    "note": "the commit and versions of this run were not recorded; only what "
    "the rest of this file says is known",
}


def _git(*args: str, cwd: Path) -> str | None:
    try:
        result = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    # not strip(): a porcelain status line may start with a space
    return result.stdout.rstrip() if result.returncode == 0 else None


def package_root() -> Path | None:
    """The directory that holds the ``sktime_rnn`` this Python imports."""
    spec = importlib.util.find_spec("sktime_rnn")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).resolve().parents[1]


def source() -> dict:
    """Commit of the checkout ``sktime_rnn`` is imported from, and its changes.

    ``dirty``: whether any path has uncommitted changes or is untracked, the
    benchmarks' own outputs left out (``changed_paths``: the first 20);
    ``commit`` is None when the package does not come from a git checkout (an
    installed copy, then ``package_dir`` says where it is).
    """
    root = package_root()
    top = _git("rev-parse", "--show-toplevel", cwd=root) if root else None
    if top is None:
        return {"commit": None, "dirty": None, "package_dir": str(root)}
    excluded = [f":(exclude){path}" for path in OUTPUTS]
    status = _git("status", "--porcelain", "--", ".", *excluded, cwd=Path(top))
    changed = [line[3:] for line in (status or "").splitlines()]
    return {
        "commit": _git("rev-parse", "HEAD", cwd=Path(top)),
        "dirty": bool(changed),
        "changed_paths": changed[:20],
        "n_changed_paths": len(changed),
    }


def content_hash(*paths: str) -> str | None:
    """SHA-256 (12 hex digits) of the files under ``paths`` of the package's checkout.

    Tracked and untracked files alike (not the ignored ones), so the hash is
    the code as it is on disk, committed or not: the key under which cached
    results stay valid.
    """
    root = package_root()
    if root is None:
        return None
    listing = _git("ls-files", "-co", "--exclude-standard", "--", *paths, cwd=root)
    if listing is None:  # not a git checkout
        return None
    digest = hashlib.sha256()
    for name in sorted(listing.splitlines()):
        path = root / name
        if path.is_file():
            digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def _version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def versions() -> dict:
    """Python, sktime_rnn and the libraries the numbers rest on; peers if installed."""
    import sktime_rnn

    out = {"python": platform.python_version(), "sktime_rnn": sktime_rnn.__version__}
    out.update({name: _version(name) for name in PACKAGES})
    out.update({name: v for name in PEER_PACKAGES if (v := _version(name))})
    return out


def peer_versions(python: str) -> dict:
    """``versions()`` as seen by another interpreter (the peers' environment)."""
    result = subprocess.run(
        [python, "-m", "benchmarks._provenance", "--versions"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{python} could not report its versions:\n{result.stderr}")
    return {"python_executable": python, **json.loads(result.stdout)}


def machine() -> dict:
    """Platform, processor and cores (all, and those this process may use)."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count()
    out = {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": _cpu_model() or platform.processor(),
        "cpu_count": os.cpu_count(),
        "usable_cpus": usable,
    }
    if "torch" in sys.modules:  # the GPU only where the benchmark itself has torch
        torch = sys.modules["torch"]
        if torch.cuda.is_available():
            out["gpu"] = torch.cuda.get_device_name()
    return out


def _cpu_model() -> str | None:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def run_metadata(peers_python: str | None = None) -> dict:
    """Date, command, source (commit, dirty), versions and machine of this run.

    ``peers_python``: the interpreter the peers ran under; its versions are
    recorded as ``peers_versions``.
    """
    meta = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "command": " ".join(["python", *_command()]),
        "source": source(),
        "versions": versions(),
        "machine": machine(),
    }
    if peers_python:
        meta["peers_versions"] = peer_versions(peers_python)
    return meta


def _command() -> list[str]:
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    if spec is not None and spec.name:  # run as python -m
        return ["-m", spec.name.removesuffix(".__main__"), *sys.argv[1:]]
    return sys.argv


def markdown(meta: dict | None, label: str = "Provenance") -> str:
    """One paragraph for a Markdown report: ``label``, commit, versions, machine."""
    if not meta or meta.get("recorded_before_provenance_was_kept"):
        return (
            "Recorded before provenance was kept: the commit and the versions of "
            "this run are unknown; only what this file says is known."
        )
    src, ver, mac = meta["source"], meta["versions"], meta["machine"]
    if src.get("commit"):
        commit = f"commit `{src['commit'][:12]}`"
        if src["dirty"]:
            commit += f" with {src['n_changed_paths']} uncommitted change(s)"
    else:
        commit = f"no git checkout ({src.get('package_dir')})"
    libs = ", ".join(f"{name} {ver[name]}" for name in ver if ver[name])
    text = (
        f"{label}: `{meta['command']}` on {meta['date']}, {commit}; {libs}; "
        f"{mac['platform']}, {mac['processor']}, {mac['cpu_count']} CPUs "
        f"({mac['usable_cpus']} usable)"
        + (f", {mac['gpu']}" if mac.get("gpu") else "")
        + "."
    )
    peers = meta.get("peers_versions")
    if peers:
        shown = ", ".join(
            f"{k} {v}" for k, v in peers.items() if k != "python_executable" and v
        )
        text += f" Peers' environment ({peers['python_executable']}): {shown}."
    return text


if __name__ == "__main__":
    if sys.argv[1:] == ["--versions"]:
        print(json.dumps(versions()))
    else:
        print(json.dumps(run_metadata(), indent=2))
