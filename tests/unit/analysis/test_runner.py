"""The experiment runner: outcomes streamed to Parquet, resuming an interrupted experiment."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd
import pytest

from pharos.analysis.backends import SerialBackend, Task, execute
from pharos.analysis.model import FloatArray, ModelRef
from pharos.analysis.runner import load_experiment_result, run_experiment, task_size
from pharos.analysis.spec import ExperimentSpecError, parse_experiment
from pharos.analysis.toy import IshigamiModel


class Interrupted(Exception):
    pass


class StopsAfter:
    """A backend that dies after ``k`` tasks, as a killed experiment would."""

    name = "stops"
    workers = 1

    def __init__(self, k: int) -> None:
        self.k = k
        self.ran: list[int] = []

    def run(
        self, ref: ModelRef, tasks: Iterable[Task]
    ) -> Iterator[tuple[int, dict[str, FloatArray]]]:
        for task in tasks:
            if len(self.ran) == self.k:
                raise Interrupted
            self.ran.append(task.task_id)
            yield execute(ref, task)


def _spec(ishigami):  # 8 runs per task, 40 runs, noisy so seeds matter
    return parse_experiment(
        ishigami("latin_hypercube", 40, batch_size=8, model_options={"noise": 0.5}, replications=3)
    )


def test_outcomes_stream_to_parquet_and_a_stopped_experiment_resumes(
    ishigami, tmp_path: Path
) -> None:
    spec = _spec(ishigami)
    whole = run_experiment(spec, folder=tmp_path / "a")

    folder = tmp_path / "b"
    with pytest.raises(Interrupted):
        run_experiment(spec, folder=folder, backend=StopsAfter(3))
    parts = sorted(p.name for p in (folder / "parts").glob("*.parquet"))
    assert parts == ["part-000000.parquet", "part-000001.parquet", "part-000002.parquet"]
    assert not (folder / "outcomes.parquet").exists()

    second = StopsAfter(100)
    resumed = run_experiment(spec, folder=folder, backend=second)
    assert second.ran == [3, 4]  # only the missing tasks ran
    pd.testing.assert_frame_equal(resumed.runs, whole.runs)
    on_disk = pd.read_parquet(folder / "outcomes.parquet")
    assert list(on_disk["run"]) == list(range(40))
    assert not (folder / "parts").exists()
    pd.testing.assert_frame_equal(load_experiment_result(folder).runs, whole.runs)

    # a finished experiment is not run again
    third = StopsAfter(0)
    run_experiment(spec, folder=folder, backend=third)
    assert third.ran == []


def test_a_different_experiment_does_not_resume_into_the_same_folder(
    ishigami, tmp_path: Path
) -> None:
    run_experiment(_spec(ishigami), folder=tmp_path)
    other = parse_experiment(ishigami("latin_hypercube", 41, batch_size=8))
    with pytest.raises(ExperimentSpecError, match="different experiment"):
        run_experiment(other, folder=tmp_path)
    assert json.loads((tmp_path / "experiment.json").read_text())["runs"] == 40


def test_a_non_empty_folder_is_left_alone(ishigami, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ExperimentSpecError, match="not empty"):
        run_experiment(_spec(ishigami), folder=tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_same_seed_same_outcomes_and_replications_average(ishigami) -> None:
    spec = _spec(ishigami)
    a = run_experiment(spec, backend=SerialBackend()).runs
    b = run_experiment(spec).runs
    pd.testing.assert_frame_equal(a, b)
    exact = run_experiment(parse_experiment(ishigami("latin_hypercube", 40))).runs["y"]
    noise = (a["y"] - exact).abs()
    assert 0 < noise.mean() < 0.5


def test_a_part_run_under_other_random_draws_is_not_finished(
    ishigami, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = _spec(ishigami)
    with pytest.raises(Interrupted):
        run_experiment(spec, folder=tmp_path / "part", backend=StopsAfter(2))
    run_experiment(spec, folder=tmp_path / "whole")
    monkeypatch.setattr(IshigamiModel, "draws", "2")  # as after a change in how the model draws
    with pytest.raises(ExperimentSpecError, match="earlier version of the model's random draws"):
        run_experiment(spec, folder=tmp_path / "part", backend=StopsAfter(100))
    assert len(list((tmp_path / "part" / "parts").glob("*.parquet"))) == 2  # nothing lost
    # a finished experiment is still read (its runs are all of one version)
    assert len(run_experiment(spec, folder=tmp_path / "whole", backend=StopsAfter(0)).runs) == 40


def _version_one_folder(spec, folder: Path, *, finished: bool) -> int:  # type: ignore[no-untyped-def]
    """A folder as ``pharos experiment`` wrote it before design version 2 (no dummy factor, one
    seed per design point, no ``design`` key in the manifest)."""
    from pharos.analysis.designs import make_design, run_table, run_values

    design = make_design(spec, 1)
    table = run_table(spec.model_copy(update={"common_random_numbers": False}), design)
    y = IshigamiModel(noise=0.5).run_batch(
        run_values(spec, table), table["seed"].to_numpy(), spec.replications
    )["y"]
    folder.mkdir()
    manifest = {
        "fingerprint": spec.fingerprint(),
        "spec": {
            k: v for k, v in spec.model_dump(mode="json").items() if k != "common_random_numbers"
        },
        "batch_size": 4096,
        "runs": len(table),
        "draws": "1",
    }
    (folder / "experiment.json").write_text(json.dumps(manifest))
    table.to_parquet(folder / "runs.parquet", index=False)
    frame = pd.DataFrame({"run": table["run"], "y": y})
    if finished:
        frame.to_parquet(folder / "outcomes.parquet", index=False)
    else:
        (folder / "parts").mkdir()
        frame.iloc[:10].to_parquet(folder / "parts" / "part-000000.parquet", index=False)
    return len(table)


def test_an_experiment_run_before_the_dummy_is_read_with_its_own_design(
    ishigami, tmp_path: Path
) -> None:
    spec = parse_experiment(ishigami("sobol", 16, model_options={"noise": 0.5}))
    n = _version_one_folder(spec, tmp_path / "old", finished=True)
    assert n == 16 * (2 * 3 + 2)  # no dummy then
    for result in (
        load_experiment_result(tmp_path / "old"),
        run_experiment(spec, folder=tmp_path / "old"),
    ):
        assert len(result.runs) == n and "dummy" not in result.runs
        assert result.runs["seed"].nunique() == 16 * (2 * 3 + 2)  # one seed per design point
        assert result.runs["y"].notna().all()
    # a part of one is not finished under the new design (seeds and sizes differ)
    _version_one_folder(spec, tmp_path / "half", finished=False)
    with pytest.raises(ExperimentSpecError, match="before common random numbers"):
        run_experiment(spec, folder=tmp_path / "half")


def test_an_experiment_is_finished_in_the_tasks_it_was_begun_in(
    ishigami, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parts on disk are numbered by task: when the model's suggested task size changes
    between an interruption and the resumption (a new version of Pharos), the experiment is
    finished in its first size (before, the folder was refused as a different experiment)."""
    spec = parse_experiment(
        ishigami("latin_hypercube", 80, model_options={"noise": 0.5}, replications=3)
    )
    assert spec.batch_size is None
    monkeypatch.setattr(IshigamiModel, "suggested_batch_size", 8)
    whole = run_experiment(spec, folder=tmp_path / "a")
    folder = tmp_path / "b"
    with pytest.raises(Interrupted):
        run_experiment(spec, folder=folder, backend=StopsAfter(2))
    monkeypatch.setattr(IshigamiModel, "suggested_batch_size", 16)
    second = StopsAfter(100)
    resumed = run_experiment(spec, folder=folder, backend=second)
    assert second.ran == list(range(2, 10))  # tasks of 8 runs, as begun
    pd.testing.assert_frame_equal(resumed.runs, whole.runs)
    assert json.loads((folder / "experiment.json").read_text())["batch_size"] == 8
    # a new experiment takes the size suggested now
    fresh = run_experiment(spec, folder=tmp_path / "c")
    assert json.loads((tmp_path / "c" / "experiment.json").read_text())["batch_size"] == 16
    pd.testing.assert_frame_equal(fresh.runs, whole.runs)


def test_a_short_experiment_is_spread_over_the_workers() -> None:
    assert task_size(64, 22_528, 2) == 64  # the model's suggestion
    assert task_size(64, 40, 2) == 5  # eight tasks for two workers, not one of 40
    assert task_size(16, 3, 8) == 1
    assert task_size(4096, 40, 1) == 10
