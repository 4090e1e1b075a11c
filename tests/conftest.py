"""Test-session settings: one torch thread, as on a busy 2-core CI machine."""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import torch  # noqa: E402

torch.set_num_threads(1)
