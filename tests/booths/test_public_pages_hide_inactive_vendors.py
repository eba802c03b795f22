"""QA P2: a suspended or rejected trainee's booth stays taken on public pages, but without
their store name or a link to their (now 404) store."""

import pytest

from marketplace.accounts.models import TraineeStatus


@pytest.mark.parametrize("status", [TraineeStatus.SUSPENDED, TraineeStatus.REJECTED])
def test_inactive_vendor_is_not_linked_from_public_booth_pages(db, client, world, create_trainee,
                                                               create_assignment, status):
    active = create_trainee()
    gone = create_trainee()
    day = world.market.days[0]
    create_assignment(world.booths[0], day, gone)
    create_assignment(world.booths[1], day, active)
    gone.status = status
    db.session.commit()

    html = client.get(f"/markets/{world.market.id}?day={day.id}&lang=en").get_data(as_text=True)
    assert f"/s/{gone.store_slug}" not in html and gone.store_name not in html
    assert f"/s/{active.store_slug}" in html and active.store_name in html
    assert f'id="row-booth-{world.booths[0].id}"' in html  # still shown as taken
    assert f'booth booth-taken booth-subsidised" id="booth-{world.booths[0].id}"' in html

    booth = client.get(f"/markets/{world.market.id}/booths/{world.booths[0].id}?lang=en")
    text = booth.get_data(as_text=True)
    assert booth.status_code == 200
    assert f"/s/{gone.store_slug}" not in text and gone.store_name not in text
    assert "taken" in text

    who = client.get(f"/api/v1/booths/markets/{world.market.id}/who-is-where").json
    assert [e["store_slug"] for e in who["entries"]] == [active.store_slug]


def test_disabled_account_is_not_linked_either(db, client, world, create_trainee,
                                               create_assignment):
    gone = create_trainee()
    day = world.market.days[0]
    create_assignment(world.booths[0], day, gone)
    gone.user.is_disabled = True
    db.session.commit()
    html = client.get(f"/markets/{world.market.id}?day={day.id}").get_data(as_text=True)
    assert f"/s/{gone.store_slug}" not in html and gone.store_name not in html
