"""Who may do what: ONE module deciding every read and write (resource × action × scope).

Vocabulary (after Primero's RBAC, domain reference section 5.4):

- a **resource** is a kind of record (``case``, ``referral``, ``request:<instrument>`` …);
- an **action** is what is done to it (``read``, ``create``, ``update``, ``respond`` …);
- a **scope** says which records of that resource the grant reaches, seen from the user:
  ``own`` (records the user owns or is assigned to), ``agency`` (records of the user's
  agency), ``state`` (records of the user's state), ``shared`` (records shared with the user's
  agency by a referral or a cross-border request), ``held`` (records the user's agency held
  before a transfer moved them to another state), ``held_state`` (records of the user's state
  that a transfer moved to another state), ``all``.

Grants are given per practitioner kind and to administrators (``"admin"``), who are not
practitioners: an administrator's account has the kind ``admin`` whatever its agency, manages
accounts, the directory and the audit trail, and works on no case (:func:`account_kind`).
Every resource of every area is declared and granted here, once (see docs/server.md, "Adding
pages from another area"), and what other modules need to know about practitioner kinds is
asked here too: no other module compares a kind (``tests/unit/server/test_kind_checks.py``).
Services and routes ask :func:`allowed`, :func:`require` or, for list queries, :func:`scopes`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from pharos.domain.cooperation import instruments
from pharos.domain.practitioners import PractitionerKind, state_powers


class Scope(StrEnum):
    OWN = "own"
    AGENCY = "agency"
    STATE = "state"
    SHARED = "shared"
    #: the user's agency owned or was shared the record before a transfer moved it abroad
    HELD = "held"
    #: the record was of the user's state before a transfer moved it to another state
    HELD_STATE = "held_state"
    ALL = "all"


class PermissionDenied(Exception):
    """The user may not do this; routes answer 403 (or 404 where existence itself is private)."""


class IdentityView(StrEnum):
    """How much of a victim's identity a reader sees."""

    FULL = "full"
    #: a reader in a state the case was transferred away from, without the victim's consent to
    #: disclosure across borders: what their state held until the case moved, nothing added after
    HELD = "held"
    #: cross-border reader without the victim's consent: a stable pseudonym, no identifiers
    PSEUDONYMISED = "pseudonymised"
    #: journalists: never a victim's identity
    NONE = "none"


@dataclass(frozen=True)
class Principal:
    """The user as the permission rules see them."""

    user_id: int
    username: str
    agency_id: int
    state: str
    kind: str
    is_admin: bool = False


@dataclass(frozen=True)
class RecordRef:
    """What the rules need to know about one record to place it in a user's scopes."""

    state: str
    agency_id: int | None = None
    owner_user_ids: frozenset[int] = field(default_factory=frozenset)
    shared_agency_ids: frozenset[int] = field(default_factory=frozenset)
    #: agencies that owned or were shared the record in a state it was transferred away from
    held_agency_ids: frozenset[int] = field(default_factory=frozenset)
    #: the states the record was transferred away from
    held_states: frozenset[str] = field(default_factory=frozenset)
    #: agencies of another state to which the victim's identity was disclosed by a recorded
    #: override of the missing consent to disclosure across borders (while their access lasts)
    disclosed_agency_ids: frozenset[int] = field(default_factory=frozenset)


#: resource -> its actions
_RESOURCES: dict[str, set[str]] = {}
#: (role, resource, action) -> scopes; role is a PractitionerKind value or "admin"
_GRANTS: dict[tuple[str, str, str], set[Scope]] = {}
ADMIN = "admin"
ALL_KINDS: tuple[str, ...] = tuple(k.value for k in PractitionerKind)


def account_kind(kind: str, is_admin: bool) -> str:
    """The kind the rules see for an account of ``kind``: an administrator is not a
    practitioner, whatever agency the account belongs to."""
    return ADMIN if is_admin else kind


def is_practitioner_agency(kind: str) -> bool:
    """Whether an agency of ``kind`` does case work (appears in the directory, receives
    referrals): every practitioner kind, not the administrators' office."""
    return kind in ALL_KINDS


def declare(resource: str, actions: Iterable[str]) -> None:
    """Declare a resource and its actions (idempotent; actions accumulate)."""
    _RESOURCES.setdefault(resource, set()).update(actions)


def grant(roles: Iterable[str], resource: str, action: str, scopes: Iterable[Scope]) -> None:
    """Give ``roles`` (practitioner kinds or ``"admin"``) ``action`` on ``resource`` in
    ``scopes``."""
    if resource not in _RESOURCES or action not in _RESOURCES[resource]:
        raise KeyError(f"undeclared permission {resource}:{action}; call declare() first")
    for role in roles:
        _GRANTS.setdefault((role, resource, action), set()).update(scopes)


def resources() -> dict[str, frozenset[str]]:
    """Every declared resource with its actions (for documentation and the authorisation test)."""
    return {r: frozenset(a) for r, a in sorted(_RESOURCES.items())}


def scopes(p: Principal, resource: str, action: str) -> frozenset[Scope]:
    """The scopes in which ``p`` may do ``action`` on ``resource`` (empty: not at all)."""
    if resource not in _RESOURCES or action not in _RESOURCES[resource]:
        raise KeyError(f"undeclared permission {resource}:{action}")
    out = set(_GRANTS.get((p.kind, resource, action), ()))
    if p.is_admin:
        out |= _GRANTS.get((ADMIN, resource, action), set())
    return frozenset(out)


def relations(p: Principal, ref: RecordRef) -> set[Scope]:
    """The scopes in which ``ref`` lies for ``p``."""
    rel = {Scope.ALL}
    if p.user_id in ref.owner_user_ids:
        rel.add(Scope.OWN)
    if ref.agency_id is not None and ref.agency_id == p.agency_id:
        rel.add(Scope.AGENCY)
    if ref.state == p.state:
        rel.add(Scope.STATE)
    if p.agency_id in ref.shared_agency_ids:
        rel.add(Scope.SHARED)
    if p.agency_id in ref.held_agency_ids:
        rel.add(Scope.HELD)
    if p.state in ref.held_states:
        rel.add(Scope.HELD_STATE)
    return rel


def allowed(p: Principal, resource: str, action: str, ref: RecordRef | None = None) -> bool:
    """Whether ``p`` may do ``action`` on ``resource`` — on the record ``ref`` if given, else on
    some record (listing, creating)."""
    granted = scopes(p, resource, action)
    if ref is None:
        return bool(granted)
    return bool(granted & relations(p, ref))


def require(p: Principal, resource: str, action: str, ref: RecordRef | None = None) -> None:
    """Raise :class:`PermissionDenied` unless :func:`allowed`."""
    if not allowed(p, resource, action, ref):
        raise PermissionDenied(f"{p.username} may not {action} {resource}")


def identity_view(p: Principal, ref: RecordRef, cross_border_consent: bool) -> IdentityView:
    """What a reader of a case (``ref``) may see of the victim's identity.

    Journalists never see it. Readers in the case's state see it in full; readers in another
    state see it in full only if the victim consented to disclosure across borders, or if it was
    disclosed to their agency by a recorded override; readers in a state the case was
    transferred away from see what their state held until it moved (``HELD``); others see a
    pseudonymised view.
    """
    if p.kind == PractitionerKind.JOURNALIST:
        return IdentityView.NONE
    if p.state == ref.state or cross_border_consent or p.agency_id in ref.disclosed_agency_ids:
        return IdentityView.FULL
    if p.state in ref.held_states:
        return IdentityView.HELD
    return IdentityView.PSEUDONYMISED


def sees_identity(view: IdentityView) -> bool:
    """Whether a reader with ``view`` sees the victim's identity (in full, or as held)."""
    return view in (IdentityView.FULL, IdentityView.HELD)


def searches_names(p: Principal) -> bool:
    """Whether ``p`` may find cases by a person's name (in the cases of their own state, where
    they see names): not journalists, who never see a victim's identity."""
    return p.kind != PractitionerKind.JOURNALIST


def crosses_border(case_state: str, to_state: str) -> bool:
    """Whether sending a case from ``case_state`` to an agency of ``to_state`` discloses it
    across a border (then the victim's consent to disclosure across borders is needed)."""
    return case_state != to_state


def may_widen_consent(p: Principal, ref: RecordRef) -> bool:
    """Whether ``p`` may record a consent wider than the one in force without an override: only
    the case's owner (its owning agency's caseworkers)."""
    return allowed(p, "case", "widen_consent", ref)


def may_grant_reflection_period(p: Principal, state: str) -> bool:
    """Whether ``p`` may grant a recovery and reflection period in ``state``: the state's own
    practitioners of the kinds its rules name (``state_powers``), or its national coordinator."""
    if p.state != state:
        return False
    kinds = {k.value for k in state_powers(state).recovery_and_reflection.granted_by}
    return p.kind in kinds or p.kind == PractitionerKind.NATIONAL_COORDINATOR


# --- The server's own resources and grants -------------------------------------------------

K = PractitionerKind
CASEWORKERS: tuple[str, ...] = tuple(k.value for k in K if k not in (K.LAWYER, K.JOURNALIST))
WORKING = (Scope.OWN, Scope.AGENCY)
INVOLVED = (Scope.OWN, Scope.AGENCY, Scope.SHARED)

declare(
    "case",
    {"read", "create", "update", "contribute", "widen_consent", "override_consent", "audit"},
)
declare("screening", {"read", "create"})
declare("referral", {"read", "create", "respond", "update"})
declare("transfer", {"create"})
declare("reflection_period", {"create"})
declare("directory", {"read", "manage"})
declare("audit", {"verify"})
declare("account", {"manage"})
declare("dashboard", {"read"})
for _code in instruments():
    declare(f"request:{_code}", {"create"})
declare("request", {"read", "respond", "update"})

grant([*ALL_KINDS, ADMIN], "dashboard", "read", [Scope.OWN])
grant([*ALL_KINDS, ADMIN], "directory", "read", [Scope.ALL])
grant([ADMIN], "directory", "manage", [Scope.ALL])
grant([ADMIN], "account", "manage", [Scope.ALL])
grant([ADMIN], "audit", "verify", [Scope.ALL])

grant(CASEWORKERS, "case", "read", INVOLVED)
grant([K.NATIONAL_COORDINATOR], "case", "read", [Scope.STATE])
# A case transferred to another state stays readable by those who held it (what they held).
grant(CASEWORKERS, "case", "read", [Scope.HELD])
grant([K.NATIONAL_COORDINATOR], "case", "read", [Scope.HELD_STATE])
# Only the case's owner widens the victim's consent; others need an override with a reason.
grant(CASEWORKERS, "case", "widen_consent", WORKING)
grant(CASEWORKERS, "case", "create", [Scope.OWN])
grant(CASEWORKERS, "case", "update", WORKING)
grant(CASEWORKERS, "case", "contribute", INVOLVED)
grant(CASEWORKERS, "case", "audit", WORKING)
grant([K.NATIONAL_COORDINATOR], "case", "audit", [Scope.STATE])
# Overriding a missing consent is for those who answer for protection and justice.
grant(
    [K.NATIONAL_COORDINATOR, K.PUBLIC_PROSECUTOR, K.LAW_ENFORCEMENT],
    "case",
    "override_consent",
    INVOLVED,
)
# A lawyer sees only their clients (cases they are assigned to), never their colleagues'.
grant([K.LAWYER], "case", "read", [Scope.OWN])
grant([K.LAWYER], "case", "contribute", [Scope.OWN])
# A journalist sees a case only when it is shared with them, and never the victim's identity.
grant([K.JOURNALIST], "case", "read", [Scope.SHARED])
# Editing a case's records (pharos.coordinate.editing; each edit also needs the right on the
# case itself: a person ``case:update``, an event, note or plan ``case:contribute``): a note is
# its author's words, edited by its author only; a support plan (the service an agency gives)
# by its author's agency.
declare("case_note", {"update"})
declare("support_plan", {"update"})
grant([*CASEWORKERS, K.LAWYER], "case_note", "update", [Scope.OWN])
grant([*CASEWORKERS, K.LAWYER], "support_plan", "update", WORKING)
# Tasks and assignment (pharos.coordinate.tasks): the agency holding a case gives it to one of
# its caseworkers; anyone working on a case gives a task on it to a colleague of their own
# agency; a task is its agency's (scope agency on the task's agency; own: its assignee's and
# creator's), never another agency's business.
declare("case", {"assign"})
declare("task", {"read", "create", "update"})
grant(CASEWORKERS, "case", "assign", WORKING)
grant([*CASEWORKERS, K.LAWYER], "task", "create", INVOLVED)
grant([*CASEWORKERS, K.LAWYER], "task", "read", WORKING)
grant([*CASEWORKERS, K.LAWYER], "task", "update", WORKING)

grant(CASEWORKERS, "screening", "create", [Scope.OWN])
grant(CASEWORKERS, "screening", "read", WORKING)

grant(CASEWORKERS, "referral", "create", WORKING)
grant(CASEWORKERS, "transfer", "create", WORKING)
grant([*CASEWORKERS, K.LAWYER, K.JOURNALIST], "referral", "read", INVOLVED)
grant([*CASEWORKERS, K.LAWYER, K.JOURNALIST], "referral", "respond", [Scope.SHARED])
grant(CASEWORKERS, "referral", "update", WORKING)
grant(CASEWORKERS, "reflection_period", "create", INVOLVED)

# Who may send a request by each instrument: its ``senders`` (``data/instruments.yaml``).
for _spec in instruments().values():
    grant([k.value for k in _spec.senders], f"request:{_spec.id}", "create", INVOLVED)
grant(CASEWORKERS, "request", "read", INVOLVED)
grant(CASEWORKERS, "request", "respond", [Scope.SHARED])
grant(CASEWORKERS, "request", "update", WORKING)
grant([K.NATIONAL_COORDINATOR], "request", "read", [Scope.STATE])

# Exports (issue 18, item 8): a case file to PDF (a court or shelter hand-over) and case lists
# to CSV, for those who read the case and do case work on it; what an export holds is what the
# reader sees (identity by ``identity_view``). Journalists export nothing.
declare("case", {"export"})
grant(CASEWORKERS, "case", "export", [*INVOLVED, Scope.HELD])
grant([K.NATIONAL_COORDINATOR], "case", "export", [Scope.STATE, Scope.HELD_STATE])
grant([K.LAWYER], "case", "export", [Scope.OWN])

# Attachments (issue 18, item 4): files on a case, a referral or a reply to a request. They are
# added by those who contribute to the case (or answer the request) and read by the case's
# readers, and then only where :func:`sees_attachment` allows: a scanned passport or a signed
# statement is the victim's identity.
declare("attachment", {"read", "create"})
grant(CASEWORKERS, "attachment", "read", [*INVOLVED, Scope.HELD])
grant([K.NATIONAL_COORDINATOR], "attachment", "read", [Scope.STATE, Scope.HELD_STATE])
grant([K.LAWYER], "attachment", "read", [Scope.OWN])
grant(CASEWORKERS, "attachment", "create", INVOLVED)
grant([K.LAWYER], "attachment", "create", [Scope.OWN])


def sees_attachment(p: Principal, view: IdentityView, uploaded_by_agency: int) -> bool:
    """Whether ``p``, who reads a case in ``view``, may open a file attached to it: a document
    about the victim (a passport scan, a signed statement, a photo) is identity data, so only
    those who see the victim's identity open it, and the agency that uploaded it (it holds the
    file already); never journalists."""
    if p.kind == PractitionerKind.JOURNALIST:
        return False
    return sees_identity(view) or p.agency_id == uploaded_by_agency


# --- The other areas' resources and grants (every resource is declared here, once) ---------

# Reading the whole audit trail (every user's reads and changes, every case): administrators
# only; a case's own trail is on its page for those who may audit the case (``case:audit``).
declare("audit", {"read"})
grant([ADMIN], "audit", "read", [Scope.ALL])

# Exercises: everyone reads them (administrators too: an exercise is no case, and they direct
# the exercises with no creator recorded, or create their own); national coordinators and
# administrators create them (the creator heads the exercise's control team and names
# co-directors; directing an exercise is being on its control team,
# pharos.exercise.runtime.service.role_of).
declare("exercise", {"read", "direct"})
grant([*ALL_KINDS, ADMIN], "exercise", "read", [Scope.ALL])
grant([K.NATIONAL_COORDINATOR, ADMIN], "exercise", "direct", [Scope.ALL])
# The scenario studio (issue 17, item 1): those who may direct an exercise write its scenarios
# (every hidden truth is in them, so no one else reads them either).
declare("exercise_scenario", {"read", "write"})
grant([K.NATIONAL_COORDINATOR, ADMIN], "exercise_scenario", "read", [Scope.ALL])
grant([K.NATIONAL_COORDINATOR, ADMIN], "exercise_scenario", "write", [Scope.ALL])

# The hidden-figure estimate. Overlap tables are aggregates without personal data: anyone signed
# in may estimate from a published example or a table of their own. Building a table from
# Pharos' cases reads every agency's victims of a state: coordinators only.
declare("estimate", {"read", "cases"})
grant(ALL_KINDS, "estimate", "read", [Scope.ALL])
grant([K.NATIONAL_COORDINATOR], "estimate", "cases", [Scope.STATE])

# Designed experiments. Their results are model outputs without personal data, but they are
# analysts' working material: national coordinators, international organisations and the
# administrator read them.
declare("analysis", {"read"})
grant(
    [K.NATIONAL_COORDINATOR, K.INTERNATIONAL_ORGANISATION, ADMIN], "analysis", "read", [Scope.ALL]
)

# Simulation runs started from /analysis (a bundled scenario and its interventions, run in the
# background on the server): the same analysts list and read every run and start their own;
# only the analyst who started a run cancels or deletes it.
declare("simulation", {"read", "create", "cancel", "delete"})
ANALYSTS = [K.NATIONAL_COORDINATOR, K.INTERNATIONAL_ORGANISATION, ADMIN]
grant(ANALYSTS, "simulation", "read", [Scope.ALL])
grant(ANALYSTS, "simulation", "create", [Scope.ALL])
grant(ANALYSTS, "simulation", "cancel", [Scope.OWN])
grant(ANALYSTS, "simulation", "delete", [Scope.OWN])

# The learn area.
# - ``learn:import``: the national coordinator (and administrators) upload CTDC, HTCDS or UNODC
#   files on the import page; importing case data changes what everyone sees.
# - ``learn:delete``: the same people delete a dataset from the analytics store (audited).
# - ``learn:export``: the same people write a k-anonymous file for publication on the export
#   page and download it (both audited); the file holds row-level data, however generalised.
# - ``learn:read``: analytics, trends and the equal-protection monitor show only aggregates that
#   passed the small-cell rule, so every practitioner may read them.
# - ``lesson``: every practitioner reads the library and may add lessons from their work.
# - ``improvement``: an agency tracks its own improvement plan; the national coordinator sees
#   and updates every item of the state.
declare("learn", {"read", "import", "delete", "export"})
declare("lesson", {"read", "create"})
declare("improvement", {"read", "create", "update"})
grant([*ALL_KINDS, ADMIN], "learn", "read", [Scope.ALL])
grant([*ALL_KINDS, ADMIN], "lesson", "read", [Scope.ALL])
grant(ALL_KINDS, "lesson", "create", [Scope.OWN])
grant([K.NATIONAL_COORDINATOR, ADMIN], "learn", "import", [Scope.ALL])
grant([K.NATIONAL_COORDINATOR, ADMIN], "learn", "delete", [Scope.ALL])
grant([K.NATIONAL_COORDINATOR, ADMIN], "learn", "export", [Scope.ALL])
grant(ALL_KINDS, "improvement", "read", [Scope.AGENCY])
grant(ALL_KINDS, "improvement", "create", [Scope.AGENCY])
grant(ALL_KINDS, "improvement", "update", [Scope.AGENCY])
grant([K.NATIONAL_COORDINATOR], "improvement", "read", [Scope.STATE])
grant([K.NATIONAL_COORDINATOR], "improvement", "update", [Scope.STATE])

# Notifications (pharos.coordinate.notifications): each user reads and marks read their own, and
# nobody else's (administrators included; they are told nothing about cases, being no
# practitioners, but the page is theirs too).
declare("notification", {"read", "update"})
grant([*ALL_KINDS, ADMIN], "notification", "read", [Scope.OWN])
grant([*ALL_KINDS, ADMIN], "notification", "update", [Scope.OWN])


# --- What the rest of Pharos asks about practitioner kinds ----------------------------------
# (no ``kind ==`` outside this module: tests/unit/server/test_kind_checks.py)

#: The state's national anti-trafficking coordinator: reads the state's cases and requests,
#: receives the requests overdue in its state (escalation) and, in an exercise's sandbox, every
#: request no other agency of its state receives, and follows as a spectator an exercise it does
#: not direct; the demo's administrator belongs to it.
COORDINATOR = K.NATIONAL_COORDINATOR


def holds_cases(kind: str) -> bool:
    """Whether an agency of ``kind`` may be given a case (a transfer): every caseworker kind,
    not lawyers (they represent a victim in a case held by others) nor journalists."""
    return kind in CASEWORKERS


def represents_victim(p: Principal) -> bool:
    """Whether accepting a referral makes ``p`` the victim's representative in the case (then
    ``p`` is assigned to it): lawyers."""
    return p.kind == K.LAWYER
