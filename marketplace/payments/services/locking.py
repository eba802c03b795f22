"""Row locks for payments' read-modify-write steps."""

from sqlalchemy import select

from marketplace.extensions import db


def lock(model, row_id: int):
    """Re-read a row with FOR UPDATE (PostgreSQL); SQLite writers already hold the write lock."""
    return db.session.scalars(select(model).where(model.id == row_id).with_for_update()
                              .execution_options(populate_existing=True)).one()
