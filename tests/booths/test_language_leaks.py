"""QA P3: numbers on Persian booth pages in Persian digits; API errors translated."""


def test_manage_page_seed_and_venue_map_positions_in_persian_digits(db, client, login, world):
    world.staff.locale = "fa"
    world.market.published_seed = 310127035
    db.session.commit()
    login(world.staff)
    manage = client.get(f"/booths/markets/{world.market.id}/manage").get_data(as_text=True)
    assert "۳۱۰۱۲۷۰۳۵" in manage and "310127035" not in manage
    # "Placed" of an allocation run (booths given) is not "Placed" of an order (the date it was
    # made): the run's column has its own context and its own Persian word.
    assert "<th>واگذارشده</th>" in manage and "<th>ثبت</th>" not in manage
    venue_map = client.get(f"/booths/venues/{world.venue.id}/map").get_data(as_text=True)
    booth = world.booths[1]
    assert " dir=\"ltr\">{},{}</td>".format(
        *(str(n).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
          for n in (booth.grid_x, booth.grid_y))) in venue_map


def test_api_errors_are_translated(db, client, api_token, world):
    world.staff.locale = "fa"
    db.session.commit()
    headers = api_token(world.staff)
    response = client.post("/api/v1/booths/venues", headers=headers,
                           json={"name_fa": "میدان", "name_en": "Square"})
    assert response.status_code == 422, response.json
    assert response.json["error"]["code"] == "municipality_required"
    assert "municipality_id" in response.json["error"]["message"]
    assert response.json["error"]["message"].startswith("شناسه")
    assert response.json["error"]["fields"]["municipality_id"] == ["الزامی است."]
