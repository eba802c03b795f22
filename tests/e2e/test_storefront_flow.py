"""In a real browser, in Persian: a buyer goes from the list of centres to a centre, to a
trainee's store, to a carpet tableau on it; and the QR codes of the booth sign and of the item
tag lead a phone to the same store and product pages."""

import io
import re

import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.images import natural_width_once_loaded


def decoded_qr(page, path: str) -> str:
    """Fetch a QR PNG as the browser would and read it like a phone camera."""
    response = page.request.get(path)
    assert response.ok and response.headers["content-type"] == "image/png"
    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(response.body())).convert("L"))
    return code.text


def test_from_centres_to_a_store_to_its_tableau_and_back_by_qr(
        app, db, page, new_page, fa, screenshot, live_server, create_centre, create_trainee,
        create_product, carpet_category):
    sardrud = create_centre(name_fa="آموزشگاه آزاد تابلو فرش سردرود", slug="sardrud-tableau",
                            city="سردرود")
    weaver = create_trainee(centre=sardrud, display_name="زهرا رحیمی",
                            store_name="تابلو فرش رحیمی", store_slug="rahimi-tableau",
                            trade="carpet_weaving", bio="بافنده‌ی تابلو فرش ابریشم در سردرود.")
    tableau = create_product(weaver, category=carpet_category,
                             title_fa="تابلو فرش ابریشم گل و مرغ", price_amount=32000,
                             attributes={"knot_density": "70", "material": "silk",
                                         "width_cm": 40, "height_cm": 60})
    product_id = tableau.id
    db.session.commit()
    db.session.rollback()  # hold no transaction while the browser reads

    page.goto("/")
    page.get_by_role("link", name=fa("Training centres"), exact=True).first.click()
    page.get_by_role("link", name="آموزشگاه آزاد تابلو فرش سردرود", exact=True).click()
    expect(page).to_have_url(re.compile(r"/c/sardrud-tableau$"))
    expect(page.locator(".sf-store-card")).to_contain_text("زهرا رحیمی")
    page.get_by_role("link", name="تابلو فرش رحیمی").click()

    expect(page).to_have_url(re.compile(r"/s/rahimi-tableau$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("تابلو فرش رحیمی")
    expect(page.locator(".sf-verified")).to_contain_text(fa("Verified by"))
    expect(page.locator(".sf-verified")).to_contain_text("آموزشگاه آزاد تابلو فرش سردرود")
    expect(page.locator(".sf-bio")).to_contain_text("بافنده‌ی تابلو فرش ابریشم در سردرود.")
    expect(page.locator(".sf-share-qr")).to_be_visible()
    assert natural_width_once_loaded(page.locator(".sf-share-qr")) > 0
    screenshot(page, "storefront-store-page")
    page.get_by_role("link", name="تابلو فرش ابریشم گل و مرغ").click()
    expect(page).to_have_url(re.compile(rf"/p/{product_id}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("تابلو فرش ابریشم گل و مرغ")

    # --- the booth sign and the item tag, scanned by a phone -------------------------------
    page.goto("/s/rahimi-tableau/sign")
    expect(page.get_by_text(fa("Scan to see my store"))).to_be_visible()
    store_url = decoded_qr(page, "/s/rahimi-tableau/qr.png")
    assert store_url == f"{live_server.url}/s/rahimi-tableau"
    page.goto(f"/p/{product_id}/tag")
    expect(page.locator(".sf-tag")).to_contain_text("تابلو فرش ابریشم گل و مرغ")
    screenshot(page, "storefront-item-tag")
    item_url = decoded_qr(page, f"/p/{product_id}/qr.png")
    assert item_url == f"{live_server.url}/p/{product_id}"

    phone = new_page()
    phone.goto(store_url)
    expect(phone.get_by_role("heading", level=1)).to_have_text("تابلو فرش رحیمی")
    phone.goto(item_url)
    expect(phone.get_by_role("heading", level=1)).to_have_text("تابلو فرش ابریشم گل و مرغ")
