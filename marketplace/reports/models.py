"""The reports domain's own rows: the term → trade/skill mapping staff keep for the needs
assessment (a search term such as «رنگرزی گیاهی» read as the skill "natural dyeing")."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.core.db import utcnow
from marketplace.extensions import Model


class TermSkill(Model):
    __tablename__ = "report_term_skills"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The term in its search form (core.text.normalize): a search matches when each word of it
    # appears in the search («نقشه» matches «نقشه کشی فرش» and «نقشهکشی»).
    term: Mapped[str] = mapped_column(String(120), unique=True)
    skill_fa: Mapped[str] = mapped_column(String(120))
    skill_en: Mapped[str] = mapped_column(String(120), default="")
    # The trade the skill belongs to: a code of the one trade list courses use
    # (training.labels.TRADES), so the report can show the courses held for it. None only on
    # entries made before trades were asked for.
    trade: Mapped[str | None] = mapped_column(String(40), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def skill(self, locale: str) -> str:
        return self.skill_en if locale == "en" and self.skill_en else self.skill_fa
