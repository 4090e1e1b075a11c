"""Test-session settings: one torch thread, as on a busy 2-core CI machine."""

import os
import warnings

import pytest

os.environ.setdefault("OMP_NUM_THREADS", "1")

import torch  # noqa: E402

torch.set_num_threads(1)


@pytest.fixture
def quiet():
    """Ignore warnings: for modules whose tests are not about them."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield
