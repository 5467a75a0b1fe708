"""The HTML report: five figures, offline (plotly.js beside it), the differences table."""

from pathlib import Path

from pharos.sim.study import prepare, run, write


def test_report_has_five_figures_and_no_network_dependency(tmp_path: Path) -> None:
    st = prepare("mediterranean-baseline", ["shelter-beds-malta-greece"], runs=2, seed=1)
    for v in st.variants:
        v.scenario = v.scenario.model_copy(update={"horizon_days": 900, "warmup_days": 365})
    write(run(st), tmp_path / "out")
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    for i in range(5):
        assert f'id="figure-{i}"' in page
    assert "Sankey" in page or "sankey" in page
    assert "http://" not in page.replace("http://www.w3.org", "")
    assert "https://cdn" not in page
    assert (tmp_path / "out" / "plotly.min.js").stat().st_size > 1_000_000
    assert "shelter-beds-malta-greece" in page
