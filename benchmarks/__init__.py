"""Benchmarks of sktime_rnn, run by hand from the repository root (README.md here).

A package so that the scripts import each other as ``benchmarks.*``: run them
with ``python -m benchmarks.performance`` and so on. Not part of the
distribution.
"""
