"""The bookkeeping of the projector (``pharos.exercise.sandbox.projector``): which sandbox case is
about which persona and team, how a refusal of the case tools is recorded, and the lookups the
team's actions and the engine's decisions share."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from pharos.coordinate import audit, cases, referrals, requests
from pharos.coordinate.permissions import PermissionDenied, Principal, allowed
from pharos.coordinate.validation import ValidationFailed
from pharos.coordinate.vocabulary import PersonRole, ReferralStatus
from pharos.exercise.rules.actions.spec import CONSENT_FIELDS
from pharos.exercise.rules.events import Event
from pharos.exercise.rules.world import initial_state
from pharos.exercise.sandbox import case_words as cw
from pharos.exercise.sandbox.database import Database, Member
from pharos.exercise.scenario.schema import Character
from pharos.i18n import _
from pharos.store.models import Case, CaseNote, CrossBorderRequest, Referral

log = logging.getLogger("pharos.exercise.sandbox.projector")

T = TypeVar("T")

#: what the coordinate layer may refuse (anything else is a bug, logged with its trace)
REFUSALS = (ValidationFailed, PermissionDenied, cases.NotFound)
ACTUAL = {"trafficking_status": "actual_victim"}
GENDER = {"woman": "feminine", "girl": "feminine", "man": "masculine", "boy": "masculine"}


class ProjectionError(RuntimeError):
    """The events do not follow the last one projected."""


def names(c: Character) -> tuple[str, str]:
    first, _sep, rest = c.name.partition(" ")
    return first, rest


class ProjectorBase:
    def __init__(self, db: Database, seed: int) -> None:
        self.sb = db
        self.sc = db.scenario
        self.state = initial_state(self.sc, db.exercise_id, seed)
        self.last_seq = 0
        self.case_persona: dict[int, str] = {}  # sandbox case -> persona
        self.own_cases: dict[tuple[str, str], int] = {}  # (team, persona) -> its case
        self.screenings: dict[int, tuple[str, str]] = {}  # screening -> (team, persona)
        self.requests: dict[str, int] = {}  # exercise request id -> sandbox request
        self.referrals: dict[str, int] = {}  # exercise referral (REF-<seq>) -> sandbox referral
        self.lapsed: set[str] = set()  # exercise referrals whose lapse is projected
        self.words = cw.Words()  # the data of the texts written into the sandbox's records

    def _try(
        self,
        session: Session,
        ev: Event,
        m: Member | None,
        what: str,
        fn: Callable[[], T],
        case_id: int | None = None,
    ) -> T | None:
        """Run one service call in a savepoint; a refusal is recorded and gives None."""
        try:
            with session.begin_nested():
                return fn()
        except REFUSALS as exc:
            reason: str
            if isinstance(exc, ValidationFailed):
                reason = cw.joined(exc.errors.values(), "; ")  # the messages, not the field names
            elif isinstance(exc, PermissionDenied):
                log.info("exercise %s: event %s (%s): %s", ev.exercise_id, ev.seq, what, exc)
                reason = _("the permission rules of the case tools do not allow it")
            else:
                reason = _("not visible to this team")
            self._refuse(session, ev, m, what, reason, case_id)
            return None

    def _refuse(
        self,
        session: Session,
        ev: Event,
        m: Member | None,
        what: str,
        reason: str,
        case_id: int | None = None,
    ) -> None:
        log.info("exercise %s: event %s (%s) refused: %s", ev.exercise_id, ev.seq, what, reason)
        p = self.sb.principal(session, m) if m is not None else None
        audit.record(
            session,
            p,
            "exercise_refused",
            "exercise_action",
            ev.seq,
            case_id=case_id,
            detail={"action": what, "reason": cw.data(reason), "team": m.team if m else None},
        )
        if case_id is not None:
            case = session.get(Case, case_id)
            author = m.user_id if m is not None else (case.owner_user_id if case else None)
            if author is not None:
                text = _("Not recorded by the case tools (exercise action %(action)s): %(reason)s")
                args = {"action": cw.ref("action", what, what), "reason": reason}
                session.add(
                    CaseNote(case_id=case_id, author_id=author, text=self.words.keep(text % args))
                )
                session.flush()

    def _persona_cases(self, persona: str) -> list[int]:
        return sorted(c for c, per in self.case_persona.items() if per == persona)

    def _case_for(self, session: Session, p: Principal, team: str, persona: str) -> Case | None:
        """The team's own case about ``persona``, else the first such case shared with it."""
        own = self.own_cases.get((team, persona))
        if own is not None:
            return session.get(Case, own)
        for cid in self._persona_cases(persona):
            case = session.get(Case, cid)
            if case is not None and allowed(p, "case", "read", cases.case_ref(session, case)):
                return case
        return None

    def _need_case(
        self, session: Session, ev: Event, m: Member, what: str, persona: str
    ) -> tuple[Principal, Case] | None:
        p = self.sb.principal(session, m)
        case = self._case_for(session, p, m.team or "", persona)
        if case is None:
            self._refuse(
                session, ev, m, what, _("no case file of this team concerns this person yet")
            )
            return None
        return p, case

    @staticmethod
    def _victim(case: Case) -> Any:
        return next(x for x in case.persons if x.role == PersonRole.VICTIM)

    def _record_consent(
        self, session: Session, ev: Event, m: Member, p: Principal, case: Case, given: Any
    ) -> None:
        """Record the consent the person gives with an action: what the player ticked is added
        to the consent in force, never taken from it (an action that does not mention a consent
        does not withdraw it; the exercise has no action that withdraws one)."""
        if not isinstance(given, list) or not given:
            return
        note = self.words.keep(_("Recorded in the exercise."))
        consent: dict[str, Any] = {"informed": True, "note": note}
        current = cases.latest_consent(session, case.id)
        consent.update(
            {
                field: key in given or bool(current is not None and getattr(current, field))
                for key, field in CONSENT_FIELDS.items()
            }
        )
        if current is not None and all(
            getattr(current, f) == consent[f] for f in CONSENT_FIELDS.values()
        ):
            return
        self._try(
            session,
            ev,
            m,
            "consent",
            lambda: cases.record_consent(session, p, case, consent),
            case.id,
        )

    def _network_cases(self, session: Session, p: Principal, network: str) -> list[Case]:
        net = next(n for n in self.sc.networks if n.id == network)
        out = []
        for cid, pid in sorted(self.case_persona.items()):
            case = session.get(Case, cid)
            if (
                case is not None
                and self.sc.character(pid).storyline in net.storylines
                and allowed(p, "case", "read", cases.case_ref(session, case))
                and cases.view_of(session, p, case).value == "full"
            ):
                out.append(case)
        # the team's own cases first
        return sorted(out, key=lambda c: (c.owner_agency_id != p.agency_id, c.id))

    def _reply(self, session: Session, ev: Event, m: Member | None, req_id: str, text: str) -> None:
        sid = self.requests.get(req_id)
        r = session.get(CrossBorderRequest, sid) if sid is not None else None
        if r is None:
            reason = _("request %(id)s is not in the case files") % {"id": req_id}
            self._refuse(session, ev, m, "answer_cross_border_request", reason)
            return
        who = m or self.sb.member_of_agency(r.receiver_agency_id)
        p = self.sb.principal(session, who)
        self._try(
            session,
            ev,
            who,
            "answer_cross_border_request",
            lambda: requests.reply(session, p, r, {"text": self.words.keep(text)}),
            r.case_id,
        )

    def _answer_referrals(
        self, session: Session, ev: Event, m: Member, persona: str, action: str, reason: str
    ) -> int:
        """Accept or reject the referrals in progress to ``m``'s agency about ``persona``."""
        n = 0
        for cid in self._persona_cases(persona):
            for r in session.execute(
                select(Referral).where(
                    Referral.case_id == cid,
                    Referral.to_agency_id == m.agency_id,
                    Referral.status == ReferralStatus.IN_PROGRESS.value,
                )
            ).scalars():
                p = self.sb.principal(session, m)
                data = {"action": action, "reason": self.words.keep(reason)}
                self._try(
                    session,
                    ev,
                    m,
                    "respond",
                    partial(referrals.respond, session, p, r, data),
                    cid,
                )
                n += 1
        return n
