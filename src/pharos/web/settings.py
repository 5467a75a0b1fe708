"""Server settings, read from the environment (``PHAROS_*``) with safe defaults."""

from __future__ import annotations

import contextlib
import ipaddress
import os
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the mail module reads the database: not loaded by commands that need none
    from pharos.coordinate.notification_mail import MailSettings


#: ``pharos serve --keep-alive``'s default: seconds the server keeps an idle connection open
#: (uvicorn's own default; clients of a Pharos server drop theirs in half that time,
#: ``pharos.web.serverproc.client_limits``)
KEEP_ALIVE_S = 5


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
    #: sign-in failures per username (since its last sign-in) before attempts slow down, and
    #: the longest wait between two checked attempts (minutes); see accounts.Throttle
    lockout_failures: int = 5
    lockout_minutes: float = 15.0
    #: the first wait (seconds) once the free failures are used up; it doubles with each failure
    login_first_delay: float = 2.0
    #: sign-in failures per client address before attempts slow down, and the window (seconds)
    #: in which failures count (successes never count)
    login_rate_limit: int = 30
    login_rate_window: float = 3600.0
    #: addresses (IPs or networks, ``PHAROS_TRUSTED_PROXIES``, comma separated) of reverse
    #: proxies whose X-Forwarded-For / X-Forwarded-Proto are believed; default none: the
    #: client's address is the connection's
    trusted_proxies: tuple[str, ...] = ()
    load_demo: bool = True
    #: days before the end of a recovery and reflection period when warnings start
    reflection_warning_days: int = 7
    #: minutes between runs of the cross-border request clock (reminders, escalation); 0: off
    request_clock_minutes: float = 10.0
    #: the server's secret (``PHAROS_SECRET_KEY``); empty: generated once in ``data_dir``
    secret_key: str = ""
    #: the learn area's analytics store (``PHAROS_LEARN_STORE``); None: ``<data_dir>/learn``,
    #: the folder ``pharos import`` writes to by default (``pharos.learn.store.default_root``)
    learn_store: Path | None = None
    #: minutes a file written by the export page is kept for download
    #: (``PHAROS_LEARN_EXPORT_MINUTES``); then it is deleted
    learn_export_minutes: float = 60.0
    #: the SMTP server notifications are e-mailed through (``PHAROS_SMTP_HOST``); empty: no
    #: e-mail (the default). Port, STARTTLS, account and sender: ``PHAROS_SMTP_PORT``,
    #: ``PHAROS_SMTP_STARTTLS``, ``PHAROS_SMTP_USERNAME``, ``PHAROS_SMTP_PASSWORD``,
    #: ``PHAROS_SMTP_FROM``
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_starttls: bool = False
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_from: str = ""
    #: the address users open Pharos at (``PHAROS_BASE_URL``), for the link in e-mails
    base_url: str = ""
    #: seconds between runs of the mailer that sends the queued e-mails
    mail_poll_seconds: float = 15.0
    #: the attachment store (``PHAROS_ATTACHMENTS``); None: ``<data_dir>/attachments``. Files
    #: are kept under their SHA-256; ``pharos backup`` archives the store with the database
    attachments: Path | None = None
    #: the largest file that may be attached, in bytes (``PHAROS_ATTACHMENT_MAX_MB``, default 10)
    attachment_max_bytes: int = 10 * 1024 * 1024

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir)
        self.learn_store = Path(self.learn_store or self.data_dir / "learn")
        self.attachments = Path(self.attachments or self.data_dir / "attachments")
        self.trusted_proxies = tuple(self.trusted_proxies)
        for entry in self.trusted_proxies:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError as exc:
                raise ValueError(
                    f"PHAROS_TRUSTED_PROXIES: {entry!r} is not an IP address or network"
                ) from exc
        if not self.database_url:
            self.database_url = "sqlite:///" + str((self.data_dir / "pharos.db").resolve())
        if self.smtp_host and not self.base_url.startswith(("http://", "https://")):
            raise ValueError(
                "PHAROS_BASE_URL: set it to the address users open Pharos at (https://…) when "
                "PHAROS_SMTP_HOST is set: the e-mails link to it"
            )
        if self.smtp_host and "@" not in self.smtp_from:
            raise ValueError(
                "PHAROS_SMTP_FROM: the sender's address is needed with PHAROS_SMTP_HOST"
            )

    def mail(self) -> MailSettings | None:
        """Where notifications are e-mailed through; None when no SMTP server is set."""
        from pharos.coordinate.notification_mail import MailSettings

        if not self.smtp_host:
            return None
        return MailSettings(
            host=self.smtp_host,
            port=self.smtp_port,
            sender=self.smtp_from,
            base_url=self.base_url,
            starttls=self.smtp_starttls,
            username=self.smtp_username,
            password=self.smtp_password,
        )

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Settings from ``PHAROS_DATABASE_URL``, ``PHAROS_DATA_DIR``, ``PHAROS_SECURE_COOKIES``,
        ``PHAROS_SESSION_HOURS``, ``PHAROS_LOAD_DEMO``, ``PHAROS_SECRET_KEY``,
        ``PHAROS_LEARN_STORE``, ``PHAROS_LEARN_EXPORT_MINUTES``, ``PHAROS_ATTACHMENTS``,
        ``PHAROS_ATTACHMENT_MAX_MB``, ``PHAROS_TRUSTED_PROXIES``, ``PHAROS_SMTP_*`` and
        ``PHAROS_BASE_URL``; keyword arguments win."""
        env = os.environ
        values: dict[str, object] = {
            "data_dir": Path(env.get("PHAROS_DATA_DIR", "data")),
            "database_url": env.get("PHAROS_DATABASE_URL", ""),
            "secure_cookies": _bool(env.get("PHAROS_SECURE_COOKIES"), None),
            "session_hours": float(env.get("PHAROS_SESSION_HOURS", "12")),
            "load_demo": bool(_bool(env.get("PHAROS_LOAD_DEMO"), True)),
            "secret_key": env.get("PHAROS_SECRET_KEY", ""),
            "learn_store": Path(env["PHAROS_LEARN_STORE"])
            if env.get("PHAROS_LEARN_STORE")
            else None,
            "learn_export_minutes": float(env.get("PHAROS_LEARN_EXPORT_MINUTES", "60")),
            "attachments": Path(env["PHAROS_ATTACHMENTS"])
            if env.get("PHAROS_ATTACHMENTS")
            else None,
        }
        values.update(
            {
                "smtp_host": env.get("PHAROS_SMTP_HOST", ""),
                "smtp_port": int(env.get("PHAROS_SMTP_PORT", "25")),
                "smtp_starttls": bool(_bool(env.get("PHAROS_SMTP_STARTTLS"), False)),
                "smtp_username": env.get("PHAROS_SMTP_USERNAME", ""),
                "smtp_password": env.get("PHAROS_SMTP_PASSWORD", ""),
                "smtp_from": env.get("PHAROS_SMTP_FROM", ""),
                "base_url": env.get("PHAROS_BASE_URL", ""),
            }
        )
        if env.get("PHAROS_ATTACHMENT_MAX_MB"):
            megabytes = float(env["PHAROS_ATTACHMENT_MAX_MB"])
            if megabytes <= 0:
                raise ValueError("PHAROS_ATTACHMENT_MAX_MB must be a positive number")
            values["attachment_max_bytes"] = int(megabytes * 1024 * 1024)
        proxies = env.get("PHAROS_TRUSTED_PROXIES", "")
        values["trusted_proxies"] = tuple(x.strip() for x in proxies.split(",") if x.strip())
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

    def secret(self) -> bytes:
        """The server's secret key: ``secret_key`` if set (at least 32 characters), else the key
        in ``<data_dir>/secret_key``, generated (256 random bits, file mode 0600) on first use.

        The key keys the pseudonyms shown across borders: keep it, back it up with the data, and
        never publish it; changing it changes every pseudonym."""
        if self.secret_key:
            if len(self.secret_key) < MIN_SECRET_LENGTH:
                raise ValueError(
                    f"PHAROS_SECRET_KEY must be at least {MIN_SECRET_LENGTH} characters long"
                )
            return self.secret_key.encode()
        path = self.data_dir / SECRET_FILE
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.data_dir, prefix=".secret_key.")
            try:
                with os.fdopen(fd, "w") as out:  # mkstemp creates the file with mode 0600
                    out.write(secrets.token_hex(32) + "\n")
                    out.flush()
                    os.fsync(out.fileno())  # never a linked but empty key after a crash
                # atomic, and never replaces a key another process made meanwhile
                with contextlib.suppress(FileExistsError):
                    os.link(tmp, path)
            finally:
                os.unlink(tmp)
        key = path.read_text(encoding="utf-8").strip()
        if len(key) < MIN_SECRET_LENGTH:
            raise ValueError(
                f"{path}: the secret key is shorter than {MIN_SECRET_LENGTH} characters"
            )
        return key.encode()


#: file in the data folder holding the generated secret
SECRET_FILE = "secret_key"
MIN_SECRET_LENGTH = 32
