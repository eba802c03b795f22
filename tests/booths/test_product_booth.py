"""The product page says where to see the piece: the maker's next live booth day, in the
reader's calendar and digits, for one query whatever the maker's booth days."""

import pytest
from babel.dates import format_date

from marketplace.booths.models import AssignmentStatus
from marketplace.core.i18n import jalali_date
from tests.sql import statements


@pytest.fixture
def app_config():
    return {"PAGE_CACHE_SECONDS": 0}


def _page(client, product, lang: str) -> tuple[str, list[str]]:
    client.get(f"/p/{product.id}?lang={lang}")  # warm what a process keeps
    with statements(client.application.extensions["sqlalchemy"].engine) as seen:
        response = client.get(f"/p/{product.id}?lang={lang}")
    assert response.status_code == 200
    return response.text, seen


def test_the_product_page_names_the_next_booth_day(client, world, create_trainee,
                                                   create_product, create_booth,
                                                   create_assignment):
    maker = create_trainee()
    product = create_product(maker)
    first, second, third = world.market.days
    nothing_yet, before = _page(client, product, "fa")
    assert "cat-booth-next" not in nothing_yet

    booth = create_booth(world.venue, code="A-7")
    create_assignment(world.booths[0], first, maker, status=AssignmentStatus.CANCELLED)
    create_assignment(booth, second, maker)
    create_assignment(world.booths[1], third, maker)

    fa, after = _page(client, product, "fa")
    assert f"آن را {jalali_date(second.day, with_weekday=True)} در غرفهٔ A-۷ ببینید" in fa
    assert f'href="/markets/{world.market.id}?day={second.id}#booth-{booth.id}"' in fa
    en, _ = _page(client, product, "en")
    assert f"See it at booth A-7 on {format_date(second.day, 'EEEE d MMMM y', locale='en')}" \
        in en
    assert len(after) == len(before)
    assert sum("assignments" in s for s in after) == 1


@pytest.mark.parametrize("app_config", [{"PAGE_CACHE_SECONDS": 60}])
def test_a_makers_next_booth_is_asked_once_for_all_their_pieces(client, world, create_trainee,
                                                                create_product, create_booth,
                                                                create_assignment):
    maker = create_trainee()
    first, other = create_product(maker), create_product(maker)
    create_assignment(create_booth(world.venue, code="B-2"), world.market.days[1], maker)
    client.get(f"/p/{first.id}?lang=en")
    with statements(client.application.extensions["sqlalchemy"].engine) as seen:
        page = client.get(f"/p/{other.id}?lang=en").text
    assert "See it at booth B-2" in page
    assert not any("assignments" in s for s in seen)
