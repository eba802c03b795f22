"""The staff-kept mapping from search terms to trades and skills (`models.TermSkill`):
centre staff and administrators add and remove entries. A term's trade is a code of the one
trade list courses use (accounts.trades.TRADES), so the needs report can put the courses held
for a skill beside it. Functions flush and never commit."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.accounts.trades import TRADES
from marketplace.core.errors import Conflict, Forbidden, NotFound, RuleViolation
from marketplace.core.text import normalize
from marketplace.extensions import db
from marketplace.reports.errors import ReportErrorCode
from marketplace.reports.models import TermSkill


@dataclass(frozen=True)
class TermSkillData:
    term: str
    skill_fa: str
    skill_en: str = ""
    trade: str = ""


def can_keep_skills(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False)
                and not user.is_disabled and (user.is_admin or user.is_centre_staff))


def _check(actor) -> None:
    if not can_keep_skills(actor):
        raise Forbidden(_("Only centre staff and administrators keep the skills list."),
                        code=ReportErrorCode.REPORT_NOT_YOURS)


def add_term_skill(actor, data: TermSkillData) -> TermSkill:
    _check(actor)
    term = normalize(data.term)
    if not term:
        raise RuleViolation(_("Type a search term with letters in it."),
                            code=ReportErrorCode.INVALID_TERM,
                            fields={"term": [_("Type a search term with letters in it.")]})
    if data.trade not in TRADES:
        raise RuleViolation(_("Choose the trade from the list."),
                            code=ReportErrorCode.INVALID_TERM,
                            fields={"trade": [_("Choose the trade from the list.")]})
    if db.session.scalar(select(TermSkill.id).where(TermSkill.term == term)) is not None:
        raise Conflict(_("That term already has a skill."), code=ReportErrorCode.TERM_TAKEN,
                       fields={"term": [_("That term already has a skill.")]})
    entry = TermSkill(term=term, skill_fa=data.skill_fa.strip(),
                      skill_en=data.skill_en.strip(), trade=data.trade,
                      created_by_id=actor.id)
    db.session.add(entry)
    db.session.flush()
    return entry


def delete_term_skill(actor, entry_id: int) -> None:
    _check(actor)
    entry = db.session.get(TermSkill, entry_id)
    if entry is None:
        raise NotFound(_("We could not find that entry."))
    db.session.delete(entry)
    db.session.flush()


def term_skills() -> list[TermSkill]:
    return list(db.session.scalars(select(TermSkill).order_by(TermSkill.term)))
