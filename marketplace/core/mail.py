"""Outgoing mail: an outbox folder in development, SMTP when MAIL_SERVER is set.

Call `send_mail_after_commit` from services; it renders nothing until the commit, so a rolled
back request sends nothing.
"""

import smtplib
import uuid
from email import policy
from email.header import Header
from email.message import EmailMessage, Message
from email.mime.text import MIMEText
from email.parser import BytesParser
from email.utils import formataddr, parseaddr
from pathlib import Path

from flask import current_app
from flask_babel import force_locale, gettext

from marketplace.core.db import utcnow
from marketplace.core.jobs import after_commit


def send_mail_after_commit(to: str | None, subject: str, template: str, locale: str = "fa",
                           **context) -> None:
    """Queue a mail; `subject` is rendered in `locale` along with the body. Nothing for a
    recipient with no address (a buyer who signed up by phone alone)."""
    if not to:
        return
    after_commit(send_mail, to, subject, template, locale, context)


def send_mail(to: str, subject: str, template: str, locale: str, context: dict) -> None:
    with force_locale(locale):
        subject = gettext(subject)
        # The environment alone: mail needs none of the pages' context processors (navigation,
        # CSRF tokens, booth and cart badges), which cost a third of a mail's rendering.
        body = current_app.jinja_env.get_template(f"emails/{template}.txt").render(context)
    deliver(compose(to, current_app.config["MAIL_DEFAULT_SENDER"], subject, body))


def compose(to: str, sender: str, subject: str, body: str) -> Message:
    """A UTF-8 plain-text message (headers RFC 2047-encoded where they are not ASCII).

    Built with the classic MIMEText API: what `EmailMessage.set_content` gives, at a quarter
    of its cost (its header registry parses every header again) — which shows when the
    request that pays an order mails the buyer and every trainee in it."""
    message = MIMEText(body, "plain", "utf-8")
    message["To"] = to
    message["From"] = formataddr(parseaddr(sender), charset="utf-8")
    message["Subject"] = subject if subject.isascii() else Header(subject, "utf-8").encode()
    return message


def deliver(message: Message) -> None:
    if current_app.config.get("MAIL_SERVER"):
        _deliver_smtp(message)
    else:
        _deliver_to_outbox(message)


def _deliver_smtp(message: Message) -> None:
    config = current_app.config
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


def _deliver_to_outbox(message: Message) -> Path:
    outbox = Path(current_app.config["MAIL_OUTBOX_DIR"])
    outbox.mkdir(parents=True, exist_ok=True)
    name = f"{utcnow():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
    path = outbox / name
    path.write_bytes(bytes(message))
    return path


def outbox_messages() -> list[EmailMessage]:
    """Messages in the development outbox, oldest first (used by tests and the demo)."""
    outbox = Path(current_app.config["MAIL_OUTBOX_DIR"])
    if not outbox.exists():
        return []
    parser = BytesParser(policy=policy.default)
    return [parser.parsebytes(p.read_bytes()) for p in sorted(outbox.glob("*.eml"))]
