"""Rich tables browsing the domain: states, powers, practitioners, vocabularies, indicators,
cooperation instruments (used by ``pharos reference`` and ``pharos demo``)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from pharos.domain.explain import WEIGHT_LABELS, clause_text, dimension_label
from pharos.domain.geography import country, region_state_codes, region_states
from pharos.domain.indicators import (
    delphi_indicators,
    dimension_rule,
    dimensions,
    ilo_indicators,
    indicator_sets,
    sources,
    unodc_indicators,
    unodc_stem,
)
from pharos.domain.practitioners import (
    INTERNATIONAL_ORGANISATIONS,
    OSCE_PRACTITIONER_KINDS,
    PRACTITIONER_LABELS,
    Confidence,
    Power,
    PractitionerKind,
    state_powers,
)
from pharos.domain.vocabulary_labels import VOCABULARIES, vocabulary
from pharos.i18n import format_list, ngettext
from pharos.i18n import gettext as _

CONFIDENCE_STYLE = {
    Confidence.VERIFIED: "green",
    Confidence.SECONDARY: "yellow",
    Confidence.UNVERIFIED: "red",
    Confidence.GAP: "bold red",
}


def _kinds(kinds: tuple[PractitionerKind, ...]) -> str:
    return format_list(_(PRACTITIONER_LABELS[k]) for k in kinds)


def _yes(value: bool) -> str:
    return _("yes") if value else _("no")


def states_table() -> Table:
    table = Table(title=_("The states of the region"))
    for col in (_("Code"), _("State"), _("OSCE status"), _("EU member"), _("Schengen")):
        table.add_column(col)
    for c in region_states():
        table.add_row(
            c.iso3,
            c.name,
            _(c.osce_status) if c.osce_status else "",
            _yes(c.eu_member),
            _yes(c.schengen),
        )
    return table


def _power_cell(p: Power) -> Text:
    text = Text(_kinds(p.kinds))
    if p.bodies:
        text.append("\n" + "; ".join(p.bodies), style="dim")
    if p.exclusive:
        text.append("\n" + _("only these"), style="italic")
    text.append("\n" + _(p.confidence.value), style=CONFIDENCE_STYLE[p.confidence])
    if not p.known:
        text.append("\n" + _("not established by the sources; Pharos default"), style="red")
    return text


def powers_table() -> Table:
    table = Table(title=_("Who may do what in each state"), show_lines=True)
    table.add_column(_("State"))
    table.add_column(_("Formal identification"))
    table.add_column(_("Recovery and reflection period"))
    table.add_column(_("Opens an investigation"))
    table.add_column(_("Prosecutes"))
    for code in region_state_codes():
        sp = state_powers(code)
        rr = sp.recovery_and_reflection
        rr_text = Text(ngettext("%(days)s day", "%(days)s days", rr.days) % {"days": rr.days})
        rr_text.append("\n" + _kinds(rr.granted_by))
        rr_text.append("\n" + _(rr.confidence.value), style=CONFIDENCE_STYLE[rr.confidence])
        if not rr.known:
            rr_text.append("\n" + _("not established by the sources; Pharos default"), style="red")
        table.add_row(
            country(code).name,
            _power_cell(sp.formal_identification),
            rr_text,
            _power_cell(sp.opens_investigation),
            _power_cell(sp.prosecutes),
        )
    return table


def practitioners_tables() -> list[Table]:
    kinds = Table(title=_("Practitioners"))
    kinds.add_column(_("Kind"))
    kinds.add_column(_("Code"))
    kinds.add_column(_("Named by the OSCE"))
    for k in PractitionerKind:
        kinds.add_row(_(PRACTITIONER_LABELS[k]), k.value, _yes(k in OSCE_PRACTITIONER_KINDS))
    orgs = Table(title=_("International organisations"))
    orgs.add_column(_("Organisation"))
    orgs.add_column(_("Roles"))
    for o in INTERNATIONAL_ORGANISATIONS:
        orgs.add_row(f"{o.code}\n{o.name}", "\n".join(_(r) for r in o.roles))
    return [kinds, orgs]


def vocabulary_tables(name: str | None) -> list[Table]:
    if name is None:
        table = Table(title=_("Vocabularies"))
        for col in (_("Name"), _("Vocabulary"), _("HTCDS field"), _("Values"), _("Source")):
            table.add_column(col)
        for v in VOCABULARIES:
            table.add_row(v.id, _(v.title), v.field or "", str(len(v.labels)), v.source)
        return [table]
    v = vocabulary(name)
    table = Table(title=_(v.title), caption=v.source + (("\n" + _(v.note)) if v.note else ""))
    table.add_column(_("Code"))
    table.add_column(_("Label"))
    for code, text in v.labels.items():
        table.add_row(code, _(text))
    return [table]


def indicator_tables(name: str | None) -> list[Table]:
    sets = indicator_sets()
    if name is None:
        table = Table(title=_("Indicator sets"), show_lines=True)
        for col in (_("Set"), _("Verified"), _("Caveat"), _("Sources")):
            table.add_column(col)
        for s in sets.values():
            table.add_row(
                _(s.name),
                Text(_yes(s.verified), style="green" if s.verified else "red"),
                _(s.caveat) if s.caveat else "",
                "\n".join(sources()[i].title for i in s.source_ids),
            )
        rule = Table(title=_("A dimension is positive when its indicators meet one of"))
        rule.add_column(_("Clause"))
        for clause in dimension_rule():
            rule.add_row(clause_text(clause))
        return [table, rule]
    if name == "ilo":
        table = Table(title=_("ILO indicators of forced labour"))
        table.add_column("#")
        table.add_column(_("Code"))
        table.add_column(_("Indicator"))
        for i in ilo_indicators().values():
            table.add_row(str(i.number), i.id, _(i.name))
        return [table]
    if name == "delphi":
        out = []
        for d in dimensions():
            table = Table(title=f"{d.number}. {dimension_label(d.id)}")
            table.add_column(_("Code"))
            table.add_column(_("Indicator"))
            table.add_column(_("Adult"))
            table.add_column(_("Child"))
            for di in delphi_indicators().values():
                if di.dimension is d.id:
                    table.add_row(
                        di.id,
                        _(di.name),
                        _(WEIGHT_LABELS[di.adult]) if di.adult else "—",
                        _(WEIGHT_LABELS[di.child]) if di.child else "—",
                    )
            out.append(table)
        return out
    if name == "unodc":
        out = []
        for section in ("general", "sexual_exploitation"):
            table = Table(title=_(unodc_stem(section)))
            table.add_column(_("Code"))
            table.add_column(_("Indicator"))
            for u in unodc_indicators().values():
                if u.section == section:
                    table.add_row(u.id, _(u.text))
            out.append(table)
        return out
    raise KeyError(name)


def instruments_table(sender: str | None) -> Table:
    # Its Pydantic schema is built at import: only this view and the demo need it.
    from pharos.domain import cooperation

    table = Table(
        title=_("Cooperation instruments between the states of the region"), show_lines=True
    )
    table.add_column(_("From"))
    table.add_column(_("To"))
    table.add_column(_("Instruments (channel)"))
    senders = [country(sender).iso3] if sender else list(region_state_codes())
    for a in senders:
        for b in region_state_codes():
            if a == b:
                continue
            items = [
                f"{cooperation.label(i.instrument)} ({cooperation.words(i.channel)})"
                for i in cooperation.instruments_between(a, b)
            ]
            table.add_row(a, b, "\n".join(items))
    return table


TOPICS = ("states", "powers", "practitioners", "vocabulary", "indicators", "instruments")


def show(console: Console, topic: str, name: str | None) -> None:
    """Print the tables of one topic (raises KeyError for an unknown ``name``)."""
    tables: list[Table]
    if topic == "states":
        tables = [states_table()]
    elif topic == "powers":
        tables = [powers_table()]
    elif topic == "practitioners":
        tables = practitioners_tables()
    elif topic == "vocabulary":
        tables = vocabulary_tables(name)
    elif topic == "indicators":
        tables = indicator_tables(name)
    else:
        tables = [instruments_table(name)]
    for t in tables:
        console.print(t)
