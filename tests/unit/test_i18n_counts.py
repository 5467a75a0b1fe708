"""Every count shown to a user goes through ngettext (issue 20, item 5).

A message that puts a number before the noun it counts ("%(days)s days", "%(n)s indicators
observed") needs the plural forms of each language: Arabic has six ("يوم واحد", "يومان",
"3 أيام", "11 يومًا", "100 يوم"), and one msgstr for every number is wrong for most of them (the
review found "7 يومًا"). Found statically: every message of the code and the templates that is
*not* a plural entry, in which a placeholder that holds a number (an integer conversion ``%d``,
or a name that means a count: ``n``, ``count``, ``days``, ``rows`` …) is followed, possibly after
"more" and one adjective, by an English plural noun ("days", "rows", "document(s)").

``KNOWN`` lists the messages with such a placeholder that are not counts (days with a decimal);
the test fails on any other message found, and on a known one that no longer needs to be
listed, so the list only shrinks. Two counts in one sentence are two plural fragments
("%(n)s problem", "%(n)s entry") composed by a translatable sentence ("The audit trail was
tampered with: %(problems)s in %(entries)s.").
"""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir

from pharos.i18n import ngettext, use_locale

SRC = Path(__file__).resolve().parents[2] / "src" / "pharos"
METHOD_MAP = [("**/templates/**.html", "jinja2.ext:babel_extract"), ("**.py", "python")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.do"}}
KEYWORDS = {
    "_": None,
    "gettext": None,
    "lazy_gettext": None,
    "ngettext": (1, 2),
    "N_": None,
    "pgettext": ((1, "c"), 2),
    "lazy_pgettext": ((1, "c"), 2),
}

#: placeholder names that hold a count (with %s); any %d placeholder holds one too
COUNT_NAMES = frozenset(
    {
        "n",
        "count",
        "total",
        "num",
        "number",
        "days",
        "rows",
        "runs",
        "tests",
        "classes",
        "smallest",
        "sessions",
        "tokens",
        "seconds",
        "size",
        "max",
        "min",
        "expected",
        "k",
        "d",
        "t",
        "v",
        "l",
        "i",
        "m",
    }
)
#: a placeholder, optionally "more" and one adjective, then an English plural noun
COUNTED = re.compile(r"%\((\w+)\)([sd])(?: more)?(?: [a-z-]+)? ([a-z]+(?:\(s\)|s))(?=\W|$)")
NOT_NOUNS = frozenset({"is", "was", "has", "does", "its", "this", "as", "us", "yes", "plus"})

#: Messages with a count placeholder that are not counts of things: days with a decimal. All the
#: others found when the check was written (2026-12-05) are plural entries now; this list only
#: shrinks.
KNOWN = frozenset(
    {
        # not a whole count: days with a decimal (0.3 days); ngettext takes an integer and CLDR
        # gives decimals their own category, so these need a decimal-aware form, not ngettext;
        # the figures are written by Babel in the reader's language ("0,3" in French)
        "%(p)s was identified %(d)s days after first contact (target %(t)s)",
        "%(p)s was not identified within the target of %(t)s days",
        # not a whole count: the days an answer took, with a decimal
        "Request %(r)s was answered in %(v)s days (target %(t)s)",
        # not a whole count: days_per_hour is a float (schema: gt=0, le=240), e.g. 0.5
        "Speed set to %(n)s exercise days per hour",
    }
)


def uncounted(message: str) -> list[str]:
    """The counts in ``message`` written for one number only ("%(n)s rows")."""
    found = []
    for m in COUNTED.finditer(message):
        name, conversion, noun = m.groups()
        if noun in NOT_NOUNS or (conversion != "d" and name not in COUNT_NAMES):
            continue
        found.append(m.group(0))
    return found


def offenders() -> dict[str, str]:
    """Non-plural messages of the code and templates with a count: msgid -> where."""
    out: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(SRC), METHOD_MAP, OPTIONS, keywords=KEYWORDS
    ):
        if isinstance(message, tuple) or not message:
            continue  # a plural entry (ngettext) or nothing
        if uncounted(message):
            out.setdefault(message, f"{filename}:{lineno}")
    return out


def test_the_check_finds_a_count_and_leaves_other_numbers() -> None:
    assert uncounted("%(n)s indicators observed") == ["%(n)s indicators"]
    assert uncounted("answer due in %(days)s days")
    assert uncounted("%(n)s document(s) attached")
    assert uncounted("… and %(n)s more models")
    assert uncounted("Stored %(n)d simulated victims")
    assert not uncounted("age %(n)s")  # a number, not a count of things
    assert not uncounted("%(file)s holds no exercise log")  # not a number
    assert not uncounted("%(n)s was disrupted")  # a verb after it
    assert not uncounted("Questions that would still help decide: %(n)s.")


def test_every_count_goes_through_ngettext() -> None:
    found = offenders()
    new = {m: where for m, where in found.items() if m not in KNOWN}
    assert not new, "counts not through ngettext (use ngettext and give each language its " + (
        "plural forms):\n" + "\n".join(f"{w}: {m!r}" for m, w in new.items())
    )
    fixed = sorted(KNOWN - set(found))
    assert not fixed, "no longer found (remove from KNOWN):\n" + "\n".join(map(repr, fixed))


def test_days_agree_with_their_number_in_arabic() -> None:
    """The review's "7 يومًا": 3–10 take the plural, 11–99 the singular accusative."""
    with use_locale("ar"):
        due = {
            n: ngettext("answer due in %(days)s day", "answer due in %(days)s days", n)
            % {"days": n}
            for n in (1, 2, 7, 30, 100)
        }
    assert due == {
        1: "الرد مطلوب خلال يوم واحد",
        2: "الرد مطلوب خلال يومين",
        7: "الرد مطلوب خلال 7 أيام",
        30: "الرد مطلوب خلال 30 يومًا",
        100: "الرد مطلوب خلال 100 يوم",
    }
    with use_locale("fr"):
        assert ngettext("%(days)s day", "%(days)s days", 1) % {"days": 1} == "1 jour"


def test_decimal_days_are_written_in_the_readers_digits() -> None:
    """The decimals left in ``KNOWN`` are not raw floats: Babel writes them per locale."""
    from pharos.exercise.report.after_action import _days
    from pharos.exercise.story.describe import _decimal

    with use_locale("fr"):
        assert (_days(0.3), _days(2), _decimal(0.5)) == ("0,3", "2", "0,5")
    with use_locale("en"):
        assert (_days(0.3), _days(2.0), _decimal(12.25)) == ("0.3", "2", "12.25")
