"""What a user chooses for an experiment on the command line: the designs Pharos can draw.

Kept apart from the experiment's schema (:mod:`pharos.analysis.spec`, Pydantic models built at
import) so that the command line can offer the choice without building them
(docs/architecture.md, "A fast command line").
"""

from __future__ import annotations

from enum import StrEnum


class Design(StrEnum):
    """The experiment designs Pharos can draw."""

    FULL_FACTORIAL = "full_factorial"
    LATIN_HYPERCUBE = "latin_hypercube"
    SOBOL = "sobol"
    MORRIS = "morris"
