"""QR codes lead to the absolute store or product URL; signs and tags show them."""

import io

import pytest
import segno
import zxingcpp
from PIL import Image

from marketplace.catalogue.models import ProductStatus
from marketplace.core import qr


def decode_png(body: bytes) -> str:
    image = Image.open(io.BytesIO(body))
    assert image.format == "PNG"
    results = zxingcpp.read_barcodes(image.convert("L"))
    assert len(results) == 1
    assert results[0].format == zxingcpp.BarcodeFormat.QRCode
    return results[0].text


def svg_matrix(body: bytes) -> list[list[bool]]:
    """The module matrix drawn by a segno SVG path (horizontal runs of dark modules)."""
    import re

    text = body.decode()
    size = int(re.search(r'viewBox="0 0 (\d+) (\d+)"', text).group(1))
    path = re.search(r' d="([^"]+)"', text).group(1)
    grid = [[False] * size for _ in range(size)]
    x = y = 0.0
    for command, number_a, number_b in re.findall(r"([Mmhv])(-?[\d.]+)(?: (-?[\d.]+))?", path):
        a = float(number_a)
        if command == "M":
            x, y = a, float(number_b)
        elif command == "m":
            x, y = x + a, y + float(number_b)
        elif command == "h":
            start, x = x, x + a
            for column in range(int(start), int(x)):
                grid[int(y)][column] = True
        elif command == "v":
            y += a
    return grid


def segno_matrix(url: str, border: int = qr.BORDER) -> list[list[bool]]:
    code = qr.make(url)
    return [[bool(v) for v in row] for row in code.matrix_iter(scale=1, border=border)]


@pytest.fixture
def store(create_trainee):
    return create_trainee(store_slug="maryam-tableaux", store_name="تابلو فرش مریم")


def test_store_qr_png_decodes_to_the_store_url_on_the_request_host(client, store):
    response = client.get("/s/maryam-tableaux/qr.png", base_url="http://bazaar.test:8080")

    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert "max-age" in response.headers["Cache-Control"]
    assert decode_png(response.data) == "http://bazaar.test:8080/s/maryam-tableaux"


def test_store_qr_svg_draws_the_same_code(client, store):
    response = client.get("/s/maryam-tableaux/qr.svg")

    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert svg_matrix(response.data) == segno_matrix("http://localhost/s/maryam-tableaux")
    assert svg_matrix(response.data) != segno_matrix("http://localhost/s/someone-else")


def test_qr_answers_not_modified_to_a_matching_etag(client, store):
    first = client.get("/s/maryam-tableaux/qr.png")
    again = client.get("/s/maryam-tableaux/qr.png",
                       headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


class TestWithBaseUrl:
    @pytest.fixture
    def app_config(self):
        return {"MARKETPLACE_BASE_URL": "https://bazaarche.example/"}

    def test_codes_use_the_configured_base_url(self, client, store, make_product):
        product = make_product(store)

        store_png = client.get("/s/maryam-tableaux/qr.png", base_url="http://internal:5000")
        product_png = client.get(f"/p/{product.id}/qr.png")
        product_svg = client.get(f"/p/{product.id}/qr.svg")

        assert decode_png(store_png.data) == "https://bazaarche.example/s/maryam-tableaux"
        assert decode_png(product_png.data) == f"https://bazaarche.example/p/{product.id}"
        assert svg_matrix(product_svg.data) == segno_matrix(
            f"https://bazaarche.example/p/{product.id}")

    def test_sign_shows_store_name_code_and_url(self, client, store):
        page = client.get("/s/maryam-tableaux/sign?lang=fa").get_data(as_text=True)

        assert "تابلو فرش مریم" in page
        assert 'src="/s/maryam-tableaux/qr.svg"' in page
        assert "https://bazaarche.example/s/maryam-tableaux" in page
        assert "برای دیدن فروشگاهم اسکن کنید" in page


def test_product_qr_decodes_to_the_product_page(client, store, make_product):
    product = make_product(store)

    response = client.get(f"/p/{product.id}/qr.png")

    assert response.status_code == 200
    assert decode_png(response.data) == f"http://localhost/p/{product.id}"
    # and that address is the catalogue's product page
    assert client.get(f"/p/{product.id}").status_code == 200


@pytest.mark.parametrize("status", [ProductStatus.DRAFT, ProductStatus.SUBMITTED,
                                    ProductStatus.REJECTED, ProductStatus.ARCHIVED])
def test_unpublished_products_have_no_code_or_tag(client, store, make_product, status):
    product = make_product(store, status=status)

    assert client.get(f"/p/{product.id}/qr.png").status_code == 404
    assert client.get(f"/p/{product.id}/qr.svg").status_code == 404
    assert client.get(f"/p/{product.id}/tag").status_code == 404
    assert client.get("/p/999999/qr.png").status_code == 404


def test_products_of_a_suspended_trainee_have_no_code(client, db, store, make_product):
    product = make_product(store)
    store.status = "suspended"
    db.session.commit()

    assert client.get(f"/p/{product.id}/qr.png").status_code == 404


def test_item_tag_shows_title_price_and_code(client, store, make_product):
    product = make_product(store, title_fa="تابلو فرش گل و مرغ", price_amount=12_500_00,
                           currency="USD")

    page = client.get(f"/p/{product.id}/tag?lang=en").get_data(as_text=True)

    assert "تابلو فرش گل و مرغ" in page or "Flowers and birds" in page
    assert "$12,500.00" in page
    assert f'src="/p/{product.id}/qr.svg"' in page
    assert "تابلو فرش مریم" in page

    persian = client.get(f"/p/{product.id}/tag?lang=fa").get_data(as_text=True)
    assert f"کالای شماره‌ی {str(product.id).translate(str.maketrans('0123456789', '۰۱۲۳۴۵۶۷۸۹'))}" \
        in persian
    assert "برای دیدن جزئیات و سفارش آنلاین اسکن کنید" in persian


def test_segno_encodes_what_the_decoder_reads():
    """The PNG helper itself round-trips a Persian store URL (percent-encoded by browsers)."""
    url = "https://bazaarche.example/s/%D9%85%D8%B1%DB%8C%D9%85"
    assert decode_png(qr.png_bytes(url)) == url
    assert isinstance(qr.make(url), segno.QRCode)
