"""Where and how torch runs: device, private random generators and threads.

A fit draws every random number from its own ``torch.Generator``, so fits in
several threads of one process give the same bits as one after the other, and
the caller's global torch random state is never read or changed. Two things
in torch are process-wide and cannot be made private: the intra-op thread
count, and the global generator that module constructors draw their default
initialisation from. Both are guarded here by process-wide locks.
"""

from __future__ import annotations

__all__ = [
    "available_devices",
    "draw_seed",
    "global_rng_from",
    "make_generator",
    "resolve_device",
    "thread_count",
]

import contextlib
import threading

import numpy as np
import torch
from sklearn.utils import check_random_state


def available_devices() -> list[str]:
    """The device names this machine's torch can use, e.g. ``["cpu", "cuda:0"]``.

    Examples
    --------
    >>> "cpu" in available_devices()
    True
    """
    names = ["cpu"]
    if torch.cuda.is_available():
        names += [f"cuda:{n}" for n in range(torch.cuda.device_count())]
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        names.append("mps")
    return names


def resolve_device(device: str) -> torch.device:
    """Turn ``"auto"``, ``"cpu"``, ``"cuda"``, ``"cuda:N"`` or ``"mps"`` into a device.

    Raises
    ------
    ValueError
        Naming the devices available, for a name torch does not know or a
        device this machine does not have.

    Examples
    --------
    >>> resolve_device("cpu")
    device(type='cpu')
    >>> resolve_device("tpu9")
    Traceback (most recent call last):
    ...
    ValueError: device must be 'auto' or one of ['cpu'...], got 'tpu9'
    """
    available = available_devices()
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    refusal = ValueError(f"device must be 'auto' or one of {available}, got {device!r}")
    if not isinstance(device, str) or device.strip() != device or not device:
        raise refusal
    try:
        resolved = torch.device(device)
    except (RuntimeError, ValueError):
        raise refusal from None
    if resolved.type == "cuda" and torch.cuda.is_available():
        index = 0 if resolved.index is None else resolved.index
        if index < torch.cuda.device_count():
            return resolved
    if resolved.type == "cpu" and resolved.index in (None, 0) and device.islower():
        return torch.device("cpu")
    if resolved.type == "mps" and "mps" in available and resolved.index in (None, 0):
        return resolved
    raise refusal


def draw_seed(random_state) -> int | None:
    """Draw a torch seed from an sklearn-style ``random_state``; None stays None."""
    if random_state is None:
        return None
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


def make_generator(seed: int | None, device: torch.device) -> torch.Generator:
    """A private generator on ``device``, seeded by ``seed`` (fresh entropy if None).

    Examples
    --------
    >>> a = torch.rand(2, generator=make_generator(0, torch.device("cpu")))
    >>> b = torch.rand(2, generator=make_generator(0, torch.device("cpu")))
    >>> bool((a == b).all())
    True
    """
    generator = torch.Generator(device=device)
    if seed is None:
        generator.seed()
    else:
        generator.manual_seed(seed)
    return generator


_GLOBAL_RNG_LOCK = threading.RLock()


@contextlib.contextmanager
def global_rng_from(generator: torch.Generator):
    """Let code that draws from torch's global generator draw from ``generator``.

    Module constructors (``nn.LSTM``, ``nn.Linear``, a plugin's cell) draw their
    default initialisation from torch's global generator. Inside this block the
    global CPU generator is seeded from ``generator`` and restored afterwards,
    and blocks of other threads wait, so the draws are reproducible and the
    caller's random state is left as it was. Keep such blocks short.

    Examples
    --------
    >>> before = torch.random.get_rng_state()
    >>> with global_rng_from(make_generator(0, torch.device("cpu"))):
    ...     a = torch.nn.Linear(2, 1).weight.detach().clone()
    >>> with global_rng_from(make_generator(0, torch.device("cpu"))):
    ...     b = torch.nn.Linear(2, 1).weight.detach().clone()
    >>> bool((a == b).all()), bool((torch.random.get_rng_state() == before).all())
    (True, True)
    """
    seed = int(
        torch.randint(2**62, (1,), generator=generator, device=generator.device).item()
    )
    with _GLOBAL_RNG_LOCK, torch.random.fork_rng(devices=[]):
        torch.random.default_generator.manual_seed(seed)
        yield


class _ThreadCount:
    """Share torch's process-wide intra-op thread count between threads.

    Blocks that ask for the same count run concurrently; a block that asks for
    another waits until the running ones are done. The count the process had
    before the first block is restored when the last one ends.
    """

    def __init__(self):
        self._condition = threading.Condition()
        self._active = 0
        self._count: int | None = None
        self._original: int | None = None

    @contextlib.contextmanager
    def __call__(self, num_threads: int | None):
        if num_threads is None:
            yield
            return
        with self._condition:
            while self._active and self._count != num_threads:
                self._condition.wait()
            if not self._active:
                self._original = torch.get_num_threads()
                self._count = num_threads
                if self._original != num_threads:
                    torch.set_num_threads(num_threads)
            self._active += 1
        try:
            yield
        finally:
            with self._condition:
                self._active -= 1
                if not self._active:
                    if torch.get_num_threads() != self._original:
                        torch.set_num_threads(self._original)
                    self._condition.notify_all()


thread_count = _ThreadCount()
"""``with thread_count(n):`` runs a block with ``n`` torch threads (None: as is).

Examples
--------
>>> before = torch.get_num_threads()
>>> with thread_count(1):
...     inside = torch.get_num_threads()
>>> inside, torch.get_num_threads() == before
(1, True)
"""
