"""What a user chooses for an estimate of the hidden figure, with the defaults.

Kept apart from the model fitting (NumPy, numba, SciPy, statsmodels) so that the command line and
the pages can offer these choices without loading it (docs/architecture.md, "A fast command
line"). Why the threshold method is the default: :mod:`pharos.estimate.threshold` and
docs/hidden-figure.md.
"""

from __future__ import annotations

from enum import StrEnum


class Criterion(StrEnum):
    """How the model is chosen: the default p-value threshold, or an information criterion."""

    THRESHOLD = "threshold"
    AIC = "aic"
    BIC = "bic"


#: Models whose criterion is within DELTA of the best are "reasonable" alternatives.
DELTA = 2.0
#: Level of the confidence interval (share).
DEFAULT_LEVEL = 0.95
#: Replications of the bootstrap by default: the 2.5% and 97.5% quantiles then rest on 25
#: replications each, enough for a stable interval (Davison & Hinkley 1997, Section 5.2.3).
DEFAULT_REPLICATIONS = 999
#: Seed of the bootstrap's generator: the same table gives the same interval on any machine.
DEFAULT_SEED = 20210
