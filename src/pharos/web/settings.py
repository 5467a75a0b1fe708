"""Server settings, read from the environment (``PHAROS_*``) with safe defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def _bool(value: str | None, default: bool | None) -> bool | None:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass
class Settings:
    """What the server needs to run. ``secure_cookies=None`` decides per request (https or not)."""

    data_dir: Path = field(default_factory=lambda: Path("data"))
    database_url: str = ""
    secure_cookies: bool | None = None
    session_hours: float = 12.0
    #: failed logins in a row before an account is locked, and for how long (minutes)
    lockout_failures: int = 5
    lockout_minutes: float = 15.0
    #: login attempts allowed from one client address per window (seconds)
    login_rate_limit: int = 20
    login_rate_window: float = 300.0
    load_demo: bool = True
    #: days before the end of a recovery and reflection period when warnings start
    reflection_warning_days: int = 7
    #: minutes between runs of the cross-border request clock (reminders, escalation); 0: off
    request_clock_minutes: float = 10.0

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir)
        if not self.database_url:
            self.database_url = "sqlite:///" + str((self.data_dir / "pharos.db").resolve())

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Settings from ``PHAROS_DATABASE_URL``, ``PHAROS_DATA_DIR``, ``PHAROS_SECURE_COOKIES``,
        ``PHAROS_SESSION_HOURS`` and ``PHAROS_LOAD_DEMO``; keyword arguments win."""
        env = os.environ
        values: dict[str, object] = {
            "data_dir": Path(env.get("PHAROS_DATA_DIR", "data")),
            "database_url": env.get("PHAROS_DATABASE_URL", ""),
            "secure_cookies": _bool(env.get("PHAROS_SECURE_COOKIES"), None),
            "session_hours": float(env.get("PHAROS_SESSION_HOURS", "12")),
            "load_demo": bool(_bool(env.get("PHAROS_LOAD_DEMO"), True)),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]
