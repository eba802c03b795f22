"""Page / per-page parsing and a small page object shared by HTML lists and the API."""

from dataclasses import dataclass
from math import ceil

from flask_babel import gettext as _
from marshmallow import Schema, fields
from sqlalchemy import func, select

from marketplace.core.digits import parse_int
from marketplace.core.errors import BadRequest, CoreErrorCode

DEFAULT_PER_PAGE = 24
MAX_PER_PAGE = 100
# Far beyond any real list; keeps OFFSET within what every database accepts.
MAX_PAGE = 10_000


def page_args(args, default_per_page: int = DEFAULT_PER_PAGE) -> tuple[int, int]:
    try:
        page = parse_int(args.get("page", 1))
        per_page = parse_int(args.get("per_page", default_per_page))
    except ValueError:
        raise BadRequest(_("page and per_page must be whole numbers."),
                         code=CoreErrorCode.BAD_PAGE) from None
    if not 1 <= page <= MAX_PAGE or not 1 <= per_page <= MAX_PER_PAGE:
        raise BadRequest(_("page must be between 1 and %(pages)d and per_page between 1 and "
                           "%(per_page)d.", pages=MAX_PAGE, per_page=MAX_PER_PAGE),
                         code=CoreErrorCode.BAD_PAGE)
    return page, per_page


class PageArgsSchema(Schema):
    """`page` and `per_page` as the API documents them. page_args() reads them (Persian digits
    welcome) and answers 400 `bad_page` outside these ranges, so the fields only describe."""

    page = fields.String(metadata={"type": "integer", "minimum": 1, "maximum": MAX_PAGE,
                                   "default": 1})
    per_page = fields.String(metadata={"type": "integer", "minimum": 1,
                                       "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE})


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_prev(self) -> bool:
        return self.page > 1


def paginate(session, statement, page: int, per_page: int) -> Page:
    """Two queries whatever the page size: the count and the page of rows."""
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    rows = session.scalars(statement.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(list(rows), page, per_page, total or 0)
