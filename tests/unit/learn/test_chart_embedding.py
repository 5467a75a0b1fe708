"""A chart's figure is embedded in the page as JSON inside a <script> element: text from the
data (labels, the origin banner) must not end that element (issue 14, finding 10)."""

from __future__ import annotations

import json
from html.parser import HTMLParser

from pharos.learn.analytics import Table
from pharos.learn.charts import mark_origin, shares_chart
from pharos.web.templating import environment

BREAKOUT = "</script><img id=pwn src=x><!--<script>"


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.script = ""
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._in_script = tag == "script"

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.script += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False


def test_a_label_from_the_data_stays_inside_the_charts_json() -> None:
    table = Table("exp", ("code", "count", "share"), [(BREAKOUT, 12, 0.5), ("labour", 12, 0.5)])
    # mark_origin re-serialises the figure with json.dumps, which escapes nothing for HTML
    chart = mark_origin(shares_chart(table, "exp"), "synthetic data")
    html = environment().get_template("learn/_chart.html").render(c=chart)
    page = _Tags()
    page.feed(html)
    assert "img" not in page.tags and page.tags.count("script") == 1
    figure = json.loads(page.script)  # what learn.js reads with JSON.parse
    assert figure == json.loads(chart.figure)
    assert BREAKOUT in figure["data"][0]["y"]
