"""Booth use per market day and employment outcomes per centre, against hand-computed figures
of tests/reports/conftest.py's world."""

from datetime import datetime

import pytest
from flask_babel import force_locale

from marketplace.accounts.models import TraineeStatus
from marketplace.booths.models import (
    ApplicationDayStatus,
    AssignmentStatus,
    BoothFee,
    BoothOffer,
    FeeStatus,
    OfferStatus,
    SubsidyEntry,
)
from marketplace.core.db import utcnow
from marketplace.core.i18n import marketplace_zone
from marketplace.reports.booth_use import booth_use_report
from marketplace.reports.employment import employment_report, quartiles
from marketplace.reports.periods import Calendar, Grain, period_containing
from marketplace.reports.scope import Scope

EVERYTHING = Scope(everything=True)


def this_month():
    return period_containing(datetime.now(marketplace_zone()).date(), Grain.MONTH,
                             Calendar.JALALI)


def test_booth_use_of_a_market_day(world, db, create_trainee, create_assignment,
                                   create_application):
    day = world.market_1.days[0]
    venue = world.market_1.venue
    assignment_a = world.booth_sale.assignment
    assignment_a.status = AssignmentStatus.CHECKED_IN
    other = create_trainee(centre=world.centre_y)
    booth_2 = venue.booths[1]
    no_show = create_assignment(booth_2, day, other, status=AssignmentStatus.NO_SHOW)
    waiting = create_application(world.market_1, trainee=create_trainee(), days=[day])
    waiting.days[0].status = ApplicationDayStatus.WAITLISTED
    db.session.add(SubsidyEntry(trainee_id=world.trainee_a.id, centre_id=world.centre_x.id,
                                market_id=world.market_1.id, assignment_id=assignment_a.id,
                                value_amount=5000, currency="USD"))
    db.session.add(BoothFee(trainee_id=other.id, assignment_id=no_show.id, amount=3000,
                            currency="USD", status=FeeStatus.DUE))
    # The no-show's booth was first offered from the waitlist to someone who declined, then to
    # `other`, who accepted.
    for status, trainee in ((OfferStatus.DECLINED, waiting.trainee),
                            (OfferStatus.ACCEPTED, other)):
        db.session.add(BoothOffer(market_day_id=day.id, booth_id=booth_2.id,
                                  trainee_id=trainee.id, application_id=waiting.id,
                                  status=status, expires_at=utcnow()))
    db.session.commit()
    with force_locale("en"):
        result = booth_use_report(EVERYTHING, this_month(), marketplace_zone(), "en", "USD")
    rows = {row["market_id"]: row for row in result.table.rows}
    one = rows[world.market_1.id]
    assert (one["booths"], one["taken"], one["occupancy"], one["checked_in"], one["no_shows"],
            one["waitlist"], one["offers"], one["offers_accepted"], one["subsidised"],
            one["subsidy_value"], one["fees_due"], one["fees_paid"], one["fees_waived"]) == \
        (2, 2, 100.0, 1, 1, 1, 2, 1, 1, 5000, 3000, 0, 0)
    two = rows[world.market_2.id]
    assert (two["booths"], two["taken"], two["occupancy"]) == (1, 0, 0.0)
    subsidies = result.sections[0].table.rows
    assert [(r["market"], r["centre"], r["trainee"], r["days"], r["value"])
            for r in subsidies] == [("Market One", "Centre X", "Store A", 1, 5000)]
    # Both markets' days: 3 booths, 2 given.
    assert "2 market days, 66.7% of booths given, 1 check-ins, 1 no-shows" in result.summary


def test_employment_outcomes_of_the_centres(world, create_trainee):
    create_trainee(centre=world.centre_x, status=TraineeStatus.PENDING)
    with force_locale("en"):
        result = employment_report(EVERYTHING, this_month(), marketplace_zone(), "en", "USD")
    rows = {row["trainee"]: row for row in result.table.rows}
    a, b = rows["Store A"], rows["Store B"]
    # A: 17,500 sold − 1,750 commission − 3,000 refunded + 280 commission returned.
    assert (a["income"], b["income"]) == (13_030, 3600)
    assert (a["days_to_first_sale"], b["days_to_first_sale"]) == (10.0, 4.0)
    assert a["active"] and b["active"] and a["has_sold"]
    figures = {row["figure"]: row["value"] for row in result.sections[0].table.rows}
    assert figures["Trainees verified"] == "2"
    assert figures["With a first sale"] == "2"
    assert figures["Median days from verification to first sale"] == "7"
    assert figures["Income in the period: Median"] == "$83.15"
    assert figures["Income in the period: First quartile"] == "$59.58"  # 5,957.5 half up


def test_quartiles():
    assert quartiles([]) is None
    assert quartiles([7]) == (7, 7, 7, 7, 7)
    assert quartiles([0, 10, 20, 30, 40]) == (0, 10, 20, 30, 40)


@pytest.mark.parametrize("locale", ["fa", "en"])
def test_employment_summary_speaks_the_reader_s_language(world, locale):
    with force_locale(locale):
        result = employment_report(EVERYTHING, this_month(), marketplace_zone(), locale, "USD")
    assert ("۲" in result.summary) is (locale == "fa")
