"""Run an experiment: validate, draw the design, run batches, stream outcomes to Parquet.

Layout of the output folder::

    experiment.json        what was asked (the spec, its fingerprint, the model, the batch size)
    runs.parquet           one row per run: run, scenario, policy, seed, the varied values
    parts/part-NNNNNN.parquet   outcomes of task NNNNNN (runs [N*batch, (N+1)*batch)), written
                           to a temporary name and renamed, so a part on disk is always whole
    outcomes.parquet       every run's outcomes, once the experiment is complete

An interrupted experiment resumes where it stopped: the parts already on disk are kept and only
the missing tasks run. The spec's fingerprint guards against resuming a different experiment.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pharos import __version__
from pharos.analysis.backends import Backend, SerialBackend, Task
from pharos.analysis.designs import (
    DESIGN_VERSION,
    ExperimentDesign,
    make_design,
    run_table,
    run_values,
)
from pharos.analysis.model import ExperimentModel, ModelRef, build_model, model_factory
from pharos.analysis.spec import ExperimentSpec, ExperimentSpecError
from pharos.i18n import _

MANIFEST = "experiment.json"


@dataclass(frozen=True)
class ExperimentResult:
    """A finished experiment: the spec, its design, and one row per run with its outcomes."""

    spec: ExperimentSpec
    design: ExperimentDesign
    runs: pd.DataFrame
    outcomes: tuple[str, ...]
    folder: Path | None = None


def model_ref(spec: ExperimentSpec) -> ModelRef:
    """The picklable reference of the model ``spec`` names."""
    options = dict(spec.model_options)
    choices = {lv.name: lv.edits() for lv in spec.levers if not lv.numeric}
    if choices:
        options["choices"] = choices
    return ModelRef(spec.model, options)


def check_choices_supported(spec: ExperimentSpec, origin: str = "") -> None:
    """Levers whose options are not numbers need a model that edits a scenario."""
    where = f"{origin}: " if origin else ""
    factory = model_factory(spec.model)
    if getattr(factory, "accepts_choices", False):
        return
    problems = [
        _("%(where)sfield %(field)s: the model %(model)s only takes levers that set numbers")
        % {"where": where, "field": f"experiment.levers.{i}", "model": spec.model}
        for i, lv in enumerate(spec.levers)
        if not lv.numeric
    ]
    if problems:
        raise ExperimentSpecError("\n".join(problems))


def check_against_model(spec: ExperimentSpec, model: ExperimentModel, origin: str = "") -> None:
    """Every varied path must be a parameter of the model; every outcome one it reports."""
    known = model.parameters()
    where = f"{origin}: " if origin else ""
    problems = []
    for i, u in enumerate(spec.uncertainties):
        if u.path not in known:
            problems.append(
                _("%(where)sfield %(field)s: %(path)s is not a parameter of the model")
                % {"where": where, "field": f"experiment.uncertainties.{i}.path", "path": u.path}
            )
    for i, lv in enumerate(spec.levers):
        if lv.numeric and lv.path not in known:
            problems.append(
                _("%(where)sfield %(field)s: %(path)s is not a parameter of the model")
                % {"where": where, "field": f"experiment.levers.{i}.path", "path": lv.path}
            )
    lever_index = {lv.name: i for i, lv in enumerate(spec.levers)}
    for lever_name, bad in model.choice_errors().items():
        lever = spec.levers[lever_index[lever_name]]
        for option, why in sorted(bad.items()):
            kind = "overlays" if lever.overlays is not None else "options"
            problems.append(
                _("%(where)sfield %(field)s: %(why)s")
                % {
                    "where": where,
                    "field": f"experiment.levers.{lever_index[lever_name]}.{kind}."
                    f"{lever.labels[option]}",
                    "why": why,
                }
            )
    names = model.outcome_names()
    for i, name in enumerate(spec.outcomes):
        if name not in names:
            problems.append(
                _("%(where)sfield %(field)s: the model has no outcome %(name)s (it has: %(known)s)")
                % {
                    "where": where,
                    "field": f"experiment.outcomes.{i}",
                    "name": name,
                    "known": ", ".join(names),
                }
            )
    for label, section in (("discovery", spec.discovery), ("robustness", spec.robustness)):
        if section is not None and section.outcome not in names:
            problems.append(
                _("%(where)sfield %(field)s: the model has no outcome %(name)s (it has: %(known)s)")
                % {
                    "where": where,
                    "field": f"experiment.{label}.outcome",
                    "name": section.outcome,
                    "known": ", ".join(names),
                }
            )
    if problems:
        raise ExperimentSpecError("\n".join(problems))


def _atomic_parquet(frame: pd.DataFrame, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    frame.to_parquet(tmp, index=False)
    os.replace(tmp, path)


def _atomic_text(text: str, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def task_size(suggested: int, runs: int, workers: int) -> int:
    """Runs per task: the model's suggestion (long tasks spread the cost of sending them and
    writing their parts), but no more than gives each worker four tasks (a short experiment is
    not left to one worker)."""
    return max(1, min(suggested, -(-runs // (4 * max(1, workers)))))


def _begun_batch(folder: Path | None, spec: ExperimentSpec) -> int | None:
    """The task size ``folder`` recorded when this experiment began there (None: none begun)."""
    path = folder / MANIFEST if folder is not None else None
    if path is None or not path.exists():
        return None
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # _prepare_folder says what is wrong with it
    if old.get("fingerprint") != spec.fingerprint():
        return None
    size = old.get("batch_size")
    return size if isinstance(size, int) and size > 0 else None


def _prepare_folder(folder: Path, manifest: dict[str, object]) -> dict[str, object] | None:
    """Check that ``folder`` holds this experiment or nothing; returns its manifest if any."""
    existing = folder / MANIFEST
    if existing.exists():
        old: dict[str, object] = json.loads(existing.read_text(encoding="utf-8"))
        if (
            old.get("fingerprint") != manifest["fingerprint"]
            or old.get("batch_size") != manifest["batch_size"]
        ):
            raise ExperimentSpecError(
                _(
                    "%(folder)s holds the results of a different experiment; "
                    "choose another output folder or delete it"
                )
                % {"folder": folder}
            )
        return old
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise ExperimentSpecError(
            _("%(folder)s is not empty and holds no experiment; choose another output folder")
            % {"folder": folder}
        )
    _atomic_text(json.dumps(manifest, indent=2, sort_keys=True), existing)
    return None


def run_experiment(
    spec: ExperimentSpec,
    *,
    folder: Path | None = None,
    backend: Backend | None = None,
    progress: Callable[[int, int], None] | None = None,
    origin: str = "",
) -> ExperimentResult:
    """Run every run of ``spec`` (resuming from ``folder`` if it holds part of it).

    ``progress(done, total)`` is called with run counts as tasks finish. Without a folder the
    outcomes are kept in memory only.
    """
    check_choices_supported(spec, origin)
    ref = model_ref(spec)
    model = build_model(ref)
    check_against_model(spec, model, origin)
    design = make_design(spec)
    table = run_table(spec, design)
    n = len(table)
    # an interrupted experiment is finished in the tasks it was begun in (the parts on disk are
    # numbered by task), even where the model now suggests another size
    batch = (
        spec.batch_size
        or _begun_batch(folder, spec)
        or task_size(model.suggested_batch_size, n, backend.workers if backend else 1)
    )
    n_tasks = (n + batch - 1) // batch
    outcomes = spec.outcomes or model.outcome_names()
    backend = backend or SerialBackend()

    parts: dict[int, pd.DataFrame] = {}
    part_dir: Path | None = None
    if folder is not None:
        manifest: dict[str, object] = {
            "fingerprint": spec.fingerprint(),
            "spec": spec.model_dump(mode="json"),
            "batch_size": batch,
            "runs": n,
            "pharos": __version__,
            "draws": model.draws,
            "design": DESIGN_VERSION,
        }
        old = _prepare_folder(folder, manifest)
        final = folder / "outcomes.parquet"
        if old is not None and int(str(old.get("design", 1))) != DESIGN_VERSION:
            if final.exists():  # finished under the earlier design: read it as it was run
                if progress:
                    progress(int(str(old["runs"])), int(str(old["runs"])))
                return load_experiment_result(folder)
            # finishing it would mix seeds drawn two ways, and the designs differ in size
            raise ExperimentSpecError(
                _(
                    "%(folder)s holds part of this experiment, run before common random "
                    "numbers and the dummy factor; it cannot be finished with this version: "
                    "choose another output folder or delete it"
                )
                % {"folder": folder}
            )
        if final.exists():
            frame = pd.read_parquet(final)
            if len(frame) == n:
                if progress:
                    progress(n, n)
                return _result(spec, design, table, frame, outcomes, folder)
        if not (folder / "runs.parquet").exists():
            _atomic_parquet(table, folder / "runs.parquet")
        part_dir = folder / "parts"
        part_dir.mkdir(exist_ok=True)
        found = sorted(part_dir.glob("part-*.parquet"))
        if found and old is not None and old.get("draws", "1") != model.draws:
            # finishing it would mix runs drawn two ways: each valid, the whole not reproducible
            raise ExperimentSpecError(
                _(
                    "%(folder)s holds part of this experiment, run with an earlier version of "
                    "the model's random draws; it cannot be finished with this version: choose "
                    "another output folder or delete it"
                )
                % {"folder": folder}
            )
        for path in found:
            parts[int(path.stem.split("-")[1])] = pd.read_parquet(path)

    def tasks() -> Iterator[Task]:
        for k in range(n_tasks):
            if k in parts:
                continue
            rows = table.iloc[k * batch : (k + 1) * batch]
            yield Task(
                k, run_values(spec, rows), rows["seed"].to_numpy(np.uint64), spec.replications
            )

    done = sum(len(p) for p in parts.values())
    if progress:
        progress(done, n)
    for task_id, result in backend.run(ref, tasks()):
        start = task_id * batch
        stop = min(start + batch, n)
        frame = pd.DataFrame({"run": np.arange(start, stop)})
        for name in model.outcome_names():
            frame[name] = result[name]
        parts[task_id] = frame
        if part_dir is not None:
            _atomic_parquet(frame, part_dir / f"part-{task_id:06d}.parquet")
        done += len(frame)
        if progress:
            progress(done, n)

    frame = pd.concat([parts[k] for k in sorted(parts)], ignore_index=True)
    if folder is not None:
        _atomic_parquet(frame, folder / "outcomes.parquet")
        if part_dir is not None:
            shutil.rmtree(part_dir)
    return _result(spec, design, table, frame, outcomes, folder)


def _result(
    spec: ExperimentSpec,
    design: ExperimentDesign,
    table: pd.DataFrame,
    frame: pd.DataFrame,
    outcomes: tuple[str, ...],
    folder: Path | None,
) -> ExperimentResult:
    runs = table.merge(frame, on="run", how="left", validate="one_to_one")
    return ExperimentResult(spec, design, runs, tuple(outcomes), folder)


def load_experiment_result(folder: Path) -> ExperimentResult:
    """Read a finished experiment back from its output folder."""
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    version = int(manifest.get("design", 1))
    data = dict(manifest["spec"])
    if version < 2:
        # run before common random numbers across design points: one seed per design point
        data["common_random_numbers"] = False
    spec = ExperimentSpec.model_validate(data)
    design = make_design(spec, version)
    table = run_table(spec, design)
    frame = pd.read_parquet(folder / "outcomes.parquet")
    names = [c for c in frame.columns if c != "run"]
    return _result(spec, design, table, frame, tuple(spec.outcomes or names), folder)
