"""Walkways are drawn on the venue's grid, not typed as x1,y1,x2,y2 (issue 18): a checkbox on
each line between two cells, ticked where a walkway or pillar is."""

import re

from marketplace.booths.walkways import MAX_DRAWN_CELLS, drawable, grid_rows, parse_edges


def test_the_grid_has_a_line_between_every_two_neighbouring_cells():
    rows = grid_rows(3, 2, [[1, 0, 2, 0]])
    edges = [p for row in rows for p in row if p.kind == "edge"]
    # 3 × 2 cells: 2 lines in each of 2 rows side by side, 3 lines between the rows.
    assert len(edges) == 2 * 2 + 3
    assert [p.value for p in edges if p.checked] == ["1,0,2,0"]
    assert len(rows) == 3 and [p.kind for p in rows[1]] == ["edge", "corner", "edge", "corner",
                                                            "edge"]
    assert parse_edges(["1,0,2,0", "nonsense"]) == [["1", "0", "2", "0"]]
    assert drawable(30, 30) and not drawable(31, 30) and MAX_DRAWN_CELLS == 900
    assert not drawable(None, 4)


def test_staff_tick_walkways_on_the_venue_form(client, login, db, world):
    world.staff.locale = "fa"
    world.venue.grid_breaks = [[1, 0, 2, 0]]
    db.session.commit()
    login(world.staff)
    url = f"/booths/venues/{world.venue.id}/edit"
    html = client.get(url).get_data(as_text=True)
    assert "x1,y1" not in html and "grid_breaks" not in html
    ticked = re.findall(r'<input type="checkbox" class="walkway-edge[^"]*" name="walkways" '
                        r'value="([0-9,]+)" checked', html)
    assert ticked == ["1,0,2,0"]
    venue = world.venue
    data = {"municipality_id": venue.municipality_id, "name_fa": venue.name_fa,
            "name_en": venue.name_en or "", "opens_at": "۰۹:۰۰", "closes_at": "۱۸:۳۰",
            "grid_width": str(venue.grid_width), "grid_height": str(venue.grid_height),
            "walkways": ["0,0,1,0", "2,0,2,1"], "standard_fee_amount": "0"}
    response = client.post(url, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    db.session.refresh(venue)
    assert venue.grid_breaks == [[0, 0, 1, 0], [2, 0, 2, 1]]
    assert venue.closes_at.hour == 18 and venue.closes_at.minute == 30

    outside = client.post(url, data={**data, "walkways": ["0,0,5,5"]})
    assert outside.status_code == 200
    db.session.refresh(venue)
    assert venue.grid_breaks == [[0, 0, 1, 0], [2, 0, 2, 1]]

    bad_time = client.post(url, data={**data, "closes_at": "۲۵:۰۰"})
    assert bad_time.status_code == 200
    assert "ساعتی مانند ۰۹:۳۰ بنویسید." in bad_time.get_data(as_text=True)
