"""flask commands of the catalogue."""

import click
from flask.cli import with_appcontext

from marketplace.extensions import db


@click.command("reindex-search")
@click.option("--batch-size", default=1000, show_default=True)
@with_appcontext
def reindex_search(batch_size: int):
    """Rebuild every product's search key (and SQLite's trigram rows) after bulk changes."""
    from marketplace.catalogue.queries import clear_trigram_cache
    from marketplace.catalogue.search_index import reindex_all

    done = reindex_all(batch_size=batch_size, echo=click.echo)
    db.session.commit()
    clear_trigram_cache()
    click.echo(f"Search keys rebuilt for {done} products.")


commands = [reindex_search]
