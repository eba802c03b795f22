"""Report pages: the list of reports a person may read, each report (chart, summary, table,
downloads), and the term → skill list staff keep. Thin: `build` makes every figure."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.core.errors import DomainError, NotFound
from marketplace.core.forms import apply_domain_error
from marketplace.core.i18n import locale_code
from marketplace.extensions import db
from marketplace.reports import exports, skills
from marketplace.reports.build import build, choices_from, default_city
from marketplace.reports.forms import TermSkillForm
from marketplace.reports.periods import Grain
from marketplace.reports.sales import DIMENSIONS
from marketplace.reports.scope import Report, visible_reports
from marketplace.training import policies as training_policies

bp = Blueprint("reports", __name__, url_prefix="/reports")

FORMATS = ("csv", "xlsx")


def report_title(report: Report) -> str:
    return {Report.SALES: _("Sales"), Report.NEEDS: _("What buyers look for"),
            Report.BOOTHS: _("Booth use"), Report.EMPLOYMENT: _("Employment outcomes"),
            Report.PLATFORM: _("Platform")}[report]


def dimension_label(by: str) -> str:
    return {"period": _("Period"), "trainee": _("Trainee"), "centre": _("Centre"),
            "city": _("City"), "category": _("Category"), "market": _("Market"),
            "channel": _("Channel"), "product": _("Product")}[by]


@bp.app_context_processor
def report_helpers():
    return {"report_title": report_title, "dimension_label": dimension_label}


@bp.get("/")
@login_required
def index():
    reports = visible_reports(current_user)
    if not reports:
        raise NotFound(_("We could not find that page."))
    return render_template("reports/index.html", reports=reports,
                           can_keep_skills=skills.can_keep_skills(current_user))


@bp.get("/<name>")
@login_required
def show(name: str):
    if name not in tuple(Report):
        raise NotFound(_("We could not find that page."))
    report = Report(name)
    choices = choices_from(request.args)
    if report == Report.NEEDS and "city" not in request.args:
        choices = replace(choices, city=default_city(current_user))
    locale = locale_code()
    result = build(current_user, report, choices, locale)
    wanted = request.args.get("format")
    if wanted in FORMATS:
        return download(result, wanted, locale)
    return render_template("reports/report.html", result=result, report=report,
                           choices=choices, grains=list(Grain),
                           dimensions=DIMENSIONS if report == Report.SALES else (),
                           locale=locale,
                           can_propose=training_policies.can_request_bookings(current_user))


def download(result, wanted: str, locale: str) -> Response:
    filename = f"{result.name}-{result.period.key}.{wanted}"
    if wanted == "csv":
        body, mimetype = exports.to_csv(result.table), "text/csv; charset=utf-8"
    else:
        body = exports.to_xlsx(result.table, result.title, rtl=locale.startswith("fa"))
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/skills", methods=["GET", "POST"])
@login_required
def term_skills():
    if not skills.can_keep_skills(current_user):
        raise NotFound(_("We could not find that page."))
    form = TermSkillForm()
    if form.validate_on_submit():
        try:
            skills.add_term_skill(current_user, form.data_out())
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The term now reads as a skill in the report."), "success")
            return redirect(url_for("reports.term_skills"))
    return render_template("reports/skills.html", form=form, entries=skills.term_skills())


@bp.post("/skills/<int:entry_id>/delete")
@login_required
def delete_term_skill(entry_id: int):
    # CSRFProtect checks the token of every form posted here.
    skills.delete_term_skill(current_user, entry_id)
    db.session.commit()
    flash(_("The entry was removed."), "success")
    return redirect(url_for("reports.term_skills"))
