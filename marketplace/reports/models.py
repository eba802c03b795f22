"""The reports domain's own rows: the term → trade/skill mapping staff keep for the needs
assessment (a search term such as «رنگرزی گیاهی» read as the skill "natural dyeing")."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
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
    # (accounts.trades.TRADES), so the report can show the courses held for it. None only on
    # entries made before trades were asked for.
    trade: Mapped[str | None] = mapped_column(String(40), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def skill(self, locale: str) -> str:
        return self.skill_en if locale == "en" and self.skill_en else self.skill_fa


class SalesDay(Model):
    """A local day (the marketplace's time zone) whose sales are summarised in
    `SalesSummary`. `dirty`: a write touched the day's sales after it was summarised (a
    refund, a booth sale, a rebooked pickup…), so the reports read that day from the orders
    again until `flask summarise-sales` rebuilds it."""

    __tablename__ = "report_sales_days"

    day: Mapped[date] = mapped_column(primary_key=True)
    dirty: Mapped[bool] = mapped_column(default=True)
    built_at: Mapped[datetime | None] = mapped_column()


class SalesSummary(Model):
    """The sales of one day, trainee, channel, market, category, product and currency —
    the sales report's figures added up ahead (reports.summary). Commission and refunds are
    each line's share, as the report shares them; the three counts count a sale once
    overall, once per category and once per product it has lines in."""

    __tablename__ = "report_sales_summary"
    __table_args__ = (Index("ix_report_sales_summary_day", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column()
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(10))
    market_id: Mapped[int | None] = mapped_column(ForeignKey("markets.id", ondelete="CASCADE"))
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    currency: Mapped[str] = mapped_column(String(3))
    sales: Mapped[int] = mapped_column(default=0)
    category_sales: Mapped[int] = mapped_column(default=0)
    product_sales: Mapped[int] = mapped_column(default=0)
    units: Mapped[int] = mapped_column(BigInteger, default=0)
    gross: Mapped[int] = mapped_column(BigInteger, default=0)
    commission: Mapped[int] = mapped_column(BigInteger, default=0)
    refunds: Mapped[int] = mapped_column(BigInteger, default=0)


class SearchDay(Model):
    """A local day whose search log is summarised in `SearchSummary`, and with which "few
    results" (`few`, REPORTS_FEW_RESULTS when it was built). The needs assessment reads a day
    from the summary only when it is not `dirty` (searches of the day were written after it
    was built, or some were pruned) and was built with today's `few`; every other day it
    reads from the log."""

    __tablename__ = "report_search_days"

    day: Mapped[date] = mapped_column(primary_key=True)
    dirty: Mapped[bool] = mapped_column(default=True)
    few: Mapped[int] = mapped_column(default=0)
    built_at: Mapped[datetime | None] = mapped_column()


class SearchSummary(Model):
    """The searches of one local day per normalised term, category filter and city filter:
    how many, how many found nothing, and who searched — the distinct visitor keys
    (catalogue.search_log.visitor_key), space-separated, so the report can union them over a
    period and count distinct visitors exactly for the k-threshold. `little`: the searches
    found at most the day's `few` results (the needs terms read these); searches that found
    more are kept only when they filtered by a category (demand per category), as one row per
    category with the term and city left out."""

    __tablename__ = "report_search_summary"
    __table_args__ = (Index("ix_report_search_summary_day", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column()
    query: Mapped[str] = mapped_column(String(500), default="")
    category_id: Mapped[int | None] = mapped_column()  # a filter's value, not a reference
    city: Mapped[str | None] = mapped_column(Text)  # as long as the log's filter may be
    little: Mapped[bool] = mapped_column()
    searches: Mapped[int] = mapped_column(default=0)
    zero: Mapped[int] = mapped_column(default=0)
    visitors: Mapped[str] = mapped_column(Text, default="")
