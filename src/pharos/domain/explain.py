"""The reasons behind a :class:`~pharos.domain.screening.Screening`, in the user's language.

Labels of indicators and dimensions come from the data file in English and are translated
through the same catalogs as the code (``locale/<lang>/domain.po``); a test checks that every
label has a French and an Arabic translation.
"""

from __future__ import annotations

from typing import Any

from pharos.domain.indicators import (
    Clause,
    DelphiIndicator,
    Dimension,
    IloIndicator,
    UnodcIndicator,
    Weight,
    WeightCounts,
    dimension_info,
    ilo_indicator_by_number,
    lookup,
)
from pharos.domain.next_steps import Outcome, Route, Step, next_steps, outcome, routes
from pharos.domain.practitioners import PRACTITIONER_LABELS
from pharos.domain.screening_types import (
    Act,
    DimensionResult,
    DimensionState,
    ForcedLabourFinding,
    LabourClassification,
    Presumption,
    Profile,
    Question,
    QuestionKind,
    Requirement,
    RequirementResult,
    Screening,
)
from pharos.i18n import format_list, gettext, join_items, lazy_pgettext, ngettext

_ = gettext


def N_(message: str) -> str:
    """Mark ``message`` for extraction; it is translated where it is shown."""
    return message


PRESUMPTION_LABELS: dict[Presumption, str] = {
    Presumption.TRAFFICKING_FOR_LABOUR_EXPLOITATION: N_(
        "Presumed trafficking for labour exploitation"
    ),
    Presumption.TRAFFICKING_FOR_SEXUAL_EXPLOITATION: N_(
        "Presumed trafficking for sexual exploitation"
    ),
    Presumption.NOT_ESTABLISHED: N_("Trafficking not established"),
    Presumption.INSUFFICIENT_INFORMATION: N_("Insufficient information"),
}

PROFILE_LABELS: dict[Profile, str] = {
    Profile.ADULT_LABOUR: N_("adult, labour exploitation"),
    Profile.CHILD_LABOUR: N_("child, labour exploitation"),
    Profile.ADULT_SEXUAL: N_("adult, sexual exploitation (experimental)"),
    Profile.CHILD_SEXUAL: N_("child, sexual exploitation (experimental)"),
}

STATE_LABELS: dict[DimensionState, str] = {
    DimensionState.POSITIVE: N_("positive"),
    DimensionState.OPEN: N_("open"),
    DimensionState.NEGATIVE: N_("negative"),
}

WEIGHT_LABELS: dict[Weight, str] = {
    Weight.STRONG: N_("strong"),
    Weight.MEDIUM: N_("medium"),
    Weight.WEAK: N_("weak"),
}

REQUIREMENT_LABELS: dict[Requirement, str] = {
    Requirement.RECRUITMENT_MEANS: N_(
        "Means at recruitment (deception, coercion or abuse of vulnerability)"
    ),
    Requirement.EXPLOITATIVE_CONDITIONS: N_("Exploitation (exploitative conditions)"),
    Requirement.COERCION_AT_DESTINATION: N_("Coercion at destination"),
    Requirement.ACT: N_("Act (recruitment, transport, transfer, harbouring or receipt)"),
}

#: The acts of the Palermo Protocol, art. 3(a), in its official wording per language (the
#: context keeps "transfer" apart from a case's transfer, "transport" from other transport).
ACT_LABELS: dict[Act, Any] = {
    Act.RECRUITMENT: lazy_pgettext("Palermo act", "recruitment"),
    Act.TRANSPORT: lazy_pgettext("Palermo act", "transport"),
    Act.TRANSFER: lazy_pgettext("Palermo act", "transfer"),
    Act.HARBOURING: lazy_pgettext("Palermo act", "harbouring"),
    Act.RECEIPT: lazy_pgettext("Palermo act", "receipt"),
}

CLASSIFICATION_LABELS: dict[LabourClassification, str] = {
    LabourClassification.SUCCESSFUL_MIGRANT: N_("successful migrant"),
    LabourClassification.EXPLOITED_MIGRANT: N_("exploited migrant (a labour-rights case)"),
    LabourClassification.VICTIM_OF_DECEPTION_AND_EXPLOITATION: N_(
        "victim of deception and exploitation"
    ),
    LabourClassification.VICTIM_OF_TRAFFICKING_FOR_FORCED_LABOUR: N_(
        "victim of trafficking for forced labour"
    ),
}


OUTCOME_TEXTS: dict[Outcome, str] = {
    Outcome.PRESUMED_TRAFFICKING: N_(
        "A presumed victim: refer them now for protection and formal identification."
    ),
    Outcome.INSUFFICIENT_INFORMATION: N_(
        "Not enough to conclude yet: keep the person safe, explore what is still open and seek "
        "advice through the referral mechanism."
    ),
    Outcome.EXPLOITATION_OR_FORCED_LABOUR: N_(
        "Trafficking is not established, but there is exploitation or a sign of forced labour: "
        "these routes still apply."
    ),
    Outcome.NOTHING_FOUND: N_(
        "Nothing the rule counts was found: make sure the person knows where to get help if "
        "things change."
    ),
}

ROUTE_LABELS: dict[Route, str] = {
    Route.FORMAL_IDENTIFICATION: N_("Formal identification"),
    Route.REFERRAL_MECHANISM: N_("National referral mechanism"),
    Route.POLICE: N_("Police and prosecutor"),
    Route.LABOUR_INSPECTION: N_("Labour inspection"),
    Route.LEGAL_AID: N_("Legal aid"),
    Route.CHILD_PROTECTION: N_("Child protection"),
}

ROUTE_PURPOSES: dict[Route, str] = {
    Route.FORMAL_IDENTIFICATION: N_(
        "Only the competent authority identifies a victim formally; meanwhile a presumed victim "
        "is entitled to assistance and a recovery and reflection period."
    ),
    Route.REFERRAL_MECHANISM: N_(
        "The entry point of the national referral mechanism: protection, assistance, and the "
        "referral to formal identification."
    ),
    Route.POLICE: N_(
        "Trafficking and forced labour are criminal offences (forced labour: ILO Convention "
        "No. 29, Art. 25); report them with the person's informed consent."
    ),
    Route.LABOUR_INSPECTION: N_(
        "Unpaid wages, working hours, health and safety and the employer's obligations."
    ),
    Route.LEGAL_AID: N_(
        "The person's rights (residence, wages, compensation) explained by a lawyer or an NGO."
    ),
    Route.CHILD_PROTECTION: N_(
        "A child is referred to child protection whatever the outcome: the child's best "
        "interests come first."
    ),
}


def outcome_text(screening: Screening) -> str:
    return _(OUTCOME_TEXTS[outcome(screening)])


def step_who(step: Step) -> str:
    """Who takes the route in the state: the kinds of practitioner, the bodies the sources name,
    and whether it is a Pharos default."""
    text = format_list(_(PRACTITIONER_LABELS[k]) for k in step.power.kinds)
    if step.power.bodies:
        text += " (" + format_list(step.power.bodies) + ")"
    if not step.power.known:
        text += " — " + _("not established by the sources; Pharos default")
    return text


def step_details(step: Step) -> list[str]:
    """The route's purpose and the state's facts that go with it."""
    lines = [_(ROUTE_PURPOSES[step.route])]
    if step.route is Route.FORMAL_IDENTIFICATION and step.reflection_days is not None:
        if step.reflection_known:
            lines.append(
                _("Recovery and reflection period in this state, in days: %(days)s.")
                % {"days": step.reflection_days}
            )
        else:
            lines.append(
                _(
                    "Recovery and reflection period, in days: %(days)s, a Pharos default (the "
                    "minimum of the Council of Europe Convention, Art. 13); the sources do not "
                    "establish it for this state."
                )
                % {"days": step.reflection_days}
            )
    if step.route is Route.REFERRAL_MECHANISM and step.mechanism:
        lines.append(
            _("As the sources record it: %(mechanism)s.") % {"mechanism": _(step.mechanism)}
        )
    return lines


def forced_labour_text(screening: Screening) -> str | None:
    """The ILO forced-labour indicators read on their own (None when there are none)."""
    if screening.forced_labour is not ForcedLabourFinding.POSSIBLE_FORCED_LABOUR:
        return None
    text = _(
        "Possible forced labour (ILO Convention No. 29): on the ILO's list a single indicator can "
        "be enough in some cases and several together in others; the labour inspectorate or the "
        "police establish it, whatever the trafficking result."
    )
    if not screening.ilo_recorded:
        text += " " + _(
            "The indicators concerned come from the ILO/EC indicators observed, through an "
            "unverified mapping."
        )
    return text


def dimension_label(dimension: Dimension) -> str:
    return _(dimension_info(dimension).name)


def indicator_label(indicator_id: str) -> str:
    """The indicator's name (or UNODC text) in the current language."""
    ind = lookup(indicator_id)
    if isinstance(ind, UnodcIndicator):
        return _(ind.text)
    return _(ind.name)


def indicator_source_label(indicator_id: str) -> str:
    ind = lookup(indicator_id)
    if isinstance(ind, DelphiIndicator):
        return _("ILO/EC operational indicator")
    if isinstance(ind, IloIndicator):
        return _("ILO forced-labour indicator %(number)s") % {"number": ind.number}
    return _("UNODC indicator")


def counts_text(counts: WeightCounts) -> str:
    """ "1 strong, 2 medium" in the current language; "none" when empty."""
    parts = [
        ngettext("%(n)s strong", "%(n)s strong", counts.strong) % {"n": counts.strong}
        if counts.strong
        else "",
        ngettext("%(n)s medium", "%(n)s medium", counts.medium) % {"n": counts.medium}
        if counts.medium
        else "",
        ngettext("%(n)s weak", "%(n)s weak", counts.weak) % {"n": counts.weak}
        if counts.weak
        else "",
    ]
    text = format_list((p for p in parts if p), style="unit")
    return text or _("none")


def clause_text(clause: Clause) -> str:
    parts = []
    if clause.strong:
        parts.append(ngettext("%(n)s strong", "%(n)s strong", clause.strong) % {"n": clause.strong})
    if clause.medium:
        parts.append(ngettext("%(n)s medium", "%(n)s medium", clause.medium) % {"n": clause.medium})
    if clause.weak:
        parts.append(ngettext("%(n)s weak", "%(n)s weak", clause.weak) % {"n": clause.weak})
    if clause.medium_or_weak:
        parts.append(
            ngettext("%(n)s medium or weak", "%(n)s medium or weak", clause.medium_or_weak)
            % {"n": clause.medium_or_weak}
        )
    return " + ".join(parts)


def dimension_reason(result: DimensionResult, explored: bool = False) -> str:
    """Why one dimension is positive, open or negative."""
    args = {"dimension": dimension_label(result.dimension), "found": counts_text(result.counts)}
    if result.state is DimensionState.POSITIVE and result.clause is not None:
        return _("%(dimension)s is positive: %(found)s meets the rule %(clause)s.") % {
            **args,
            "clause": clause_text(result.clause),
        }
    needed = clause_text(result.still_needed) if result.still_needed else _("none")
    if result.state is DimensionState.OPEN and not result.indicators:
        return _(
            "%(dimension)s is not positive yet: no indicator found; it needs at least %(needed)s."
        ) % {
            **args,
            "needed": needed,
        }
    if result.state is DimensionState.OPEN:
        return _(
            "%(dimension)s is not positive yet: %(found)s found; it needs at least %(needed)s more."
        ) % {
            **args,
            "needed": needed,
        }
    if explored:
        return (
            _("%(dimension)s is negative: %(found)s found and the dimension was explored.") % args
        )
    return (
        _("%(dimension)s is negative: %(found)s found and the remaining indicators were ruled out.")
        % args
    )


def requirement_reason(req: RequirementResult) -> str:
    label = _(REQUIREMENT_LABELS[req.requirement])
    state = _(STATE_LABELS[req.state])
    if req.requirement is Requirement.ACT and req.state is DimensionState.POSITIVE and req.inferred:
        return _(
            "%(requirement)s: %(state)s (recruitment inferred from the recruitment indicators)."
        ) % {
            "requirement": label,
            "state": state,
        }
    return _("%(requirement)s: %(state)s.") % {"requirement": label, "state": state}


def question_text(q: Question) -> str:
    if q.kind is QuestionKind.AGE:
        return _(
            "How old is the person? Under 18, the child rule applies "
            "and the means are not required."
        )
    if q.kind is QuestionKind.ACT:
        return _(
            "Was the child recruited, transported, transferred, harboured or received by someone?"
        )
    return question_label(q)


#: How to ask the interview questions (after WHO 2003, docs/domain.md "Interview questions").
ASKING_ADVICE = N_(
    "Ask in your own words, one question at a time, somewhere private and with an interpreter "
    "the person trusts; they may choose not to answer, and their safety comes first."
)


def question_label(q: Question) -> str:
    """What a question is about: the indicator and its weight, and whether it is decisive (for
    the age and the act, the question itself)."""
    if q.kind is not QuestionKind.INDICATOR:
        return question_text(q)
    assert q.indicator is not None and q.weight is not None
    text = _("%(indicator)s (%(weight)s)") % {
        "indicator": indicator_label(q.indicator),
        "weight": _(WEIGHT_LABELS[q.weight]),
    }
    if q.decisive:
        text += " " + _("On its own it would make the dimension positive.")
    return text


def interview_questions(indicator_id: str) -> list[str]:
    """What an interviewer can ask the person to learn whether the indicator is present, in
    the current language (the ILO/EC indicators carry them; other lists have none)."""
    ind = lookup(indicator_id)
    if not isinstance(ind, DelphiIndicator):
        return []
    return [_(text) for text in ind.questions]


def question_texts(q: Question) -> list[str]:
    """The questions to ask for ``q``: the indicator's interview questions, or for the age and
    the act the one question about them."""
    if q.kind is QuestionKind.INDICATOR and q.indicator is not None:
        return interview_questions(q.indicator)
    return [question_text(q)]


def question_groups(screening: Screening) -> list[tuple[Dimension | None, list[Question]]]:
    """The questions still to ask, by dimension (None: the age and the act, first), the groups
    in the order of their most useful question and, inside each, decisive ones first, then by
    weight (the order of ``ask_next``)."""
    groups: dict[Dimension | None, list[Question]] = {}
    for q in screening.ask_next:
        groups.setdefault(q.dimension if q.kind is QuestionKind.INDICATOR else None, []).append(q)
    return sorted(groups.items(), key=lambda g: g[0] is not None)


def conclusion(screening: Screening) -> str:
    p = screening.presumption
    if p.is_trafficking:
        if screening.is_child:
            return _(
                "Every element the child rule requires is present: an act and exploitative "
                "conditions. The means are not required for a child."
            )
        return _(
            "Every element the adult rule requires is positive: a means at recruitment, "
            "exploitative conditions and coercion at destination."
        )
    if p is Presumption.NOT_ESTABLISHED:
        missing = [
            _(REQUIREMENT_LABELS[r.requirement])
            for r in screening.requirements
            if r.state is DimensionState.NEGATIVE
        ]
        return _(
            "Not established: %(elements)s cannot be met with what was ruled out or explored."
        ) % {"elements": join_items(missing)}
    open_ = [
        _(REQUIREMENT_LABELS[r.requirement])
        for r in screening.requirements
        if r.state is DimensionState.OPEN
    ]
    return _("Still open: %(elements)s. Ask the questions below before concluding.") % {
        "elements": join_items(open_)
    }


def exploration_lines(screening: Screening) -> list[str]:
    """Which dimensions are still unexplored, and whether exploring them can change the
    outcome (a dimension not recorded as explored is not evidence of anything)."""
    lines: list[str] = []
    deciding = [dimension_label(d) for d in screening.unexplored_deciding]
    others = [
        dimension_label(d) for d in screening.unexplored if d not in screening.unexplored_deciding
    ]
    if deciding:
        lines.append(
            _(
                "Not yet explored: %(dimensions)s. Exploring them can change the outcome: ask "
                "about them, then record each one as explored, with or without findings."
            )
            % {"dimensions": format_list(deciding)}
        )
    if others:
        lines.append(
            _("Also not explored: %(dimensions)s (they would not change the outcome).")
            % {"dimensions": format_list(others)}
        )
    return lines


def _translated(data: dict[str, Any]) -> dict[str, Any]:
    """``Screening.to_dict`` with its words in the current language: the indicators' names and
    the caveats' texts (the questions: :func:`_questions_json`). Codes and ids stay as they
    are: they are the API."""
    for dim in data["dimensions"]:
        for found in dim["indicators"]:
            found["name"] = indicator_label(found["id"])
    for caveat in data["caveats"]:
        caveat["text"] = _(caveat["text"])
    return data


def _questions_json(screening: Screening) -> list[dict[str, Any]]:
    """``ask_next`` with, for each question, what it is about and what to ask, in words."""
    return [
        {**q.to_dict(), "label": question_label(q), "questions": question_texts(q)}
        for q in screening.ask_next
    ]


def explained(
    screening: Screening, include_person: bool = True, state: str | None = None
) -> dict[str, Any]:
    """``screening`` in JSON-safe form (:meth:`Screening.to_dict`) with its ``explanation``: the
    sentences of :func:`explain`, in the current language; its ``outcome`` and the ``routes``
    that apply; with ``state`` (ISO3), the ``next_steps`` there: who takes each route, in words."""
    out = {
        **_translated(screening.to_dict(include_person=include_person)),
        "ask_next": _questions_json(screening),
        "explanation": explain(screening),
        "outcome": outcome(screening).value,
        "routes": [r.value for r in routes(screening)],
    }
    if state is not None:
        out["next_steps"] = [
            {
                **step.to_dict(),
                "mechanism": _(step.mechanism) if step.mechanism else None,
                "label": _(ROUTE_LABELS[step.route]),
                "who": step_who(step),
                "details": step_details(step),
            }
            for step in next_steps(screening, state)
        ]
    return out


def explain(screening: Screening) -> list[str]:
    """The reasons for ``screening``, one sentence each, in the current language."""
    lines = [
        _(PRESUMPTION_LABELS[screening.presumption]) + ".",
        _("Profile: %(profile)s.") % {"profile": _(PROFILE_LABELS[screening.profile])},
    ]
    lines += [requirement_reason(r) for r in screening.requirements]
    lines += [
        dimension_reason(d, d.dimension in screening.explored)
        for d in screening.dimensions
        if d.indicators or any(d.dimension in r.dimensions for r in screening.requirements)
    ]
    lines.append(conclusion(screening))
    lines += exploration_lines(screening)
    if screening.labour_classification is not None:
        lines.append(
            _("In the ILO/Moldova classification of migrant workers: %(label)s.")
            % {"label": _(CLASSIFICATION_LABELS[screening.labour_classification])}
        )
    if screening.ilo_forced_labour:
        names = [_(ilo_indicator_by_number(n).name) for n in screening.ilo_forced_labour]
        lines.append(
            _("ILO forced-labour indicators concerned: %(names)s.") % {"names": format_list(names)}
        )
    forced = forced_labour_text(screening)
    if forced:
        lines.append(forced)
    if screening.ask_next:
        lines.append(
            _("Questions that would still help decide: %(n)s.") % {"n": len(screening.ask_next)}
        )
    return lines
