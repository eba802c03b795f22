"""flask commands of the booths domain."""

import click
from flask.cli import with_appcontext

from marketplace.booths.services import attendance, offers
from marketplace.extensions import db


@click.command("mark-no-shows")
@with_appcontext
def mark_no_shows():
    """Mark booths not checked in by their market's deadline as no-shows and count strikes.

    Run it every few minutes on market days (cron); it only touches days past their deadline.
    """
    summary = attendance.mark_no_shows()
    db.session.commit()
    click.echo(f"{summary['no_shows']} no-shows marked, {summary['strikes']} strikes, "
               f"{summary['ineligible']} trainees made ineligible.")


@click.command("expire-booth-offers")
@with_appcontext
def expire_booth_offers():
    """Pass waitlist offers left unanswered past their deadline to the next applicant.

    Run it every few minutes (it is part of `flask maintenance`)."""
    expired = offers.expire_offers()
    db.session.commit()
    click.echo(f"{expired} booth offers expired and passed on.")
