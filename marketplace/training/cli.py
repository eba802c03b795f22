"""`flask remind-sessions`: remind everyone with a place on a course of its sessions starting
within the next day, once each."""

import click
from flask.cli import with_appcontext

from marketplace.extensions import db
from marketplace.training.services.reminders import remind_sessions as queue_session_reminders


@click.command("remind-sessions")
@with_appcontext
def remind_sessions():
    """Remind each participant of their course sessions in the next day, once (run by cron)."""
    count = queue_session_reminders()
    db.session.commit()
    click.echo(f"Reminded {count} participant(s) of a session.")
