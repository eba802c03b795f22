"""The reports' headline figures on each role's home page (/my): the figure of the report,
a link to it, in Persian with Persian digits, and a constant number of queries."""

import html as markup
import re

from tests.reports.test_pages import LATIN_DIGIT


def headlines(html: str) -> list[tuple[str, str]]:
    """(link, text) of each headline of the page."""
    block = "".join(re.findall(r'<ul class="todo-list home-headlines".*?</ul>', html, re.S))
    return [(markup.unescape(url),
             markup.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip()))
            for url, text in re.findall(r'<a href="([^"]+)">(.*?)</a>', block, re.S)]


def test_each_role_sees_the_figures_of_its_reports(world, client, login, log_searches):
    log_searches("رنگرزی گیاهی", visitors=6, city="سردرود")
    login(world.trainee_a.user)
    # A: orders 1 and 2 and the booth sale, net 17,500 − 1,470 − 3,000 = 13,030 cents.
    assert headlines(client.get("/my?lang=en").get_data(as_text=True)) == [
        ("/reports/sales", "3 My sales this month net $130.30")]
    login(world.staff_x)  # centre X has A alone; its city is Sardrud's
    found = headlines(client.get("/my?lang=en").get_data(as_text=True))
    assert found[0] == ("/reports/sales", "3 Our trainees' sales this month net $130.30")
    assert found[1][0] == "/reports/needs"
    assert "«رنگرزی گیاهی»" in found[1][1] and "6 searches" in found[1][1]
    login(world.municipal_1)  # today's market day at venue 1: one booth of two given
    assert headlines(client.get("/my?lang=en").get_data(as_text=True))[0][:1] == \
        ("/reports/booths",)
    html = client.get("/my?lang=fa").get_data(as_text=True)
    occupancy = headlines(html)[0][1]
    assert "۵۰٪" in occupancy and LATIN_DIGIT.search(occupancy) is None


def test_centre_staff_see_one_sales_figure_the_reports(world, client, login):
    """/my once showed two "sales this month" for a centre: the to-do list's (vendor orders
    created this month, gross) and the report's headline. Only the report's is left; it
    counts the booth sale and takes the refund off, as /reports/sales does."""
    login(world.staff_x)
    page = client.get("/my?lang=en").get_data(as_text=True)
    assert page.count("sales this month") == 1
    assert "Sales of our trainees this month" not in page
    assert headlines(page)[0] == ("/reports/sales", "3 Our trainees' sales this month net $130.30")
    report = client.get("/reports/sales?lang=en").get_data(as_text=True)
    assert "130.30" in report


def test_the_headlines_run_a_constant_number_of_queries(world, client, login, count_queries,
                                                          place_test_order, create_user):
    user = world.staff_x
    login(user)
    client.get("/my")
    with count_queries() as few:
        client.get("/my")
    for _ in range(3):
        place_test_order(create_user(), world.product_a2, fulfilment="shipping", paid=True)
    with count_queries() as many:
        client.get("/my")
    assert many.n == few.n
