"""The accuracy development suite: ``python -m benchmarks.accuracy.suite``."""
