"""Reports API: the same reports as the pages, as tables (amounts in minor units), limited to
what the token's owner may see. A report one may not read is a 404."""

from __future__ import annotations

from flask.views import MethodView

from marketplace.core.api import BEARER, api_blueprint
from marketplace.core.auth import login_required_api, require_login
from marketplace.core.i18n import locale_code
from marketplace.reports.build import Choices, build
from marketplace.reports.periods import Calendar, Grain
from marketplace.reports.schemas import (
    NeedsArgsSchema,
    ReportArgsSchema,
    ReportSchema,
    SalesArgsSchema,
)
from marketplace.reports.scope import Report
from marketplace.reports.tables import ReportResult

blp = api_blueprint("reports_api", __name__, "/reports",
                    "Reports: sales, what buyers look for, booth use, employment outcomes and "
                    "the platform, scoped to who asks.")


def _period(period) -> dict:
    return {"start": period.start, "end": period.end, "label": period.label(locale_code())}


def report_out(result: ReportResult) -> dict:
    return {"name": result.name, "title": result.title, "summary": result.summary,
            "period": _period(result.period), "previous": _period(result.previous),
            "currency": result.table.currency,
            "columns": [{"key": c.key, "label": c.label, "kind": c.kind.value}
                        for c in result.table.columns],
            "rows": _jsonable(result.table.as_records())}


def _jsonable(rows: list[dict]) -> list[dict]:
    return [{k: (v if v is None or isinstance(v, (int, float, str, bool)) else str(v))
             for k, v in row.items()} for row in rows]


def _choices(args: dict) -> Choices:
    return Choices(grain=Grain(args["grain"]), offset=args["offset"],
                   calendar=Calendar(args["calendar"]) if args.get("calendar") else None,
                   by=args.get("by", "period"), city=args.get("city"),
                   category_id=args.get("category"))


def _answer(report: Report, args: dict) -> dict:
    user = require_login()
    return report_out(build(user, report, _choices(args), locale_code()))


@blp.route("/sales")
class SalesReport(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(SalesArgsSchema, location="query")
    @blp.response(200, ReportSchema)
    @login_required_api
    def get(self, args):
        """Sales you may see (your own; your centre's trainees'; at your markets; all for
        administrators): count, gross, commission, refunds, net."""
        return _answer(Report.SALES, args)


@blp.route("/needs")
class NeedsReport(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(NeedsArgsSchema, location="query")
    @blp.response(200, ReportSchema)
    @login_required_api
    def get(self, args):
        """What buyers searched for and found little of (terms seen by at least
        REPORTS_MIN_VISITORS visitors), for staff."""
        return _answer(Report.NEEDS, args)


@blp.route("/booths")
class BoothUseReport(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(ReportArgsSchema, location="query")
    @blp.response(200, ReportSchema)
    @login_required_api
    def get(self, args):
        """Occupancy, check-ins, no-shows, waitlists, subsidies and fees per market day at
        your municipality's venues."""
        return _answer(Report.BOOTHS, args)


@blp.route("/employment")
class EmploymentReport(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(ReportArgsSchema, location="query")
    @blp.response(200, ReportSchema)
    @login_required_api
    def get(self, args):
        """Your centres' trainees: verified, first sale, active in 90 days, income."""
        return _answer(Report.EMPLOYMENT, args)


@blp.route("/platform")
class PlatformReport(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(ReportArgsSchema, location="query")
    @blp.response(200, ReportSchema)
    @login_required_api
    def get(self, args):
        """Orders, buyers, sales, commission, refunds, payouts and debts (administrators)."""
        return _answer(Report.PLATFORM, args)
