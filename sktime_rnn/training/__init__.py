"""Training: windows over series, the training loop and its diagnostics."""

from sktime_rnn.training.diagnostics import (
    GradientWarning,
    TrainingHistory,
    gradient_flow_profile,
)
from sktime_rnn.training.trainer import Trainer, TrainingDivergedError
from sktime_rnn.training.windows import SlidingWindows

__all__ = [
    "GradientWarning",
    "SlidingWindows",
    "Trainer",
    "TrainingDivergedError",
    "TrainingHistory",
    "gradient_flow_profile",
]
