"""Validation of what users send: every error names the field and says why, and nothing is
written until everything is valid."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from pharos.i18n import _, ngettext
from pharos.store.base import ID_MAX

E = TypeVar("E", bound=StrEnum)


class ValidationFailed(Exception):
    """One or more fields are not valid: ``errors`` maps field name to a message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)

    def summary(self) -> str:
        return "; ".join(f"{k}: {v}" for k, v in self.errors.items())


class StaleEdit(ValidationFailed):
    """The record changed after the form was loaded: the edit is refused (HTTP 409), nothing is
    written, and the message says who changed it and when."""

    status = 409


class Fields:
    """Reads fields from a form or JSON body and collects every error before failing."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.errors: dict[str, str] = {}

    def _raw(self, name: str) -> Any:
        value = self.data.get(name)
        if isinstance(value, str):
            value = value.strip()
        return value

    def text(self, name: str, *, required: bool = False, max_length: int = 2000) -> str:
        value = self._raw(name)
        if value is None or value == "":
            if required:
                self.errors[name] = _("This field is required.")
            return ""
        if not isinstance(value, str):
            self.errors[name] = _("Expected text.")
            return ""
        if len(value) > max_length:
            self.errors[name] = ngettext(
                "At most %(n)s character.", "At most %(n)s characters.", max_length
            ) % {"n": max_length}
            return value[:max_length]
        return value

    def choice(self, name: str, enum: type[E], *, required: bool = True) -> E | None:
        value = self._raw(name)
        if value is None or value == "":
            if required:
                self.errors[name] = _("This field is required.")
            return None
        try:
            return enum(value)
        except ValueError:
            self.errors[name] = _("%(value)s is not one of the allowed values.") % {
                "value": str(value)[:40]
            }
            return None

    def one_of(self, name: str, allowed: Iterable[str], *, required: bool = True) -> str:
        value = self._raw(name)
        options = list(allowed)
        if value is None or value == "":
            if required:
                self.errors[name] = _("This field is required.")
            return ""
        if value not in options:
            self.errors[name] = _("%(value)s is not one of the allowed values.") % {
                "value": str(value)[:40]
            }
            return ""
        return str(value)

    def many(self, name: str, enum: type[E]) -> list[E]:
        raw = self.data.get(name)
        if raw is None or raw == "":
            return []
        values = raw if isinstance(raw, list | tuple) else [raw]
        out: list[E] = []
        for v in values:
            try:
                out.append(enum(str(v).strip()))
            except ValueError:
                self.errors[name] = _("%(value)s is not one of the allowed values.") % {
                    "value": str(v)[:40]
                }
        return out

    def date(self, name: str, *, required: bool = False) -> date | None:
        value = self._raw(name)
        if value is None or value == "":
            if required:
                self.errors[name] = _("This field is required.")
            return None
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.errors[name] = _("Expected a date as YYYY-MM-DD.")
            return None

    def integer(
        self, name: str, *, minimum: int, maximum: int, required: bool = True
    ) -> int | None:
        value = self._raw(name)
        if value is None or value == "":
            if required:
                self.errors[name] = _("This field is required.")
            return None
        try:
            n = int(value)
        except (TypeError, ValueError):
            self.errors[name] = _("Expected a whole number.")
            return None
        if not minimum <= n <= maximum:
            self.errors[name] = _("Expected a number from %(lo)s to %(hi)s.") % {
                "lo": minimum,
                "hi": maximum,
            }
            return None
        return n

    def record_id(self, name: str, *, required: bool = True) -> int | None:
        """The id of a stored row (a whole number within the database's range)."""
        return self.integer(name, minimum=1, maximum=ID_MAX, required=required)

    def boolean(self, name: str) -> bool:
        value = self.data.get(name)
        if isinstance(value, bool):
            return value
        return str(value).strip().lower() in {"1", "true", "on", "yes"}

    def fail(self, name: str, message: str) -> None:
        self.errors[name] = message

    def check(self) -> None:
        """Raise :class:`ValidationFailed` if any field was not valid."""
        if self.errors:
            raise ValidationFailed(self.errors)
