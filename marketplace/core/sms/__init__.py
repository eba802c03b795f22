"""Outgoing SMS behind one interface: the provider is chosen by `SMS_PROVIDER`.

Services call `send_code_after_commit` (a one-time code, sent as the operator's template or
"pattern" message) or `send_text_after_commit`; nothing leaves before the commit. Notices go
as jobs of `deliver_template` (a template approved in the operator's panel, filled with a few
tokens: what reaches numbers on the operators' advertising blacklist) or `deliver_text`. On RQ a
send that failed for a passing reason (timeout, the operator's server busy) raises
`SmsTemporaryError`, and RQ tries it again (core.jobs.RETRY_INTERVALS); a refusal that a retry
cannot fix (bad number, unknown template) is logged and dropped.

A code travels to the job wrapped in `Secret`, whose repr hides it: RQ's job description and
the after-commit failure log print arguments by repr, and a code must never reach a log.
Every message also counts against a per-number limit (`SMS_PER_NUMBER_LIMIT`), so no bug or
abuse can flood one phone.
"""

from __future__ import annotations

import logging
from datetime import datetime

from flask import current_app
from limits import parse

from marketplace.core.db import utcnow
from marketplace.core.jobs import after_commit
from marketplace.core.phone import masked
from marketplace.core.sms.base import Secret, SmsError, SmsProvider, SmsTemporaryError
from marketplace.core.sms.kavenegar import KavenegarProvider, fit_tokens
from marketplace.core.sms.outbox import OutboxProvider
from marketplace.extensions import limiter

__all__ = ["Secret", "SmsError", "SmsProvider", "SmsTemporaryError", "deliver_template",
           "deliver_text", "provider", "send_code_after_commit", "send_text_after_commit"]
log = logging.getLogger(__name__)


def provider() -> SmsProvider:
    name = current_app.config["SMS_PROVIDER"]
    if name == "kavenegar":
        return KavenegarProvider.from_config(current_app.config)
    if name == "outbox":
        return OutboxProvider(current_app.config["SMS_OUTBOX_DIR"])
    raise RuntimeError(f"SMS_PROVIDER={name!r} is not one of outbox, kavenegar")


def code_template(locale: str) -> str:
    key = "SMS_TEMPLATE_CODE_EN" if locale == "en" else "SMS_TEMPLATE_CODE_FA"
    return current_app.config[key]


def send_code_after_commit(phone: str, code: str, locale: str, expires_at: datetime) -> None:
    after_commit(deliver_code, phone, Secret(code), locale, expires_at)


def send_text_after_commit(phone: str, text: str) -> None:
    after_commit(deliver_text, phone, text)


def deliver_code(phone: str, code: Secret, locale: str, expires_at: datetime) -> None:
    """The job: send a code unless it has expired meanwhile (a retry after the code's
    lifetime would only text a dead code)."""
    if utcnow() >= expires_at:
        log.warning("SMS code to %s not sent: expired before delivery", masked(phone))
        return
    if not _within_number_limit(phone):
        return
    _send(lambda p: p.send_code(phone, code_template(locale), code.value), phone)


def deliver_text(phone: str, text: str) -> None:
    if not _within_number_limit(phone):
        return
    _send(lambda p: p.send_text(phone, text), phone)


def deliver_template(phone: str, template: str, tokens: dict[str, str]) -> None:
    """The job: a template send. The tokens are kept to the operator's rules here, so the
    development outbox shows them as they would go."""
    if not _within_number_limit(phone):
        return
    fitted = fit_tokens(tokens)
    _send(lambda p: p.send_template(phone, template, fitted), phone)


def _send(action, phone: str) -> None:
    try:
        action(provider())
    except SmsTemporaryError:
        raise  # RQ retries it
    except SmsError as error:
        log.error("SMS to %s refused by the operator: %s", masked(phone), error)


def _within_number_limit(phone: str) -> bool:
    if not current_app.config.get("RATELIMIT_ENABLED", True):  # then Flask-Limiter has no storage
        return True
    item = parse(current_app.config["SMS_PER_NUMBER_LIMIT"])
    if limiter.limiter.hit(item, "sms-number", phone):
        return True
    log.warning("SMS to %s dropped: over SMS_PER_NUMBER_LIMIT", masked(phone))
    return False
