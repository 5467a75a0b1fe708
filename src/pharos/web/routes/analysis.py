"""The analysis pages: experiments run with ``pharos experiment --out <data dir>/experiments/NAME``
listed and shown (design, resume state, sensitivity, PRIM box, regret) and their offline report.

Only folders directly inside ``<data dir>/experiments`` are ever read: an experiment's name must
be a plain folder name (no path separator, no ``..``), checked before any file is touched.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse, Response

from pharos.analysis.report import Analysis, analyse
from pharos.analysis.runner import MANIFEST, load_experiment_result
from pharos.analysis.spec import ExperimentSpec, parse_experiment
from pharos.coordinate.permissions import Principal, allowed, require
from pharos.i18n import format_list, gettext, lazy_gettext
from pharos.sim.report import GROUP_LABELS
from pharos.sim.summary import EQUAL_FALSE_ALARM
from pharos.store.uow import UnitOfWork
from pharos.web import nav, simulations
from pharos.web.deps import signed_in, uow
from pharos.web.templating import render

router = APIRouter()
nav.add(nav.NavEntry(lazy_gettext("Experiments"), "/analysis", "analysis", "read", order=75))

#: A valid experiment name: a plain folder name, never a path.
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")

#: The offline report embeds plotly.js and its figures as inline scripts. It is served in a
#: sandbox (an opaque origin: no cookies, no same-origin requests) with nothing loaded from
#: elsewhere.
REPORT_CSP = (
    "sandbox allow-scripts; default-src 'none'; script-src 'unsafe-inline'; "
    "style-src 'unsafe-inline'; img-src data: blob:; font-src data:; frame-ancestors 'none'"
)


@dataclass(frozen=True)
class ExperimentFolder:
    """One experiment found in the experiments folder and how far it has run."""

    name: str
    folder: Path
    spec: ExperimentSpec
    planned: int  # runs
    done: int  # runs with outcomes on disk
    has_report: bool

    @property
    def complete(self) -> bool:
        return self.done >= self.planned


def experiments_dir(request: Request) -> Path:
    """``<data dir>/experiments``, where the pages look for experiments."""
    return Path(request.app.state.settings.data_dir) / "experiments"


def _rows(path: Path) -> int:
    return int(pq.read_metadata(path).num_rows)


def read_folder(folder: Path) -> ExperimentFolder | None:
    """The experiment in ``folder``, or None if it holds none (or an unreadable manifest)."""
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        return None
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        spec = parse_experiment(manifest["spec"], origin=str(manifest_path))
        planned = int(manifest["runs"])
    except (ValueError, KeyError, TypeError):
        return None
    final = folder / "outcomes.parquet"
    if final.is_file():
        done = _rows(final)
    else:
        done = sum(_rows(p) for p in sorted((folder / "parts").glob("part-*.parquet")))
    return ExperimentFolder(
        folder.name, folder, spec, planned, done, (folder / "report.html").is_file()
    )


def list_experiments(root: Path) -> list[ExperimentFolder]:
    """Every experiment directly inside ``root``, by name."""
    if not root.is_dir():
        return []
    found = (read_folder(p) for p in sorted(root.iterdir()) if p.is_dir() and NAME.match(p.name))
    return [e for e in found if e is not None]


def find_experiment(root: Path, name: str) -> ExperimentFolder:
    """The experiment called ``name`` inside ``root``; 404 for any other name or path."""
    if not NAME.match(name) or name in {".", ".."}:
        raise HTTPException(status_code=404)
    folder = root / name
    try:
        inside = folder.resolve().parent == root.resolve()
    except OSError:
        inside = False
    found = read_folder(folder) if inside and folder.is_dir() else None
    if found is None:
        raise HTTPException(status_code=404)
    return found


@lru_cache(maxsize=8)
def _analysis(folder: str, stamp: float) -> Analysis:
    """The analysis of a complete experiment, cached while its outcomes file is unchanged."""
    return analyse(load_experiment_result(Path(folder)))


def list_page(
    request: Request,
    p: Principal,
    work: UnitOfWork,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    """The experiments in ``<data dir>/experiments``, the simulation runs started here and, for
    those who may, the form that starts one (with ``errors`` by field after a refused start)."""
    require(p, "analysis", "read")
    root = experiments_dir(request)
    runs = []
    if allowed(p, "simulation", "read"):
        request.app.state.simulations.sweep()  # runs whose process died are said so
        runs = simulations.list_runs(work.session, p)
    may_run = allowed(p, "simulation", "create")
    offered = simulations.choices() if may_run else None
    return render(
        request,
        "analysis/list.html",
        {
            "experiments": list_experiments(root),
            "root": root,
            "runs": runs,
            "may_run": may_run,
            "offered": offered,
            "scenario_options": [(s, s) for s in offered.scenarios] if offered else [],
            "form": form or {},
            "errors": errors or {},
            "max_runs": simulations.MAX_RUNS,
            "max_seed": simulations.MAX_SEED,
        },
        status=status,
    )


@router.get("/analysis", include_in_schema=False)
def experiments(
    request: Request, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> Response:
    """The experiments in ``<data dir>/experiments`` and the simulation runs."""
    return list_page(request, p, work)


@router.get("/analysis/{name}", include_in_schema=False)
def experiment(request: Request, name: str, p: Principal = Depends(signed_in)) -> Response:
    """One experiment: its design, how far it has run and, once complete, its analyses."""
    require(p, "analysis", "read")
    found = find_experiment(experiments_dir(request), name)
    context: dict[str, Any] = {"e": found, "spec": found.spec, "analysis": None}
    if found.complete:
        final = found.folder / "outcomes.parquet"
        context["analysis"] = _analysis(str(found.folder.resolve()), final.stat().st_mtime)
        context["equal_false_alarm"] = EQUAL_FALSE_ALARM
        context["group_list"] = lambda groups: format_list(
            gettext(GROUP_LABELS.get(g) or g) for g in groups
        )
    return render(request, "analysis/experiment.html", context)


@router.get("/analysis/{name}/report.html", include_in_schema=False)
def report(request: Request, name: str, p: Principal = Depends(signed_in)) -> Response:
    """The experiment's offline HTML report, as ``pharos experiment`` wrote it."""
    require(p, "analysis", "read")
    found = find_experiment(experiments_dir(request), name)
    path = found.folder / "report.html"
    if not path.is_file():
        raise HTTPException(status_code=404)
    return FileResponse(
        path, media_type="text/html; charset=utf-8", headers={"Content-Security-Policy": REPORT_CSP}
    )
