"""The names of the demo's agencies and accounts in the reader's language.

The demo (:mod:`pharos.coordinate.demo`) names its agencies by kind and city ("Law enforcement —
Ragusa (demo)") and its accounts by state and kind ("Italy: Law enforcement"); the database keeps
those names in English, as the loader built them. They are built here, once: the loader stores
the English build, and every page shows the build in the reader's language ("الشرطة — راغوزا
(تجريبي)") for a record whose stored name is still that English build. A name someone gave or
changed (an agency registered by an administrator, a renamed account) is shown as stored.

The kinds are the catalogs' practitioner labels; the cities and organisations are ``names`` of
``coordinate/data/demo.yaml`` (the usual name in each language, as the bundled exercise writes
them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from pharos.domain.datafiles import load_data_file
from pharos.domain.geography import country_name
from pharos.domain.practitioners import PRACTITIONER_LABELS, PractitionerKind
from pharos.i18n import N_, current_locale, gettext, use_locale

#: the package whose data folder holds ``demo.yaml``
DATA = "pharos.coordinate"
#: the kind of the administrators' office (pharos.coordinate.permissions.ADMIN)
ADMIN_KIND = "admin"
AGENCY_NAME = N_("%(kind)s — %(city)s (demo)")
ADMIN_AGENCY_NAME = N_("Pharos administration — %(city)s (demo)")
ACCOUNT_NAME = N_("%(state)s: %(kind)s")
SECOND_ACCOUNT_NAME = N_("%(name)s (2)")
IO_ACCOUNT_NAME = N_("%(organisation)s (%(city)s)")
ADMIN_ACCOUNT_NAME = N_("Pharos administrator")


class _Agency(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def city(self) -> str | None: ...
    @property
    def organisation(self) -> str | None: ...


class _User(Protocol):
    @property
    def display_name(self) -> str: ...
    @property
    def kind(self) -> str | None: ...
    @property
    def state(self) -> str | None: ...
    @property
    def agency(self) -> _Agency: ...


def local_name(english: str) -> str:
    """A city's or an organisation's usual name in the current language (``names`` of
    demo.yaml), else as written."""
    names = load_data_file("demo.yaml", DATA).get("names") or {}
    return str((names.get(english) or {}).get(current_locale(), english))


def _kind_label(kind: str) -> str:
    return gettext(PRACTITIONER_LABELS[PractitionerKind(kind)])


def demo_agency_name(kind: str, city: str, organisation: str = "") -> str:
    """The name the demo gives an agency of ``kind`` in ``city``, in the current language."""
    where = local_name(city)
    if kind == ADMIN_KIND:
        return gettext(ADMIN_AGENCY_NAME) % {"city": where}
    who = local_name(organisation) if organisation else _kind_label(kind)
    return gettext(AGENCY_NAME) % {"kind": who, "city": where}


def demo_account_name(state: str, kind: str, *, second: bool = False) -> str:
    """The display name of a demo practitioner's account, in the current language."""
    name = gettext(ACCOUNT_NAME) % {"state": _country(state), "kind": _kind_label(kind)}
    return gettext(SECOND_ACCOUNT_NAME) % {"name": name} if second else name


def demo_io_account_name(organisation: str, city: str) -> str:
    return gettext(IO_ACCOUNT_NAME) % {
        "organisation": local_name(organisation),
        "city": local_name(city),
    }


def demo_admin_account_name() -> str:
    return gettext(ADMIN_ACCOUNT_NAME)


def _country(state: str) -> str:
    return country_name(state)  # CLDR's, in the current language


def agency_name(name: str, kind: str, city: str | None, organisation: str | None = None) -> str:
    """An agency's name as the reader reads it: the demo's build in the current language where
    ``name`` is still the English build, else ``name`` as stored."""
    if not city or not _known_kind(kind):
        return name
    with use_locale("en"):
        english = demo_agency_name(kind, city, organisation or "")
    return demo_agency_name(kind, city, organisation or "") if name == english else name


def of(agency: _Agency) -> str:
    """:func:`agency_name` of an agency record (the pages' ``agency_name(a)``)."""
    return agency_name(agency.name, agency.kind, agency.city, agency.organisation)


def account_name(user: _User) -> str:
    """A user's display name as the reader reads it: the demo's build in the current language
    where the stored name is still the English build, else as stored."""
    shown = user.display_name
    builds = _account_builds(user)
    with use_locale("en"):
        english = [build() for build in builds]
    for build, en in zip(builds, english, strict=True):
        if shown == en:
            return build()
    return shown


def _account_builds(user: _User) -> list[Callable[[], str]]:
    kind, state = user.kind or "", user.state or ""
    if kind == ADMIN_KIND:
        return [demo_admin_account_name]
    agency = user.agency
    if agency.organisation:  # an organisation's office (the demo's IOM, UNODC, ICMPD)
        if not agency.city:
            return []
        org, city = agency.organisation, agency.city
        return [lambda: demo_io_account_name(org, city)]
    if not (_known_kind(kind) and state):
        return []
    return [
        lambda: demo_account_name(state, kind),
        lambda: demo_account_name(state, kind, second=True),
    ]


def _known_kind(kind: str) -> bool:
    if kind == ADMIN_KIND:
        return True
    try:
        return PractitionerKind(kind) in PRACTITIONER_LABELS
    except ValueError:
        return False
