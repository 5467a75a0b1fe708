"""Published overlap tables bundled with Pharos as worked examples (see data/SOURCES.txt)."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from babel.support import LazyProxy

from pharos.estimate.table import OverlapTable, parse_overlap_csv
from pharos.i18n import lazy_gettext


@dataclass(frozen=True)
class Example:
    """A bundled table: its file name, a description and where it comes from."""

    key: str
    title: LazyProxy
    source: str

    def table(self) -> OverlapTable:
        text = (
            resources.files("pharos.estimate")
            .joinpath("data", f"{self.key}.csv")
            .read_text(encoding="utf-8")
        )
        return parse_overlap_csv(text)


EXAMPLES: dict[str, Example] = {
    e.key: e
    for e in (
        Example(
            "UKdat",
            lazy_gettext("United Kingdom 2013: 6 lists, 2,744 potential victims"),
            "Silverman 2014, Home Office; SparseMSE 2.0.1",
        ),
        Example(
            "UKdat_5",
            lazy_gettext("United Kingdom 2013, police and NCA merged: 5 lists"),
            "Silverman 2014, Home Office; SparseMSE 2.0.1",
        ),
        Example(
            "Ned",
            lazy_gettext("Netherlands 2010-2015: 6 lists, 8,234 presumed victims"),
            "Silverman 2020, JRSS A; SparseMSE 2.0.1",
        ),
        Example(
            "Ned_5",
            lazy_gettext("Netherlands 2010-2015, lists I and O merged: 5 lists"),
            "Silverman 2020, JRSS A; SparseMSE 2.0.1",
        ),
        Example(
            "NewOrl",
            lazy_gettext("Greater New Orleans: 8 lists, 185 victims"),
            "Bales, Murphy & Silverman 2020; SparseMSE 2.0.1",
        ),
        Example(
            "NewOrl_5",
            lazy_gettext("Greater New Orleans, the four smallest lists merged: 5 lists"),
            "Chan, Silverman & Vincent 2021, JASA; SparseMSE 2.0.1",
        ),
        Example(
            "Western",
            lazy_gettext("A U.S. Western site: 5 lists, 345 victims"),
            "Farrell et al. 2019, NIJ; SparseMSE 2.0.1",
        ),
    )
}
