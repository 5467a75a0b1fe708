"""The batched fast path: many replications of the regional model's core, compiled with numba.

The reference engine (:mod:`pharos.sim.engine`) is a Python event loop with a decision point
at every step, made to be read, audited and played by people. For thousands of what-if runs the
same model is re-expressed here as arrays and one compiled loop per replication:

- the victims of every network template are derived from the engine's rows of uniforms
  exactly as :func:`pharos.sim.victims.draw_cohort` does (recruitment method, interception by
  online monitoring, travel, competing detection clocks per channel, screening at
  disembarkation), or on the fast path's own streams from the same distributions
  (:func:`.own.derive_own`);
- one event loop (a calendar queue on arrays) runs identification by the competent body (finite
  officers, FIFO), referral to shelter (finite beds, FIFO waiting list), loss while waiting,
  protection and exit with return after a risk assessment, the victim's cooperation,
  investigations (finite investigators, proactive and victim-led; across borders a police
  request for intelligence, then a judicial request for evidence through the central
  authority's queue for MLA, each by the standard operating procedure's choice of instrument),
  charging on admissible evidence (a case short of it waits for the judicial reply), disruption
  of the group with rescue of its victims and suppression of its recruits until replacement,
  and verdicts (decided at charging: they change no other event).

Only the standard operating procedures are modelled (a run played by people uses the engine).

**Checked against the engine.** Given the engine's own uniforms (:func:`inputs_from_engine`),
the fast path reproduces the engine's per-victim outcomes whenever justice does not intervene
(no investigation opened), to floating-point rounding. The justice process draws its random
numbers from a counter-based generator (SplitMix64) rather than NumPy's named streams, because
NumPy's exponential and Poisson samplers are not reproducible inside compiled code; with justice
on, the two therefore agree in distribution, not draw by draw (tests in
``tests/unit/analysis/test_batch.py`` state the tolerances).

**On its own streams** (:func:`draw_inputs`, what experiments run) the fast path also draws
differently, in ways exact in distribution: exponentials by the ziggurat
(:func:`.rng.exponential`) instead of the logarithm of a uniform, and the first recognised
contact as one exponential clock at the channels' summed rate and a channel chosen in proportion
to its rate, instead of one clock per channel. A test compares its mean outcomes with the
engine's over replications, within stated tolerances.

The package: :mod:`.world` (the scenario as arrays), :mod:`.inputs` (random inputs),
:mod:`.rng` (the compiled decorator, counter-based streams, the ziggurat), :mod:`.cohort` and
:mod:`.own` (the victims, on the engine's draws and on the fast path's own), :mod:`.queue` (the
event queue), :mod:`.kernel` (the event loop), :mod:`.justice` (investigations and disruption),
:mod:`.mem` (software prefetch), :mod:`.result` (running replications, with a
:class:`Workspace` for the records' memory). The event loop and the victims' set-up allocate
nothing and are compiled without numba's reference counting (:func:`.rng.bare`).

numba's on-disk cache (``cache=True``) is keyed on the source file of each compiled function
only: a change to a compiled helper in another module of this package does not invalidate the
cached kernels that call it. The test suite therefore compiles into a cache directory keyed by
the contents of every module of :mod:`pharos.sim` (``tests/conftest.py``); when changing them
by hand, delete this package's ``__pycache__/*.nbi`` and ``*.nbc`` files (or set
``NUMBA_CACHE_DIR``).
"""

from __future__ import annotations

from pharos.sim.batch.inputs import (
    ReplicationInputs,
    draw_inputs,
    inputs_from_engine,
    screening_coverage,
)  # fmt: skip
from pharos.sim.batch.kernel import run_kernel
from pharos.sim.batch.layout import JUSTICE, OUT_BOOL, OUT_FLOAT, OUT_INT
from pharos.sim.batch.result import BatchResult, Workspace, run_batch, run_inputs
from pharos.sim.batch.world import CompiledWorld, compile_world

__all__ = [
    "JUSTICE",
    "OUT_BOOL",
    "OUT_FLOAT",
    "OUT_INT",
    "BatchResult",
    "CompiledWorld",
    "ReplicationInputs",
    "Workspace",
    "compile_world",
    "draw_inputs",
    "inputs_from_engine",
    "run_batch",
    "run_inputs",
    "run_kernel",
    "screening_coverage",
]
