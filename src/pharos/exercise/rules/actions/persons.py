"""Player actions on a person: interview, screen, open a case, identify, grant a recovery and
reflection period, register an asylum claim, give legal advice, refer.

Who may identify a victim or grant a recovery and reflection period follows the state's powers
in ``pharos.domain.practitioners`` (so a labour inspector in Italy must refer for
identification, as the law there requires). Both need reasonable grounds first — a screening
that concluded "possible victim" (``PersonaState.reasonable_grounds``), as the engine's
competent bodies require when they decide a referral for identification.
"""

from __future__ import annotations

from pharos.domain import consent
from pharos.domain.practitioners import PractitionerKind as K
from pharos.domain.practitioners import state_powers
from pharos.domain.screening import Observation, Person, screen
from pharos.domain.screening_types import Screening as DomainScreening
from pharos.exercise.rules import agencies, assistance
from pharos.exercise.rules import personas as pers
from pharos.exercise.rules.actions.spec import (
    CONSENT_FIELDS,
    PERSON_FORM,
    Acting,
    Action,
    Attempt,
    CaseStep,
    Choice,
    Form,
    Target,
    case_holder,
    kinds_text,
)
from pharos.exercise.rules.personas import Interview
from pharos.exercise.rules.played import played_team
from pharos.exercise.rules.state import ExerciseState, Message, Screening
from pharos.exercise.rules.world import bring, position
from pharos.exercise.scenario.schema import ExerciseScenario, day_to_minutes
from pharos.exercise.words import wording as w
from pharos.exercise.words.names import MISSING, Entry, Names, given, team_and_person
from pharos.i18n import _, lazy_gettext, lazy_pgettext

CONCLUSIONS = ("possible_victim", "not_a_victim", "insufficient_information")
#: the team's conclusion when it gives none: from the domain's presumption
CONCLUSION_OF = {
    "not_established": "not_a_victim",
    "insufficient_information": "insufficient_information",
}
REFERRALS = (
    "competent_authority",
    "shelter",
    "ngo_assistance",
    "child_protection",
    "health",
    "legal_aid",
)
SHELTER_OPS = agencies.SHELTER_OPERATORS


def screening_of(sc: ExerciseScenario, persona: str, indicators: list[str]) -> DomainScreening:
    """The domain's screening (``pharos.domain.screening.screen``) of what a team observed about
    a persona: its presumption and its reasons (``pharos.domain.explain``)."""
    c = sc.character(persona)
    person = Person(age=c.age, unaccompanied="unaccompanied_children" in c.groups)
    return screen([Observation(i) for i in sorted(set(indicators))], person)


def presume(sc: ExerciseScenario, persona: str, indicators: list[str]) -> str:
    """The domain's screening presumption for what a team observed about a persona."""
    return screening_of(sc, persona, indicators).presumption.value


# -- interview -----------------------------------------------------------------------------------
def _check_interview(a: Attempt) -> str | None:
    if a.p.get("approach") not in pers.APPROACHES:
        return _("choose an approach: %(list)s") % {"list": ", ".join(pers.APPROACHES)}
    if a.p.get("setting") not in pers.SETTINGS:
        return _("choose a setting: %(list)s") % {"list": ", ".join(pers.SETTINGS)}
    return None


def _exploiter_at(sc: ExerciseScenario, st: ExerciseState, place: str) -> bool:
    return any(
        ch.network and ch.id not in st.arrested and position(st, sc, ch.id) == place
        for ch in sc.characters
    )


def _interview(a: Acting) -> None:
    ps, c = a.person
    p, sc, m = a.p, a.sc, a.minute
    exploiter = bool(p.get("exploiter_present")) or (
        p["setting"] == "where_found" and _exploiter_at(sc, a.st, ps.place)
    )
    safe = (
        p["setting"] == "shelter"
        or (p["setting"] == "office" and a.team.agency_kind.value in pers.SAFE_KINDS)
        or (p["setting"] == "where_found" and sc.place(ps.place).safe)
    )
    iv = Interview(
        a.team.id,
        str(p.get("interviewer", a.team.id)),
        p["approach"],
        p.get("interpreter") or None,
        p["setting"],
        bool(p.get("threats")),
        exploiter,
    )
    effects, new = pers.interview(c, ps, a.team, iv, safe, m)
    a.detail["trust_after"] = ps.trust
    a.detail["effects"] = effects
    a.detail["disclosed"] = [d.id for d in new]
    for rung in new:
        a.own.statements.append({"persona": ps.id, "disclosure": rung.id, "minute": m})
        a.st.log(m, "persona_disclosed", a.team.id, persona=ps.id, disclosure=rung.id)


def _say_interview(e: Entry, n: Names) -> str:
    how = [w.choice(e.get("approach")) if e.get("approach") else MISSING]
    if e.get("interpreter"):
        how.append(
            _("interpreter in %(l)s") % {"l": w.language(e["interpreter"], in_sentence=True)}
        )
    else:
        how.append(_("no interpreter"))
    if e.get("setting"):
        how.append(w.choice(e["setting"]))
    if e.get("threats"):
        how.append(_("mentioned detention or removal"))
    args = {**team_and_person(e, n), "how": ", ".join(how)}
    if e.get("trust_after") is None:
        return _("%(t)s interviewed %(p)s (%(how)s)") % args
    return _("%(t)s interviewed %(p)s (%(how)s): trust %(n)s") % {**args, "n": e["trust_after"]}


INTERVIEW = Action(
    name="interview",
    label=lazy_pgettext("noun", "interview"),
    sentence=_say_interview,
    target=Target.PERSON,
    check=_check_interview,
    apply=_interview,
    form=Form("exercise/actions/interview.html"),
)


# -- screen --------------------------------------------------------------------------------------
def _check_screen(a: Attempt) -> str | None:
    if a.p.get("conclusion") not in (None, *CONCLUSIONS):
        return _("choose a conclusion: %(list)s") % {"list": ", ".join(CONCLUSIONS)}
    try:
        presume(a.sc, a.p["persona"], a.p.get("indicators", []))
    except (ValueError, KeyError) as exc:
        return str(exc)
    return None


def _screen(a: Acting) -> None:
    ps, _c = a.person
    indicators = sorted(set(a.p.get("indicators", [])))
    presumption = presume(a.sc, ps.id, indicators)
    conclusion = a.p.get("conclusion") or CONCLUSION_OF.get(presumption, "possible_victim")
    ps.screenings.append(Screening(a.team.id, a.minute, indicators, conclusion, presumption))
    a.detail["presumption"] = presumption
    a.detail["conclusion"] = conclusion


def _say_screen(e: Entry, n: Names) -> str:
    return _("%(t)s screened %(p)s: %(c)s") % {
        **team_and_person(e, n),
        "c": w.choice(e.get("conclusion")) if e.get("conclusion") else MISSING,
    }


SCREEN = Action(
    name="screen",
    label=lazy_gettext("screening"),
    sentence=_say_screen,
    target=Target.PERSON,
    check=_check_screen,
    apply=_screen,
    form=Form("exercise/actions/screen.html"),
    projection=CaseStep.SCREENING,
)


# -- open a case, identify, a recovery and reflection period -------------------------------------
def _open_case(a: Acting) -> None:
    ps, _c = a.person
    ps.cases.setdefault(a.team.id, a.minute)


OPEN_CASE = Action(
    name="open_case",
    label=lazy_gettext("case opened"),
    sentence=lambda e, n: _("%(t)s opened a case for %(p)s") % team_and_person(e, n),
    target=Target.PERSON,
    apply=_open_case,
    form=PERSON_FORM,
    button=lazy_gettext("Open a case"),
    projection=CaseStep.OPEN_CASE,
)


def _check_identify(a: Attempt) -> str | None:
    if not a.powers.may_identify(a.team.agency_kind):
        return _("in this state only these may formally identify a victim: %(kinds)s") % {
            "kinds": kinds_text(a.powers.formal_identification.kinds)
        }
    if not a.st.personas[a.p["persona"]].reasonable_grounds:
        return _("a formal identification needs reasonable grounds: screen first")
    return None


def _identify(a: Acting) -> None:
    ps, _c = a.person
    if ps.identified_at is None:
        ps.identified_at, ps.identified_by = a.minute, a.team.id


IDENTIFY = Action(
    name="identify",
    label=lazy_gettext("identification as a victim"),
    sentence=lambda e, n: _("%(t)s identified %(p)s as a victim") % team_and_person(e, n),
    target=Target.PERSON,
    check=_check_identify,
    apply=_identify,
    form=PERSON_FORM,
    button=lazy_gettext("Identify as a victim"),
    projection=CaseStep.IDENTIFICATION,
)


def _check_recovery_period(a: Attempt) -> str | None:
    if a.team.agency_kind not in a.powers.recovery_and_reflection.granted_by:
        return _("in this state only these may grant the period: %(kinds)s") % {
            "kinds": kinds_text(a.powers.recovery_and_reflection.granted_by)
        }
    if not a.st.personas[a.p["persona"]].reasonable_grounds:
        return _("a recovery and reflection period needs reasonable grounds: screen first")
    return None


def _grant_recovery_period(a: Acting) -> None:
    ps, c = a.person
    if ps.rrp_granted_at is None:
        days = state_powers(a.team.state).recovery_and_reflection.days
        m = a.minute
        ps.rrp_granted_at, ps.rrp_until = m, m + days * 1440
        pers.set_trust(ps, m, ps.trust + c.trust_rules.protection_granted, "protection_granted")


GRANT_RECOVERY_PERIOD = Action(
    name="grant_recovery_period",
    label=lazy_gettext("recovery and reflection period granted"),
    sentence=lambda e, n: (
        _("%(t)s granted %(p)s a recovery and reflection period") % team_and_person(e, n)
    ),
    target=Target.PERSON,
    check=_check_recovery_period,
    apply=_grant_recovery_period,
    form=PERSON_FORM,
    button=lazy_gettext("Grant a recovery and reflection period"),
    projection=CaseStep.REFLECTION_PERIOD,
)


# -- asylum, legal advice ------------------------------------------------------------------------
def _register_asylum_claim(a: Acting) -> None:
    ps, _c = a.person
    ps.asylum_registered_at = ps.asylum_registered_at or a.minute


REGISTER_ASYLUM_CLAIM = Action(
    name="register_asylum_claim",
    label=lazy_gettext("asylum claim registered"),
    sentence=lambda e, n: _("%(t)s registered an asylum claim for %(p)s") % team_and_person(e, n),
    kinds=frozenset({K.MIGRATION_ASYLUM}),
    target=Target.PERSON,
    apply=_register_asylum_claim,
    form=PERSON_FORM,
    button=lazy_gettext("Register an asylum claim"),
)


def _give_legal_advice(a: Acting) -> None:
    ps, _c = a.person
    ps.legal_advice_at = ps.legal_advice_at or a.minute


GIVE_LEGAL_ADVICE = Action(
    name="give_legal_advice",
    label=lazy_gettext("legal advice given"),
    sentence=lambda e, n: _("%(t)s gave legal advice to %(p)s") % team_and_person(e, n),
    kinds=frozenset({K.LAWYER, K.NGO}),
    target=Target.PERSON,
    apply=_give_legal_advice,
    form=PERSON_FORM,
    button=lazy_gettext("Give legal advice"),
)


# -- refer ---------------------------------------------------------------------------------------
def _consent_for_referral(a: Attempt) -> str | None:
    """The case tools refer from a case file, with the consent it records (what the player
    ticks now is added to it): refused here as it would be there, so that the exercise never
    counts a referral the case tools refused (issue 17)."""
    ps = a.st.personas[a.p["persona"]]
    holder = case_holder(ps, a.team.id)
    if holder is None:
        return _("open a case about this person first: a referral is made from the case file")
    given = set(ps.consents.get(holder, [])) | set(a.p.get("consent", []))
    have = {CONSENT_FIELDS[x] for x in given if x in CONSENT_FIELDS}
    missing = [n for n in consent.needed("referral", crosses_border=False) if n not in have]
    if missing:
        return _(
            "the person has not consented to: %(what)s. Tick the consent the person gives to "
            "refer them"
        ) % {"what": consent.in_words(missing)}
    return None


def _check_refer(a: Attempt) -> str | None:
    to, pid = a.p.get("to"), a.p["persona"]
    if to not in REFERRALS:
        return _("choose where to refer: %(list)s") % {"list": ", ".join(REFERRALS)}
    if to == "child_protection" and a.sc.character(pid).age >= 18:
        return _("child protection is for children")
    if a.st.consent_checked:
        refused = _consent_for_referral(a)
        if refused is not None:
            return refused
    if a.st.referrals_decided:
        return assistance.check_refer(a.st, pid, to)
    return None


def _refer(a: Acting) -> None:
    ps, c = a.person
    sc, st, team, m, to = a.sc, a.st, a.team, a.minute, a.p["to"]
    ps.referrals.append({"minute": m, "team": team.id, "to": to})
    if to == "competent_authority":
        # the competent body's policy: people (its inbox) or the engine's SOP (a decision)
        receiver = played_team(sc, ps.state, state_powers(ps.state).formal_identification.kinds)
        if receiver is not None:
            bring(st, ps.id, receiver.id, m)
            st.teams[receiver.id].inbox.append(
                Message(
                    f"ref-{a.seq}",
                    m,
                    "message",
                    team.name,
                    "Referral for identification",
                    f"{c.name} ({ps.id})",
                )
            )
        elif ps.pending_identification is None and ps.identified_at is None:
            lo, hi = sc.world.identification_delay_days
            delay = pers.rng(st.seed, "identification", ps.id, a.seq).uniform(lo, hi)
            ps.pending_identification = m + max(1, day_to_minutes(delay))
    elif to == "shelter" and played_team(sc, ps.state, SHELTER_OPS) is None:
        # nobody plays the shelter operator: its policy decides on a finite number of places
        if ps.referred_at is None:
            ps.referred_at = m
        if not ps.sheltered and ps.pending_shelter is None:
            ps.pending_shelter = m
            ps.shelter_by = SHELTER_OPS[0].value
            ps.shelter_referrer = team.id
    else:
        if ps.referred_at is None:
            ps.referred_at = m
        operator = assistance.receiver(sc, ps.state, to) if st.referrals_decided else None
        if operator is not None and operator.id != team.id:
            # a played operator decides (answer_referral): nothing is granted yet
            a.detail["referral"] = assistance.refer(sc, st, team, ps, to, operator, a.seq).id
        elif to in assistance.SERVICES:
            assistance.inform_operators(sc, st, team, ps, to, a.seq)
            assistance.grant(sc, st, ps, to)


REFER = Action(
    name="refer",
    label=lazy_gettext("referral"),
    sentence=lambda e, n: (
        _("%(t)s referred %(p)s to %(to)s")
        % {**team_and_person(e, n), "to": w.choice(given(e, "to"))}
    ),
    target=Target.PERSON,
    check=_check_refer,
    apply=_refer,
    form=PERSON_FORM,
    button=lazy_gettext("Refer"),
    choice=Choice("to", REFERRALS, lazy_gettext("Refer to")),
    projection=CaseStep.REFERRAL,
)
