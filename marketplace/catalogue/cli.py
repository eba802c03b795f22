"""flask commands of the catalogue."""

import click
from flask.cli import with_appcontext

from marketplace.catalogue.search_index import rebuild_search_table, reindex_in_batches
from marketplace.extensions import db


@click.command("reindex-search")
@click.option("--batch-size", default=1000, show_default=True)
@with_appcontext
def reindex_search(batch_size: int):
    """Rebuild every product's search key (and SQLite's word index) after bulk changes."""
    rebuild_search_table()  # first: the keys' updates below go through its triggers
    done = 0
    for done in reindex_in_batches(batch_size=batch_size):
        db.session.commit()
        click.echo(f"reindexed {done} products")
    db.session.commit()
    click.echo(f"Search keys rebuilt for {done} products.")
