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


def test_the_report_states_the_defaults_its_figures_rest_on(tmp_path: Path) -> None:
    """Italy's formal identification is not established (powers.yaml: ``known: false``, secondary
    sources only) and the bundled scenario names no body, so the model assumes law enforcement;
    the simulate report says so (issue 15, item 5), read here from the data file itself."""
    import yaml

    from pharos.domain.practitioners import __file__ as practitioners_file

    powers = yaml.safe_load(
        (Path(practitioners_file).parent / "data" / "powers.yaml").read_text(encoding="utf-8")
    )
    italy = powers["states"]["ITA"]["formal_identification"]
    assert italy["known"] is False
    st = prepare("mediterranean-baseline", [], runs=2, seed=1)
    st.variants[0].scenario = st.variants[0].scenario.model_copy(
        update={"horizon_days": 730, "warmup_days": 365}
    )
    assert not st.variants[0].scenario.states["ITA"].identification.bodies
    write(run(st), tmp_path / "out")
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    note = page[page.index('class="default-note"') :]
    note = note[: note.index("</div>")]
    assert "Rests on a default:" in note
    assert "Italy: who formally identifies victims is not established (secondary sources only)" in (
        note
    )
