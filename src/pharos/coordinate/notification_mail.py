"""E-mail about notifications, through a configured SMTP server (off unless configured).

A notification to a user who gave an address is queued in its own row (``email_status =
"pending"``, only when the server has an SMTP server: ``MAIL_KEY`` in the session's info) by the
request that made it, and sent later by the server's mailer (:func:`send_pending`, every
``mail_poll_seconds``): the request never waits for the SMTP server nor fails with it. A failed
sending is logged and retried at the next run, up to ``max_attempts`` times (then
``email_status = "failed"``, logged as an error).

The message carries a case's reference and a link to the notification, nothing else: no
victim's name, birth date, document, note or case title, not even what happened (that is read
in Pharos, by a signed-in user allowed to, in their language). It is written in the
recipient's language (their account's, English if none).
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pharos.coordinate import queries
from pharos.i18n import _, use_locale
from pharos.store.models import Notification, User
from pharos.store.uow import UnitOfWork

logger = logging.getLogger("pharos.notifications")


@dataclass(frozen=True)
class MailSettings:
    """Where and how to send (``PHAROS_SMTP_*`` and ``PHAROS_BASE_URL``, read by
    ``pharos.web.settings.Settings``)."""

    host: str
    port: int
    sender: str
    #: the address users open Pharos at (``https://pharos.example.org``), for the link
    base_url: str
    starttls: bool = False
    username: str = ""
    password: str = ""
    timeout: float = 10.0
    max_attempts: int = 5


def message_for(session: Session, n: Notification, user: User, mail: MailSettings) -> EmailMessage:
    """The e-mail about ``n`` to ``user``: a case's reference and a link, in their language."""
    link = f"{mail.base_url.rstrip('/')}/notifications/{n.id}"
    reference = (
        queries.case_references(session, [n.case_id]).get(n.case_id, "") if n.case_id else ""
    )
    with use_locale(user.locale):
        if reference:
            subject = _("Pharos: a notification about case %(case)s") % {"case": reference}
            body = _(
                "You have a new notification in Pharos about case %(case)s. Sign in to read it: "
                "%(link)s"
            ) % {"case": reference, "link": link}
        else:
            subject = _("Pharos: a new notification")
            body = _("You have a new notification in Pharos. Sign in to read it: %(link)s") % {
                "link": link
            }
        footer = _(
            "This message carries no personal data: what happened is shown only in Pharos, to "
            "those allowed to see it."
        )
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = mail.sender
    msg["To"] = user.email
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="pharos.invalid")
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies
    msg.set_content(f"{body}\n\n-- \n{footer}\n")
    return msg


def _deliver(mail: MailSettings, msg: EmailMessage) -> None:
    with smtplib.SMTP(mail.host, mail.port, timeout=mail.timeout) as smtp:
        if mail.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if mail.username:
            smtp.login(mail.username, mail.password)
        smtp.send_message(msg)


def send_pending(
    sessions: sessionmaker[Session], mail: MailSettings, limit: int = 200
) -> dict[str, int]:
    """Send the queued e-mails (oldest first, at most ``limit``); each is committed as sent or
    failed on its own, so that a crash resends at most one. Returns the counts."""
    counts = {"sent": 0, "failed": 0, "retry": 0, "dropped": 0}
    with UnitOfWork(sessions) as work:
        ids = list(
            work.session.execute(
                select(Notification.id)
                .where(Notification.email_status == "pending")
                .order_by(Notification.id)
                .limit(limit)
            ).scalars()
        )
    for nid in ids:
        with UnitOfWork(sessions) as work:
            n = work.session.get(Notification, nid)
            if n is None or n.email_status != "pending":
                continue
            user = work.session.get(User, n.user_id)
            if user is None or not user.active or not user.email:
                n.email_status = None  # the address was removed meanwhile: nothing owed
                counts["dropped"] += 1
                work.commit()
                continue
            msg = message_for(work.session, n, user, mail)
            try:
                _deliver(mail, msg)
            except (smtplib.SMTPException, OSError) as exc:
                n.email_attempts += 1
                if n.email_attempts >= mail.max_attempts:
                    n.email_status = "failed"
                    counts["failed"] += 1
                    logger.error(
                        "notification %s: e-mail to user %s failed %s times, given up: %s",
                        n.id,
                        user.id,
                        n.email_attempts,
                        exc,
                    )
                else:
                    counts["retry"] += 1
                    logger.warning(
                        "notification %s: e-mail to user %s failed (attempt %s), retried later: %s",
                        n.id,
                        user.id,
                        n.email_attempts,
                        exc,
                    )
            else:
                n.email_status = "sent"
                counts["sent"] += 1
            work.commit()
    return counts
