"""``python -m sktime_rnn.cli``: the same as the ``sktime-rnn`` command."""

import sys

from sktime_rnn.cli import main

sys.exit(main())
