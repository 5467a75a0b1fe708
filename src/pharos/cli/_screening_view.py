"""Rich rendering of a screening result (used by ``pharos screen`` and ``pharos demo``)."""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from pharos.domain.explain import (
    ACT_LABELS,
    ASKING_ADVICE,
    CLASSIFICATION_LABELS,
    PRESUMPTION_LABELS,
    PROFILE_LABELS,
    REQUIREMENT_LABELS,
    ROUTE_LABELS,
    ROUTE_PURPOSES,
    STATE_LABELS,
    WEIGHT_LABELS,
    clause_text,
    conclusion,
    counts_text,
    dimension_label,
    exploration_lines,
    forced_labour_text,
    indicator_label,
    indicator_source_label,
    outcome_text,
    question_groups,
    question_label,
    question_text,
    question_texts,
    step_details,
    step_who,
)
from pharos.domain.indicators import ilo_indicator_by_number
from pharos.domain.next_steps import next_steps, routes
from pharos.domain.screening import DimensionState, Presumption, Requirement, Screening
from pharos.domain.screening_file import ScreeningDocument
from pharos.domain.screening_types import QuestionKind
from pharos.domain.vocabulary_labels import label
from pharos.i18n import format_list, join_items, ngettext
from pharos.i18n import gettext as _

PRESUMPTION_STYLE: dict[Presumption, str] = {
    Presumption.TRAFFICKING_FOR_LABOUR_EXPLOITATION: "bold white on red",
    Presumption.TRAFFICKING_FOR_SEXUAL_EXPLOITATION: "bold white on red",
    Presumption.NOT_ESTABLISHED: "bold black on green",
    Presumption.INSUFFICIENT_INFORMATION: "bold black on yellow",
}
STATE_STYLE: dict[DimensionState, str] = {
    DimensionState.POSITIVE: "bold red",
    DimensionState.OPEN: "yellow",
    DimensionState.NEGATIVE: "green",
}


def headline(s: Screening) -> Text:
    text = Text(
        " " + _(PRESUMPTION_LABELS[s.presumption]) + " ", style=PRESUMPTION_STYLE[s.presumption]
    )
    text.append("  " + _("Profile: %(profile)s.") % {"profile": _(PROFILE_LABELS[s.profile])})
    return text


def context_lines(doc: ScreeningDocument) -> list[str]:
    """The person and context facts of the file, as "label: value" lines."""
    lines: list[str] = []
    p = doc.person
    facts = []
    if p.age is not None:
        facts.append(_("age %(n)s") % {"n": p.age})
    elif p.child:
        facts.append(_("child (age unknown)"))
    if p.unaccompanied:
        facts.append(_("unaccompanied"))
    facts.append(_("gender: %(value)s") % {"value": label(p.sex)})
    if p.nationality:
        facts.append(_("nationality %(code)s") % {"code": p.nationality})
    if p.migrant_type:
        facts.append(_("migrant type: %(value)s") % {"value": label(p.migrant_type)})
    if p.protection_status:
        facts.append(_("protection status: %(value)s") % {"value": label(p.protection_status)})
    lines.append(_("Person: %(facts)s") % {"facts": format_list(facts, style="unit")})
    context = []
    if doc.exploitation:
        context.append(label(doc.exploitation))
    if doc.industry:
        context.append(
            _("ISIC %(section)s, %(name)s")
            % {"section": doc.industry.isic_section, "name": label(doc.industry)}
        )
    context += [label(t) for t in doc.sexual_exploitation]
    if context:
        lines.append(_("Exploitation: %(items)s") % {"items": join_items(context)})
    if doc.recruitment or doc.platforms:
        items = [label(r) for r in doc.recruitment] + [label(p) for p in doc.platforms]
        lines.append(_("Recruitment: %(items)s") % {"items": join_items(items)})
    return lines


def fitted_widths(width: int, columns: list[list[str]], ratios: list[int]) -> list[int] | None:
    """Widths (without padding) for a table of ``len(columns)`` columns in ``width`` cells:
    each column at least as wide as its longest word, so no word is ever cut; the room left
    shared by ``ratios`` (a ratio of 0: the column is only as wide as its longest line), no
    column wider than its longest line. None when even the longest words do not fit."""
    n = len(columns)
    room = width - (3 * n + 1)  # a border before each column and after the last, padding 1+1
    words = [max((cell_len(w) for t in texts for w in t.split()), default=1) for texts in columns]
    lines = [
        max((cell_len(line) for t in texts for line in t.splitlines()), default=1)
        for texts in columns
    ]
    widths = [lines[i] if ratios[i] == 0 else words[i] for i in range(n)]
    if sum(widths) > room:
        return None
    while (spare := room - sum(widths)) > 0:
        growing = [i for i in range(n) if ratios[i] and widths[i] < lines[i]]
        if not growing:
            break
        total = sum(ratios[i] for i in growing)
        added = 0
        for i in growing:
            step = min(max(spare * ratios[i] // total, 1), lines[i] - widths[i], spare - added)
            widths[i] += step
            added += step
        if added == 0:
            break
    return widths


def dimensions_table(s: Screening, width: int | None = None) -> Table:
    """The six dimensions; with ``width`` (the console's), columns sized so that every word of
    every cell is whole (Rich alone gives a ratio column fewer cells than its longest word and
    cuts it with "…": "pos…" at 80 columns)."""
    headers = [_("Dimension"), _("Result"), _("Indicators found"), _("Rule")]
    rows: list[tuple[str, Text, Text, str]] = []
    for d in s.dimensions:
        found = Text()
        for i in d.indicators:
            if found:
                found.append("\n")
            found.append(f"{indicator_label(i.id)} ", style="bold")
            found.append(f"({_(WEIGHT_LABELS[i.weight])})", style="dim")
            if i.note:
                found.append(f"\n  “{i.note}”", style="italic")
        for iid in d.not_in_list:
            found.append(
                "\n"
                + _("%(indicator)s: not in this profile's list, not counted")
                % {"indicator": indicator_label(iid)},
                style="dim",
            )
        if d.positive and d.clause is not None:
            rule = _("met: %(clause)s") % {"clause": clause_text(d.clause)}
        elif d.state is DimensionState.OPEN and d.still_needed is not None:
            rule = _("needs %(clause)s more") % {"clause": clause_text(d.still_needed)}
        else:
            rule = _("cannot be met")
        rows.append(
            (
                dimension_label(d.dimension),
                Text(_(STATE_LABELS[d.state]), style=STATE_STYLE[d.state]),
                found if found else Text(counts_text(d.counts), style="dim"),
                rule,
            )
        )
    widths: list[int | None] = [None] * 4
    if width is not None:
        columns = [[h] for h in headers]
        for row in rows:
            for col, cell in enumerate(row):
                columns[col].append(cell.plain if isinstance(cell, Text) else str(cell))
        widths = list(fitted_widths(width, columns, [3, 0, 6, 3]) or widths)
    table = Table(title=_("ILO/EC dimensions"), show_lines=True, expand=width is None)
    for header, w in zip(headers, widths, strict=True):
        table.add_column(header, width=w, ratio=None if w else 1)
    for row in rows:
        table.add_row(*row)
    return table


def requirements_table(s: Screening) -> Table:
    table = Table(title=_("What the rule requires"), expand=True)
    table.add_column(_("Element"))
    table.add_column(_("Result"))
    for r in s.requirements:
        state = _(STATE_LABELS[r.state])
        if r.inferred:
            state += " " + _("(inferred from the recruitment indicators)")
        elif r.requirement is Requirement.ACT and s.acts:
            state += ": " + format_list(ACT_LABELS[a] for a in s.acts)
        table.add_row(_(REQUIREMENT_LABELS[r.requirement]), Text(state, style=STATE_STYLE[r.state]))
    return table


def _item(mark: str, text: str, indent: int, style: str = "") -> Padding:
    """``mark text`` indented by ``indent``, wrapped lines aligned after the mark."""
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(mark, Text(text, style=style))
    return Padding(grid, (0, 0, 0, indent))


def questions_group(s: Screening, limit: int | None = None) -> Group | None:
    """What to ask next: how to ask, then by dimension each indicator still open (decisive ones
    first) with the questions an interviewer can ask about it. All of them, or with ``limit``
    the first ``limit`` of each dimension and how many more there are (the demo's short
    form)."""
    if not s.ask_next:
        return None
    parts: list[RenderableType] = [
        Text(_("What to ask next"), style="bold underline"),
        Text(_(ASKING_ADVICE), style="italic"),
    ]
    shown = 0
    for dimension, questions in question_groups(s):
        if dimension is not None:
            parts.append(Text(dimension_label(dimension), style="bold"))
        for q in questions[:limit]:
            shown += 1
            if q.kind is not QuestionKind.INDICATOR:
                parts.append(Text("• " + question_text(q), style="bold"))
                continue
            parts.append(_item("•", question_label(q), 2, "bold" if q.decisive else ""))
            parts += [_item("–", text, 4) for text in question_texts(q)]
    hidden = len(s.ask_next) - shown
    if hidden:
        parts.append(
            Text(
                ngettext(
                    "… and %(n)s more indicator to ask about: pharos screen shows every question.",
                    "… and %(n)s more indicators to ask about: pharos screen shows every question.",
                    hidden,
                )
                % {"n": hidden},
                style="dim",
            )
        )
    return Group(*parts)


def next_steps_group(s: Screening, state: str | None = None) -> Group:
    """What to do next: the outcome in words, forced labour read on its own, and the routes
    (with ``state``, who takes each there, from the powers data)."""
    lines: list[RenderableType] = [Text(outcome_text(s), style="bold")]
    forced = forced_labour_text(s)
    if forced:
        lines.append(Text(forced))
    if state is None:
        for route in routes(s):
            lines.append(Text("• " + _(ROUTE_LABELS[route]) + ": " + _(ROUTE_PURPOSES[route])))
        return Group(*lines)
    for step in next_steps(s, state):
        line = Text("• ")
        line.append(_(ROUTE_LABELS[step.route]), style="bold")
        line.append(": " + step_who(step))
        for detail in step_details(step):
            line.append("\n  " + detail, style="dim")
        lines.append(line)
    return Group(*lines)


def render(
    console: Console, s: Screening, doc: ScreeningDocument | None = None, state: str | None = None
) -> None:
    """Print the whole explained result."""
    parts: list[RenderableType] = [headline(s)]
    if doc is not None:
        if doc.title:
            parts.insert(0, Text(doc.title, style="bold"))
        parts += [Text(line) for line in context_lines(doc)]
    parts.append(Text(conclusion(s)))
    parts += [Text(line, style="bold yellow") for line in exploration_lines(s)]
    if s.labour_classification is not None:
        parts.append(
            Text(
                _("In the ILO/Moldova classification of migrant workers: %(label)s.")
                % {"label": _(CLASSIFICATION_LABELS[s.labour_classification])}
            )
        )
    console.print(Panel(Group(*parts), title=_("Screening"), expand=True))
    console.print(requirements_table(s))
    console.print(dimensions_table(s, console.width))
    if s.other_indicators:
        table = Table(title=_("Other indicators observed"), expand=True)
        table.add_column(_("Indicator"))
        table.add_column(_("List"))
        table.add_column(_("Note"))
        for o in s.other_indicators:
            table.add_row(
                indicator_label(o.indicator), indicator_source_label(o.indicator), o.note or ""
            )
        console.print(table)
    if s.ilo_forced_labour:
        names = [_(ilo_indicator_by_number(n).name) for n in s.ilo_forced_labour]
        console.print(
            _("ILO forced-labour indicators concerned: %(names)s.") % {"names": format_list(names)}
        )
    questions = questions_group(s)
    if questions is not None:
        console.print(Panel(questions, expand=True))
    console.print(Panel(next_steps_group(s, state), title=_("Next steps"), expand=True))
    caveats = [Text("• " + _(c.text), style="dim") for c in s.caveats]
    console.print(Panel(Group(*caveats), title=_("Caveats"), border_style="dim", expand=True))


def render_brief(console: Console, s: Screening, doc: ScreeningDocument) -> None:
    """A short form for the demo: the headline, the elements, the first questions."""
    parts: list[RenderableType] = [headline(s)]
    if doc.summary:
        parts.append(Text(doc.summary.strip(), style="italic"))
    parts += [Text(line) for line in context_lines(doc)]
    for r in s.requirements:
        parts.append(
            Text(
                f"{_(STATE_LABELS[r.state]):>9}  " + _(REQUIREMENT_LABELS[r.requirement]),
                style=STATE_STYLE[r.state],
            )
        )
        if r.requirement is Requirement.ACT and s.acts:
            acts = format_list(ACT_LABELS[a] for a in s.acts)
            parts.append(Text(f"           {acts}", style="dim"))
        for d in (s.dimension(dim) for dim in r.dimensions):
            if not d.indicators:
                continue
            found = format_list(
                f"{indicator_label(i.id)} ({_(WEIGHT_LABELS[i.weight])})" for i in d.indicators
            )
            parts.append(Text(f"           {dimension_label(d.dimension)}: {found}", style="dim"))
    parts.append(Text(conclusion(s)))
    parts += [Text(line, style="yellow") for line in exploration_lines(s)]
    questions = questions_group(s, limit=1)
    if questions is not None:
        parts.append(questions)
    if s.experimental:
        parts.append(
            Text(_("Experimental: the sexual-exploitation lists are not transcribed."), style="dim")
        )
    console.print(Panel(Group(*parts), title=doc.title or "", expand=True))
