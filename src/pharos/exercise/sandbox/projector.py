"""The projector: carries an exercise's events, in order, into its sandbox database by calling
the server's case services (``pharos.coordinate``) as the acting team.

Each event is first folded into the projector's own copy of the exercise state (so that what a
team knew at that moment, or the engine's reply, is at hand), then projected at the event's
**exercise time** (``pharos.store.base.clock_at``): timestamps, request due dates, reminders and
escalations, and audit entries run on the exercise clock. The services apply their own rules —
permissions, consent gates, who may identify or grant a recovery period, which instruments
exist between two states — so a step the exercise accepted may be refused here: the refusal is
recorded in the sandbox (an audit entry ``exercise_refused`` the case-files page lists, and a
note on the case when there is one) and logged; the exercise goes on.

What is projected: each player action whose declaration names a ``projection``
(``pharos.exercise.rules.actions``): a :class:`~pharos.exercise.rules.actions.spec.CaseStep`
(``open_case``, ``screen``, ``refer``, ``identify``, ``grant_recovery_period``,
``send_cross_border_request``, ``answer_cross_border_request``, ``answer_referral``: the
operator team accepts or rejects the referral) or a
:class:`~pharos.exercise.rules.actions.spec.NetworkNote` (``open_investigation``,
``request_financial_investigation``); a referral that lapsed because the person left is revoked
by the referring team; and the engine's ``decision`` events (identification, shelter, replies).
Other actions (interviews, inspections, searches, media statements, sharing, asylum claims,
legal advice) have no case tool on the server and stay in the exercise's log only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from pharos.coordinate import audit, cases, referrals, reflection, requests, screening
from pharos.coordinate.identification import set_trafficking_status
from pharos.coordinate.permissions import allowed
from pharos.coordinate.vocabulary import ReferralStatus
from pharos.domain.practitioners import PractitionerKind as K
from pharos.domain.practitioners import route_kinds, state_powers
from pharos.exercise.rules import agencies, assistance
from pharos.exercise.rules.actions.catalogue import BY_NAME
from pharos.exercise.rules.actions.spec import CaseStep, NetworkNote
from pharos.exercise.rules.events import Event, EventKind
from pharos.exercise.rules.fold import apply
from pharos.exercise.rules.played import played_team
from pharos.exercise.sandbox import case_words as cw
from pharos.exercise.sandbox.database import Database, Member, exercise_time
from pharos.exercise.sandbox.projection import (
    ACTUAL,
    GENDER,
    ProjectionError,
    ProjectorBase,
    names,
)
from pharos.exercise.story import inbox
from pharos.exercise.words import wording as w
from pharos.i18n import Message, _, recording, use_locale
from pharos.store.base import clock_at, utcnow
from pharos.store.models import Case, Referral, ScreeningRecord

log = logging.getLogger(__name__)
#: A step of the case tools for an action: (session, event, acting member, payload).
Step = Callable[[Session, Event, Member, dict[str, Any]], None]
#: where an exercise referral goes: agency kinds (first present wins) and the NRM pillar
REFERRAL_KINDS: dict[str, tuple[tuple[K, ...], int]] = {
    "shelter": (assistance.RECEIVERS["shelter"], 1),
    "ngo_assistance": (assistance.RECEIVERS["ngo_assistance"], 2),
    "health": ((K.SOCIAL_WELFARE,), 2),
}
#: referrals whose receivers are a route of the state's powers (``routes`` in
#: domain/data/powers.yaml, the one home of who provides legal aid and child protection in a
#: state, which the screening's next steps and the exercise's rules read too), with their NRM
#: pillar
ROUTE_REFERRALS: dict[str, int] = {"legal_aid": 4, "child_protection": 1}


def referral_kinds(state: str, to: str) -> tuple[tuple[K, ...], int]:
    """The agency kinds (first present wins) and NRM pillar of a referral to ``to``."""
    if to == "competent_authority":
        return state_powers(state).formal_identification.kinds or (K.LAW_ENFORCEMENT,), 1
    if to in ROUTE_REFERRALS:
        return route_kinds(state, to), ROUTE_REFERRALS[to]
    return REFERRAL_KINDS[to]


class Projector(ProjectorBase):
    def __init__(self, db: Database, seed: int) -> None:
        super().__init__(db, seed)
        #: how the case tools record each kind of step an action declares
        self._steps: dict[CaseStep, Step] = {
            CaseStep.SCREENING: self._screen,
            CaseStep.OPEN_CASE: self._open_case,
            CaseStep.REFERRAL: self._refer,
            CaseStep.IDENTIFICATION: self._identify,
            CaseStep.REFLECTION_PERIOD: self._grant_recovery_period,
            CaseStep.REQUEST: self._send_cross_border_request,
            CaseStep.REPLY: self._answer_cross_border_request,
            CaseStep.REFERRAL_ANSWER: self._answer_referral,
        }

    # -- the one way in -----------------------------------------------------------------------
    def project(self, ev: Event) -> None:
        if ev.seq != self.last_seq + 1:
            raise ProjectionError(f"event {ev.seq} does not follow {self.last_seq}")
        apply(self.sc, self.state, ev)
        self.last_seq = ev.seq
        when = exercise_time(self.sc, self.state.minute)
        # in English, every text written remembering what it was translated from (its data is
        # kept, so that a page says it in the reader's language: pharos.exercise.sandbox.case_words)
        with use_locale("en"), recording(), clock_at(when), self.sb.writing() as session:
            event.listen(session, "before_flush", self._keep_texts)
            try:
                self._project(session, ev)
            except Exception as exc:  # a bug must not stop the projection of later events
                log.exception("exercise %s: event %s not projected", ev.exercise_id, ev.seq)
                session.rollback()
                error = _("internal error: %(error)s") % {"error": str.__str__(str(exc))}
                self._refuse(session, ev, None, ev.kind.value, error)
            requests.tick(session, utcnow())
            session.commit()

    def _keep_texts(self, session: Session, _context: Any, _instances: Any) -> None:
        """The data of the translated texts the case tools write (a reply's note)."""
        for obj in session.new:
            for value in inspect(obj).dict.values():
                if isinstance(value, Message):
                    self.words.keep(value)

    def _project(self, session: Session, ev: Event) -> None:
        p = ev.payload
        self._lapse(session, ev)
        if ev.kind == EventKind.DECISION:
            self._decision(session, ev)
            return
        if ev.kind != EventKind.ACTION:
            return
        action = BY_NAME.get(str(p.get("type")))
        step = action.projection if action is not None else None
        if step is None:
            return
        m = self.sb.member_of_team(p["team"])
        if isinstance(step, NetworkNote):
            self._note_on_network(session, ev, m, p, _(step.text))
        else:
            self._steps[step](session, ev, m, p)

    # -- the team's actions -------------------------------------------------------------------
    def _screen(self, session: Session, ev: Event, m: Member, pl: dict[str, Any]) -> None:
        pid = pl["persona"]
        c = self.sc.character(pid)
        conclusion = next((s.conclusion for s in reversed(self.state.personas[pid].screenings)), "")
        data: dict[str, Any] = {
            "person_label": c.name,
            "age": c.age,
            "gender": GENDER.get(c.gender, "unknown"),
            "nationality": c.nationality,
            "unaccompanied": "unaccompanied_children" in c.groups,
            "note": self.words.keep(
                _("The team's conclusion: %(c)s") % {"c": cw.ref("choice", conclusion, conclusion)}
            ),
        }
        data.update({f"ind_{i}": "present" for i in pl.get("indicators", [])})
        p = self.sb.principal(session, m)
        rec = self._try(
            session, ev, m, "screen", lambda: screening.record_screening(session, p, data)
        )
        if rec is None:
            return
        self.screenings[rec.id] = (m.team or "", pid)
        case = self._case_for(session, p, m.team or "", pid)
        if case is not None and allowed(p, "case", "contribute", cases.case_ref(session, case)):
            rec.case_id = case.id
            audit.record(
                session, p, "attach_screening", "case", case.id, case_id=case.id,
                detail={"screening": rec.id},
            )  # fmt: skip

    def _open_case(self, session: Session, ev: Event, m: Member, pl: dict[str, Any]) -> None:
        pid, team = pl["persona"], m.team or ""
        if (team, pid) in self.own_cases:
            return  # the team's case is open already (the exercise keeps the first, too)
        c = self.sc.character(pid)
        ps = self.state.personas[pid]
        heard = set(ps.disclosed_to.get(team, []))
        told = [cw.ref("disclosure", f"{pid}/{d.id}", d.text) for d in c.ladder if d.id in heard]
        first, second = names(c)
        free = [
            sid
            for sid, (t, per) in self.screenings.items()
            if t == team and per == pid and session.get_one(ScreeningRecord, sid).case_id is None
        ]
        data: dict[str, Any] = {
            "title": c.name,
            "summary": self.words.keep(cw.joined(told, "\n")),
            "first_name": first,
            "second_name": second,
            "gender": GENDER.get(c.gender, "unknown"),
            "citizenship": c.nationality,
            "primary_language": c.languages[0],
        }
        if free:
            data["screening_id"] = max(free)
        p = self.sb.principal(session, m)
        case = self._try(session, ev, m, "open_case", lambda: cases.open_case(session, p, data))
        if case is None:
            return
        self.own_cases[(team, pid)] = case.id
        self.case_persona[case.id] = pid
        self._record_consent(session, ev, m, p, case, pl.get("consent"))

    def _refer(self, session: Session, ev: Event, m: Member, pl: dict[str, Any]) -> None:
        found = self._need_case(session, ev, m, "refer", pl["persona"])
        if found is None:
            return
        p, case = found
        self._record_consent(session, ev, m, p, case, pl.get("consent"))
        state = self.state.personas[pl["persona"]].state
        to = pl["to"]
        # as the exercise routes it: a played team of the kinds first, else the first agency
        kinds, stage = referral_kinds(state, to)
        played = played_team(self.sc, state, kinds)
        target = (
            self.sb.member_of_team(played.id)
            if played is not None
            else next((t for k in kinds if (t := self.sb.agency_for(state, k)) is not None), None)
        )
        if target is None:
            reason = _("no agency of this kind takes part in the exercise in %(state)s")
            args = {"state": cw.ref("state", state, state)}
            self._refuse(session, ev, m, "refer", reason % args, case.id)
            return
        data = {
            "to_agency_id": target.agency_id,
            "stage": stage,
            "reason": "additional_services_required",
            "details": self.words.keep(
                _("Exercise referral: %(to)s") % {"to": cw.ref("choice", to, to)}
            ),
        }
        r = self._try(
            session, ev, m, "refer", lambda: referrals.refer(session, p, case, data), case.id
        )
        if r is not None:
            self.referrals[f"REF-{ev.seq}"] = r.id

    def _answer_referral(self, session: Session, ev: Event, m: Member, pl: dict[str, Any]) -> None:
        """The operator team accepts or rejects, as its own account, the referral it answered."""
        sid = self.referrals.get(str(pl["referral"]))
        r = session.get(Referral, sid) if sid is not None else None
        if r is None:
            reason = _("referral %(id)s is not in the case files") % {"id": pl["referral"]}
            self._refuse(session, ev, m, "answer_referral", reason)
            return
        action = "accept" if pl.get("decision") == "accept" else "reject"
        text = str(pl.get("reason") or "").strip() if action == "reject" else ""
        note = str(pl.get("note") or "").strip()
        data = {"action": action, "reason": "\n".join(x for x in (text, note) if x)}
        p = self.sb.principal(session, m)
        self._try(
            session,
            ev,
            m,
            "answer_referral",
            partial(referrals.respond, session, p, r, data),
            r.case_id,
        )

    def _lapse(self, session: Session, ev: Event) -> None:
        """Referrals that lapsed (the person left) are revoked by the referring team."""
        for ref in self.state.referrals:
            if ref.status != "lapsed" or ref.id in self.lapsed:
                continue
            self.lapsed.add(ref.id)
            sid = self.referrals.get(ref.id)
            r = session.get(Referral, sid) if sid is not None else None
            if r is None or r.status != ReferralStatus.IN_PROGRESS.value:
                continue
            m = self.sb.member_of_team(ref.from_team)
            p = self.sb.principal(session, m)
            left = self.words.keep(_("The person left before an answer."))
            data = {"action": "revoke", "reason": left}
            self._try(
                session, ev, m, "referral_lapsed", partial(referrals.respond, session, p, r, data),
                r.case_id,
            )  # fmt: skip

    def _identify(self, session: Session, ev: Event, m: Member, pl: dict[str, Any]) -> None:
        found = self._need_case(session, ev, m, "identify", pl["persona"])
        if found is None:
            return
        p, case = found
        victim = self._victim(case)
        done = self._try(
            session,
            ev,
            m,
            "identify",
            partial(set_trafficking_status, session, p, case, victim, ACTUAL),
            case.id,
        )
        if done is not None:
            self._answer_referrals(session, ev, m, pl["persona"], "accept", "")

    def _grant_recovery_period(
        self, session: Session, ev: Event, m: Member, pl: dict[str, Any]
    ) -> None:
        found = self._need_case(session, ev, m, "grant_recovery_period", pl["persona"])
        if found is None:
            return
        p, case = found
        data = {"starts_on": utcnow().date().isoformat()}
        self._try(
            session,
            ev,
            m,
            "grant_recovery_period",
            lambda: reflection.grant_reflection_period(session, p, case, data),
            case.id,
        )

    def _note_on_network(
        self, session: Session, ev: Event, m: Member, pl: dict[str, Any], text: str
    ) -> None:
        p = self.sb.principal(session, m)
        net = next(n for n in self.sc.networks if n.id == pl["network"])
        name = cw.ref("network", net.id, net.name)
        found = self._network_cases(session, p, net.id)
        if not found:
            reason = _("no case file of this team concerns the network %(name)s") % {"name": name}
            self._refuse(session, ev, m, str(pl["type"]), reason)
        for case in found:
            note = {"text": self.words.keep(text % {"name": name})}
            self._try(
                session,
                ev,
                m,
                str(pl["type"]),
                partial(cases.add_note, session, p, case, note),
                case.id,
            )

    def _send_cross_border_request(
        self, session: Session, ev: Event, m: Member, pl: dict[str, Any]
    ) -> None:
        req_id = f"CBR-{ev.seq}"
        p = self.sb.principal(session, m)
        case: Case | None = None
        if pl.get("persona"):
            case = self._case_for(session, p, m.team or "", pl["persona"])
            about = _("a person in case %(ref)s") % {"ref": case.reference} if case else ""
        else:
            net = next(n for n in self.sc.networks if n.id == pl["network"])
            cands = self._network_cases(session, p, net.id)
            case = cands[0] if cands else None
            about = cw.ref("network", net.id, net.name)
        if case is None:
            reason = _("no case file of this team concerns what the request is about")
            self._refuse(session, ev, m, "send_cross_border_request", reason)
            return
        subject = self.words.keep(_("%(request)s: %(about)s") % {"request": req_id, "about": about})
        data = {
            "type": pl["instrument"],
            "receiver_state": pl["to_state"],
            "subject": subject,
            "body": str(pl.get("question") or "") or subject,
        }
        r = self._try(
            session,
            ev,
            m,
            "send_cross_border_request",
            lambda: requests.send(session, p, case, data),
            case.id,
        )
        if r is not None:
            self.requests[req_id] = r.id

    def _answer_cross_border_request(
        self, session: Session, ev: Event, m: Member, pl: dict[str, Any]
    ) -> None:
        text = str(pl.get("answer", "")).strip()
        if pl.get("decline"):
            text = _("Declined: %(text)s") % {"text": text} if text else _("Declined.")
        self._reply(session, ev, m, str(pl["request"]), text)

    # -- the engine's decisions ---------------------------------------------------------------
    def _decision(self, session: Session, ev: Event) -> None:
        pl = ev.payload
        point = pl.get("point")
        if point == agencies.REPLY:
            req = next(r for r in self.state.requests if r.id == pl["subject"])
            msg = next(
                (x for x in self.state.teams[req.from_team].inbox if x.id == f"reply-{req.id}"),
                None,
            )
            # the engine's reply as written in the exercise, said as the team's inbox says it
            said = inbox.shown(msg, self.state.requests).body if msg else str(req.answer)
            body = cw.said_as(msg.body, said) if msg else said
            self._reply(session, ev, None, req.id, body)
            return
        m = self.sb.agency_for(str(pl["state"]), str(pl["agency"]))
        if m is None:
            return
        pid, outcome = str(pl["subject"]), str(pl.get("outcome"))
        raw = str(pl.get("reason") or outcome)
        reason = cw.said_as(raw, w.engine_reason(raw))
        if point == agencies.IDENTIFICATION:
            if outcome == "identified":
                p = self.sb.principal(session, m)
                for cid in self._persona_cases(pid):
                    case = session.get(Case, cid)
                    if case is None or not allowed(
                        p, "case", "contribute", cases.case_ref(session, case)
                    ):
                        continue
                    victim = self._victim(case)
                    self._try(
                        session,
                        ev,
                        m,
                        "identify",
                        partial(set_trafficking_status, session, p, case, victim, ACTUAL),
                        cid,
                    )
            action = "accept" if outcome == "identified" else "reject"
            self._answer_referrals(session, ev, m, pid, action, reason)
        elif point == agencies.SHELTER:
            if outcome == "waiting":
                p = self.sb.principal(session, m)
                note = {"text": self.words.keep(_("No shelter place free: on the waiting list."))}
                for cid in self._persona_cases(pid):
                    case = session.get(Case, cid)
                    if case is not None and allowed(
                        p, "case", "contribute", cases.case_ref(session, case)
                    ):
                        self._try(
                            session,
                            ev,
                            m,
                            "shelter",
                            partial(cases.add_note, session, p, case, note),
                            cid,
                        )
                return
            action = "accept" if outcome == "admitted" else "reject"
            if not self._answer_referrals(session, ev, m, pid, action, reason):
                why = _("no referral to this agency is in progress in the case files")
                self._refuse(session, ev, m, "shelter", why)
