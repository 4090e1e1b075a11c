"""What the benchmark scripts share: fresh-process runs and peak memory."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path


def in_fresh_process(script: str, *args, python: str = sys.executable) -> dict:
    """Run ``python script *args`` and return the JSON object it prints last.

    A fresh process gives each measurement its own peak memory and its own
    imports; ``python`` may be another environment's interpreter (the peers').
    """
    result = subprocess.run(
        [python, script, *map(str, args)], capture_output=True, text=True
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"{Path(script).name} {' '.join(map(str, args))} failed "
            f"(exit {result.returncode}):\n{result.stderr[-3000:]}"
        )
    return json.loads(result.stdout.strip().splitlines()[-1])


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
