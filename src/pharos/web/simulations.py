"""Simulation runs started from ``/analysis``: a bundled scenario and its interventions, run in
the background exactly as ``pharos simulate`` runs them, kept and listed.

- **The same run as the command line.** A worker process calls :mod:`pharos.sim.study`
  (``prepare``, ``run``, ``write``), the functions ``pharos simulate`` calls, with one worker
  process for the replications, so a run started here and ``pharos simulate SCENARIO -o A
  -o B+C --runs N --seed S`` write the same files, byte for byte (the tables and the report;
  ``tests/integration/analysis/test_simulation_runs.py`` compares them).
- **In the background, one at a time.** A request only stores a row (status ``queued``) and puts
  its id in a bounded queue; one supervisor thread takes the runs in turn and runs each in a
  child process (spawned: the server's threads are not copied), which reports the replications
  done through a pipe; the thread writes the progress to the row. The queue holds at most
  :data:`QUEUE_LIMIT` runs not finished (counted in the database): more are refused.
- **Cancel.** The owner's cancel marks the row; a queued run is never started, a running one's
  child process is stopped by the supervisor within about a second and its files removed.
- **Restart, several processes.** The process holding a run (queued in its memory, or running)
  writes ``heartbeat_at`` every :data:`HEARTBEAT` seconds. A run not finished whose heartbeat is
  older than :data:`STALE` seconds died with its process: it is marked ``interrupted`` (or
  ``cancelled`` if its owner had asked) and its partial files removed, at a server's start-up
  and whenever the runs are listed or a run's status is asked. So a restart, or a killed worker
  among several ``pharos serve`` processes on one PostgreSQL database, leaves no run "running",
  and never touches the runs another live process holds.
- **Files.** ``<data dir>/simulations/<id>/``, written by :func:`pharos.sim.study.write` (a
  temporary folder beside it, moved in when complete): a failed or cancelled run leaves none.

The outputs are model results without personal data; reading them needs ``simulation:read``,
starting a run ``simulation:create``, cancelling and deleting ``simulation:cancel`` and
``simulation:delete`` on one's own runs (:mod:`pharos.coordinate.permissions`).
"""

from __future__ import annotations

import contextlib
import logging
import queue
import shlex
import shutil
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from multiprocessing import get_context
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from pharos.coordinate import audit
from pharos.coordinate.permissions import Principal, RecordRef, require
from pharos.coordinate.validation import ValidationFailed
from pharos.i18n import _, format_list, lazy_pgettext, ngettext, use_locale
from pharos.store.base import utcnow
from pharos.store.models import SimulationRun, User
from pharos.store.uow import UnitOfWork

logger = logging.getLogger("pharos.web.simulations")

#: Replications a run may ask for (each is one simulated decade of the region per variant).
MAX_RUNS = 200
#: Interventions (single or combined) one run may compare with the baseline.
MAX_INTERVENTIONS = 8
#: Runs waiting or running at once; more are refused until one finishes.
QUEUE_LIMIT = 4
#: The longest costs text a run takes (one line per intervention).
MAX_COSTS_TEXT = 4000
#: The largest seed (the column is a four-byte integer).
MAX_SEED = 2**31 - 1
#: Seconds between two heartbeats of the process holding a run.
HEARTBEAT = 2.0
#: A run not finished whose last heartbeat is older than this died with its process.
STALE = 30.0

UNFINISHED = ("queued", "running", "cancelling")
STATUS_LABELS: dict[str, Any] = {
    "queued": lazy_pgettext("simulation run", "waiting to start"),
    "running": lazy_pgettext("simulation run", "running"),
    "cancelling": lazy_pgettext("simulation run", "being cancelled"),
    "done": lazy_pgettext("simulation run", "done"),
    "failed": lazy_pgettext("simulation run", "failed"),
    "cancelled": lazy_pgettext("simulation run", "cancelled"),
    "interrupted": lazy_pgettext("simulation run", "interrupted (the server stopped while it ran)"),
}


def folder_of(data_dir: Path, run_id: int) -> Path:
    """Where run ``run_id`` writes its outputs."""
    return Path(data_dir) / "simulations" / str(int(run_id))


def _remove_outputs(data_dir: Path, run_id: int) -> None:
    """The run's folder and any temporary folder :func:`pharos.sim.study.write` left beside it."""
    target = folder_of(data_dir, run_id)
    shutil.rmtree(target, ignore_errors=True)
    parent = target.parent
    if parent.is_dir():
        for tmp in parent.glob(f".{target.name}.tmp-*"):
            shutil.rmtree(tmp, ignore_errors=True)


# --- What an analyst may ask for ----------------------------------------------------------


@dataclass(frozen=True)
class Choices:
    """The bundled scenarios and interventions offered, with their defaults."""

    scenarios: list[str]
    overlays: list[tuple[str, str]]  # (name, the name and its description)
    default_runs: int
    default_seed: int


def choices() -> Choices:
    import yaml

    from pharos.scenario.load import bundled_overlays, bundled_scenarios, load_overlay, resolve

    scenarios = bundled_scenarios()
    overlays = []
    for name in bundled_overlays():
        about = " ".join(str(load_overlay(name).description or "").split())
        overlays.append((name, f"{name}: {about}" if about else name))
    runs, seed = 20, 0
    if scenarios:
        doc = yaml.safe_load(resolve(scenarios[0]).read_text(encoding="utf-8")) or {}
        runs, seed = int(doc.get("replications", runs)), int(doc.get("seed", seed))
    return Choices(scenarios, overlays, runs, seed)


@dataclass(frozen=True)
class Request:
    scenario: str
    interventions: list[str]
    runs: int
    seed: int
    #: each intervention's cost a year, the YAML text ``pharos simulate --costs`` reads
    #: (:func:`pharos.sim.costs.parse_costs`); empty: no costs
    costs: str = ""
    currency: str = "EUR"


def _int_field(
    errors: dict[str, str], name: str, raw: str, low: int, high: int, default: int
) -> int:
    raw = (raw or "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        errors[name] = _("must be a whole number, not %(value)s") % {"value": raw[:40]}
        return default
    if not low <= value <= high:
        errors[name] = _("must be between %(low)s and %(high)s (got %(value)s)") % {
            "low": low,
            "high": high,
            "value": value,
        }
    return value


def parse_request(form: Mapping[str, Any], offered: Choices) -> Request:
    """Check what the form asks for; raises :class:`ValidationFailed` naming each wrong field.

    ``intervention`` (repeatable) names bundled overlays, each compared with the baseline on its
    own; ``combinations`` holds more, one per line or comma, each ``a+b`` (both applied in
    order, as ``pharos simulate -o a+b``). Only bundled names are accepted: no path.
    """
    errors: dict[str, str] = {}
    scenario = str(form.get("scenario") or "").strip()
    if scenario not in offered.scenarios:
        errors["scenario"] = _("%(value)s is not a bundled scenario (%(known)s)") % {
            "value": scenario[:100] or "''",
            "known": format_list(offered.scenarios),
        }
    known = [name for name, _d in offered.overlays]
    picked: list[str] = []
    singles = form.get("intervention") or []
    if isinstance(singles, str):
        singles = [singles]
    for value in singles:
        value = str(value).strip()
        if value not in known:
            errors["intervention"] = _("%(value)s is not a bundled intervention") % {
                "value": value[:100]
            }
        elif value not in picked:
            picked.append(value)
    text = str(form.get("combinations") or "")
    for line in text.replace(",", "\n").splitlines():
        parts = [p.strip() for p in line.split("+") if p.strip()]
        if not parts:
            continue
        unknown = [p for p in parts if p not in known]
        if unknown:
            errors["combinations"] = _(
                "%(names)s: not a bundled intervention (the bundled ones: %(known)s)"
            ) % {"names": format_list(u[:100] for u in unknown), "known": format_list(known)}
            continue
        combined = "+".join(parts)
        if combined not in picked:
            picked.append(combined)
    if len(picked) > MAX_INTERVENTIONS:
        errors["combinations"] = ngettext(
            "at most %(n)s intervention in one run (got %(got)s)",
            "at most %(n)s interventions in one run (got %(got)s)",
            MAX_INTERVENTIONS,
        ) % {
            "n": MAX_INTERVENTIONS,
            "got": len(picked),
        }
    runs = _int_field(errors, "runs", str(form.get("runs") or ""), 1, MAX_RUNS,
                      offered.default_runs)  # fmt: skip
    seed = _int_field(errors, "seed", str(form.get("seed") or ""), 0, MAX_SEED,
                      offered.default_seed)  # fmt: skip
    costs, currency = _costs_fields(errors, form, picked)
    if errors:
        raise ValidationFailed(errors)
    return Request(scenario, picked, runs, seed, costs, currency)


def _costs_fields(
    errors: dict[str, str], form: Mapping[str, Any], picked: list[str]
) -> tuple[str, str]:
    """The optional costs (the text of a ``--costs`` file) and their currency, checked as
    ``pharos simulate`` checks them, against the interventions picked."""
    from pharos.sim.costs import CostsError, currency_problem, parse_costs

    text = str(form.get("costs") or "").replace("\r\n", "\n")
    currency = str(form.get("currency") or "").strip() or "EUR"
    if not text.strip():
        return "", currency
    if len(text) > MAX_COSTS_TEXT:
        errors["costs"] = ngettext(
            "At most %(n)s character.", "At most %(n)s characters.", MAX_COSTS_TEXT
        ) % {"n": MAX_COSTS_TEXT}
        return text, currency
    problem = currency_problem(currency)
    if problem:
        errors["currency"] = problem
    singles = list(dict.fromkeys(p for name in picked for p in name.split("+")))
    try:
        parse_costs(text, _("Costs"), singles)
    except CostsError as err:
        errors["costs"] = " ".join(err.details)
    return text, currency


# --- The rows -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RunView:
    """A run as the pages show it."""

    id: int
    scenario: str
    interventions: list[str]
    runs: int
    seed: int
    lang: str
    status: str
    done: int
    total: int
    error: str
    owner_id: int
    owner: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    costs: str = ""
    currency: str = "EUR"

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS.get(self.status, self.status))

    @property
    def unfinished(self) -> bool:
        return self.status in UNFINISHED

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def command(self) -> str:
        """The ``pharos simulate`` command that writes the same files."""
        parts = ["pharos simulate", self.scenario]
        parts += [f"-o {name}" for name in self.interventions]
        parts += [f"--runs {self.runs}", f"--seed {self.seed}"]
        if self.costs:  # the costs as the page shows them, saved to costs.yaml
            parts += ["--costs costs.yaml", f"--currency {shlex.quote(self.currency)}"]
        return " ".join(parts)

    def ref(self) -> RecordRef:
        return RecordRef(state="", owner_user_ids=frozenset({self.owner_id}))


def _view(row: SimulationRun, owner: str) -> RunView:
    return RunView(
        row.id,
        row.scenario,
        [i for i in row.interventions.splitlines() if i],
        row.runs,
        row.seed,
        row.lang,
        row.status,
        row.done,
        row.total,
        row.error,
        row.created_by,
        owner,
        row.created_at,
        row.started_at,
        row.finished_at,
        row.costs or "",
        row.currency or "EUR",
    )


def list_runs(session: Session, p: Principal, limit: int = 100) -> list[RunView]:
    """The newest runs, with who started them."""
    require(p, "simulation", "read")
    rows = session.execute(
        select(SimulationRun, User.username)
        .join(User, User.id == SimulationRun.created_by)
        .order_by(SimulationRun.id.desc())
        .limit(limit)
    ).all()
    return [_view(r, name) for r, name in rows]


def get_run(session: Session, p: Principal, run_id: int) -> RunView | None:
    """One run, or None when there is none with that id."""
    require(p, "simulation", "read")
    found = session.execute(
        select(SimulationRun, User.username)
        .join(User, User.id == SimulationRun.created_by)
        .where(SimulationRun.id == run_id)
    ).first()
    return _view(found[0], found[1]) if found else None


class QueueFull(Exception):
    """Too many runs are waiting or running."""


def create_run(session: Session, p: Principal, req: Request, lang: str) -> int:
    """Store a queued run (the caller commits, then hands the id to the worker)."""
    require(p, "simulation", "create")
    waiting = session.scalar(
        select(func.count()).select_from(SimulationRun).where(SimulationRun.status.in_(UNFINISHED))
    )
    if int(waiting or 0) >= QUEUE_LIMIT:
        raise QueueFull
    row = SimulationRun(
        scenario=req.scenario,
        interventions="\n".join(req.interventions),
        runs=req.runs,
        seed=req.seed,
        costs=req.costs,
        currency=req.currency,
        lang=lang,
        status="queued",
        done=0,
        total=req.runs * (1 + len(req.interventions)),
        error="",
        created_by=p.user_id,
        heartbeat_at=utcnow(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        p,
        "create",
        "simulation",
        row.id,
        detail={"scenario": req.scenario, "interventions": req.interventions,
                "runs": req.runs, "seed": req.seed, "costs": req.costs,
                "currency": req.currency},
    )  # fmt: skip
    return row.id


def cancel_run(session: Session, p: Principal, run: RunView) -> bool:
    """Ask for ``run`` to stop (the owner only); False when it has already finished."""
    require(p, "simulation", "cancel", run.ref())
    row = session.get(SimulationRun, run.id)
    if row is None or row.status not in ("queued", "running"):
        return False
    row.status = "cancelled" if row.status == "queued" else "cancelling"
    if row.status == "cancelled":
        row.finished_at = utcnow()
    audit.record(session, p, "cancel", "simulation", run.id)
    return True


def delete_run(session: Session, p: Principal, run: RunView, data_dir: Path) -> None:
    """Delete a finished ``run`` and its files (the owner only); a run not finished is cancelled
    first (:func:`cancel_run`)."""
    require(p, "simulation", "delete", run.ref())
    row = session.get(SimulationRun, run.id)
    if row is None:
        return
    session.delete(row)
    audit.record(session, p, "delete", "simulation", run.id)
    session.flush()
    _remove_outputs(data_dir, run.id)


def interrupt_stale(session: Session, data_dir: Path, before: datetime | None = None) -> int:
    """Mark every run not finished whose process died (no heartbeat since ``before``, by default
    :data:`STALE` seconds ago) ``interrupted``, or ``cancelled`` if its owner had asked, and
    remove its partial files; the number of runs marked."""
    cutoff = before or utcnow() - timedelta(seconds=STALE)
    rows = session.scalars(
        select(SimulationRun).where(
            SimulationRun.status.in_(UNFINISHED),
            or_(SimulationRun.heartbeat_at.is_(None), SimulationRun.heartbeat_at < cutoff),
        )
    ).all()
    for row in rows:
        row.status = "cancelled" if row.status == "cancelling" else "interrupted"
        row.finished_at = utcnow()
        _remove_outputs(data_dir, row.id)
    return len(rows)


# --- The worker ---------------------------------------------------------------------------


def execute(
    scenario: str,
    interventions: Sequence[str],
    runs: int,
    seed: int,
    out: str,
    lang: str,
    conn: Connection,
    costs: str = "",
    currency: str = "EUR",
) -> None:
    """In the child process: what ``pharos simulate`` does, reporting through ``conn``."""
    from pharos.scenario.load import ScenarioError
    from pharos.sim import study as study_mod
    from pharos.sim.costs import CostsError

    try:
        with use_locale(lang):
            st = study_mod.prepare(
                scenario, list(interventions), runs, seed, 1, costs or None, currency
            )
            conn.send(("total", st.runs * len(st.variants)))
            study_mod.run(st, progress=lambda n: conn.send(("progress", n)))
            conn.send(("writing", 0))
            study_mod.write(st, Path(out))
        conn.send(("done", 0))
    except ScenarioError as err:
        conn.send(("failed", "\n".join(str(d) for d in err.details)))
    except CostsError as err:
        conn.send(("failed", "\n".join(err.details)))
    except Exception as exc:  # reported on the run's page; the traceback goes to the log
        logger.exception("simulation run failed")
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


class Worker:
    """One supervisor thread running the queued runs in turn, each in a child process."""

    def __init__(self, sessions: sessionmaker[Session], data_dir: Path) -> None:
        self.sessions = sessions
        self.data_dir = Path(data_dir)
        self.queue: queue.Queue[int | None] = queue.Queue(maxsize=QUEUE_LIMIT)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._process: Any = None
        #: the runs this process holds (queued here or running), whose heartbeat it writes
        self._held: set[int] = set()

    def recover(self) -> int:
        """At start-up: runs whose process died (a previous server's) are marked interrupted."""
        return self.sweep()

    def sweep(self) -> int:
        """Mark the runs whose process died interrupted (see :func:`interrupt_stale`)."""
        with UnitOfWork(self.sessions) as work:
            n = interrupt_stale(work.session, self.data_dir)
            work.commit()
        return n

    def _beat(self) -> None:
        """This process is alive: the heartbeat of every run it holds."""
        held = list(self._held)
        if not held:
            return
        with UnitOfWork(self.sessions) as work:
            work.session.execute(
                update(SimulationRun)
                .where(SimulationRun.id.in_(held), SimulationRun.status.in_(UNFINISHED))
                .values(heartbeat_at=utcnow())
            )
            work.commit()

    def submit(self, run_id: int) -> None:
        """Hand a stored run to the worker (starting its thread on first use)."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._stopping.clear()
                self._thread = threading.Thread(
                    target=self._loop, name="pharos-simulations", daemon=True
                )
                self._thread.start()
        try:
            self._held.add(run_id)
            self.queue.put_nowait(run_id)
        except queue.Full:
            self._held.discard(
                run_id
            )  # the database's count keeps this from happening; never lose a run
            with UnitOfWork(self.sessions) as work:
                row = work.session.get(SimulationRun, run_id)
                if row is not None:
                    row.status, row.finished_at = "interrupted", utcnow()
                    work.commit()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread and any run in progress (marked interrupted)."""
        self._stopping.set()
        proc = self._process
        if proc is not None and proc.is_alive():
            proc.terminate()
        if self._thread is not None:
            with contextlib.suppress(queue.Full):
                self.queue.put_nowait(None)
            self._thread.join(timeout)

    def _update(self, run_id: int, **values: Any) -> str | None:
        """Write ``values`` to the run's row; the row's status afterwards (None: deleted)."""
        with UnitOfWork(self.sessions) as work:
            row = work.session.get(SimulationRun, run_id)
            if row is None:
                return None
            for k, v in values.items():
                setattr(row, k, v)
            status = row.status
            work.commit()
            return status

    def _status(self, run_id: int) -> str | None:
        with UnitOfWork(self.sessions) as work:
            row = work.session.get(SimulationRun, run_id)
            return None if row is None else row.status

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                run_id = self.queue.get(timeout=HEARTBEAT)
            except queue.Empty:
                self._beat()
                continue
            if run_id is None:
                return
            try:
                self._beat()
                self._run(run_id)
            except Exception:
                logger.exception("simulation run %s", run_id)
                self._update(run_id, status="failed", error=_("Something went wrong."),
                             finished_at=utcnow())  # fmt: skip
            finally:
                self._held.discard(run_id)

    def _run(self, run_id: int) -> None:
        with UnitOfWork(self.sessions) as work:
            row = work.session.get(SimulationRun, run_id)
            if row is None or row.status != "queued":
                return  # cancelled or deleted while it waited
            row.status, row.started_at = "running", utcnow()
            args = (row.scenario, [i for i in row.interventions.splitlines() if i],
                    row.runs, row.seed)  # fmt: skip
            lang, priced = row.lang, (row.costs or "", row.currency or "EUR")
            work.commit()
        out = folder_of(self.data_dir, run_id)
        _remove_outputs(self.data_dir, run_id)
        ctx = get_context("spawn")
        receive, send = ctx.Pipe(duplex=False)
        proc = ctx.Process(
            target=execute, args=(*args, str(out), lang, send, *priced), daemon=True,
            name=f"pharos-simulation-{run_id}",
        )  # fmt: skip
        proc.start()
        send.close()
        self._process = proc
        done, outcome, message = 0, "", ""
        beaten = time.monotonic()
        try:
            while True:
                if time.monotonic() - beaten >= HEARTBEAT:
                    self._beat()
                    beaten = time.monotonic()
                if receive.poll(0.5):
                    try:
                        kind, value = receive.recv()
                    except EOFError:
                        break
                    if kind == "total":
                        self._update(run_id, total=int(value))
                    elif kind == "progress":
                        done += int(value)
                        self._update(run_id, done=done)
                    elif kind in ("done", "failed"):
                        outcome, message = kind, str(value)
                        break
                elif not proc.is_alive():
                    break
                status = self._status(run_id)
                if status in (None, "cancelling") or self._stopping.is_set():
                    proc.terminate()
                    outcome = "cancelled" if status == "cancelling" else "stopped"
                    break
        finally:
            proc.join(10)
            receive.close()
            self._process = None
        if outcome == "done":
            self._update(run_id, status="done", finished_at=utcnow())
            return
        _remove_outputs(self.data_dir, run_id)
        if outcome == "failed":
            self._update(run_id, status="failed", error=message[:4000], finished_at=utcnow())
        elif outcome == "cancelled":
            self._update(run_id, status="cancelled", finished_at=utcnow())
        else:  # the server stopped it, or the process died without a word
            self._update(run_id, status="interrupted", finished_at=utcnow())
