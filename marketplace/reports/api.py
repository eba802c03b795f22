"""Reports API: the same reports as the pages, as tables (amounts in minor units), limited to
what the token's owner may see. A report one may not read is a 404."""

from __future__ import annotations

from flask.views import MethodView
from flask_babel import gettext as _

from marketplace.core.api import BEARER, api_blueprint
from marketplace.core.auth import login_required_api, require_login
from marketplace.core.errors import NotFound
from marketplace.core.i18n import locale_code
from marketplace.extensions import db
from marketplace.reports import skills
from marketplace.reports.build import Choices, build
from marketplace.reports.periods import Calendar, Grain
from marketplace.reports.schemas import (
    NeedsArgsSchema,
    ReportArgsSchema,
    ReportSchema,
    SalesArgsSchema,
    TermSkillSchema,
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


def _skill_keeper():
    """The list is for whom its page is (centre staff and administrators); to anyone else
    it does not exist, as the page."""
    user = require_login()
    if not skills.can_keep_skills(user):
        raise NotFound(_("We could not find that page."))
    return user


@blp.route("/skills")
class TermSkills(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, TermSkillSchema(many=True))
    @login_required_api
    def get(self):
        """The search terms read as skills in the needs report (centre staff and
        administrators)."""
        _skill_keeper()
        return skills.term_skills()

    @blp.doc(security=BEARER)
    @blp.arguments(TermSkillSchema)
    @blp.response(201, TermSkillSchema)
    @login_required_api
    def post(self, data):
        """Read a search term as a skill of a trade from now on. 409 when the term (in its
        search form) already has one."""
        entry = skills.add_term_skill(_skill_keeper(), skills.TermSkillData(
            data["term"], data["skill_fa"], data.get("skill_en", ""), data["trade"]))
        db.session.commit()
        return entry


@blp.route("/skills/<int:entry_id>")
class TermSkillEntry(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(204)
    @login_required_api
    def delete(self, entry_id):
        """Stop reading this entry's term as its skill."""
        skills.delete_term_skill(_skill_keeper(), entry_id)
        db.session.commit()
