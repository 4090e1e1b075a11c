"""Fits in threads give the bits of sequential fits and touch nothing global."""

import threading
import warnings

import numpy as np
import pytest
import torch
from sktime.datasets import load_airline

from sktime_rnn import GRUForecaster, LSTMForecaster

# dropout and a shuffled, multi-batch epoch: every kind of random draw a fit makes
PARAMS = {
    "window_length": 12,
    "hidden_size": 8,
    "num_layers": 2,
    "dropout": 0.3,
    "batch_size": 32,
    "max_epochs": 3,
}


def _forecast(cls, seed, num_threads=None, results=None, key=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        forecaster = cls(**PARAMS, random_state=seed, num_threads=num_threads)
        forecast = forecaster.fit(load_airline(), fh=[1, 2, 3]).predict().to_numpy()
    if results is not None:
        results[key] = forecast
    return forecast


def _in_threads(jobs):
    results = {}
    threads = [
        threading.Thread(target=_forecast, args=(*job, results, key))
        for key, job in enumerate(jobs)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [results[key] for key in range(len(jobs))]


@pytest.mark.parametrize("num_threads", [None, 1])
def test_fits_in_two_threads_give_the_bits_of_sequential_fits(num_threads):
    jobs = [(LSTMForecaster, 0, num_threads), (GRUForecaster, 1, num_threads)]
    sequential = [_forecast(*job) for job in jobs]
    for _ in range(2):
        for together, alone in zip(_in_threads(jobs), sequential, strict=True):
            assert np.array_equal(together, alone)


def test_fits_asking_for_different_thread_counts_do_not_mix_them():
    jobs = [(LSTMForecaster, 0, 1), (LSTMForecaster, 0, 2), (GRUForecaster, 1, 1)]
    threads = torch.get_num_threads()
    sequential = [_forecast(*job) for job in jobs]
    for _ in range(2):
        together = _in_threads(jobs)
        for a, b in zip(together, sequential, strict=True):
            assert np.array_equal(a, b)
        assert torch.get_num_threads() == threads


def test_fits_in_threads_leave_the_callers_random_state_alone():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    _in_threads([(LSTMForecaster, 0, None), (GRUForecaster, 1, 1)] * 2)
    assert torch.equal(torch.rand(3), expected)


def test_a_fit_leaves_the_callers_random_state_and_thread_count_alone():
    torch.manual_seed(123)
    expected = torch.rand(3)  # what the caller's next draw would be
    torch.manual_seed(123)
    threads = torch.get_num_threads()
    _forecast(LSTMForecaster, 0, num_threads=1)
    _forecast(LSTMForecaster, None, num_threads=None)
    assert torch.equal(torch.rand(3), expected)
    assert torch.get_num_threads() == threads


def test_a_seeded_fit_does_not_depend_on_the_callers_random_state():
    torch.manual_seed(1)
    first = _forecast(LSTMForecaster, 0)
    torch.manual_seed(2)
    assert np.array_equal(_forecast(LSTMForecaster, 0), first)
