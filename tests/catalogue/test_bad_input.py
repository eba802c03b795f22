"""Every bad input of issue 3 gives a clear 4xx with a code and writes nothing."""

import io
import struct
import zlib

import pytest
from PIL import Image
from sqlalchemy import func, select

from marketplace.accounts.models import TraineeStatus
from marketplace.catalogue.models import (
    Product,
    ProductAttributeValue,
    ProductImage,
    ProductStatus,
    ProductStatusChange,
)
from tests.factories.catalogue import png_bytes


def counts(db) -> tuple:
    return tuple(db.session.scalar(select(func.count()).select_from(model)) for model in (
        Product, ProductAttributeValue, ProductImage, ProductStatusChange))


def media_files(app) -> list:
    from pathlib import Path

    root = Path(app.config["MEDIA_DIR"])
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def owner(create_trainee):
    return create_trainee()


@pytest.fixture
def valid(carpet_category):
    return {"title_fa": "تابلو فرش", "category_id": carpet_category.id, "price_amount": 50000,
            "stock": 2, "attributes": {"width_cm": 40, "knot_density": "60",
                                       "material": "silk", "framed": True}}


def test_the_valid_payload_is_accepted(client, api_token, owner, valid):
    response = client.post("/api/v1/products", json=valid, headers=api_token(owner.user))
    assert response.status_code == 201, response.json
    assert response.json["attributes"] == {"width_cm": 40, "knot_density": "60",
                                           "material": "silk", "framed": True}
    assert response.json["status"] == "draft"


@pytest.mark.parametrize("change, field, code", [
    ({"attributes": {"width_cm": "wide"}}, "attributes", "validation_error"),
    ({"attributes": {"width_cm": 40, "framed": "maybe"}}, "attributes", "validation_error"),
    ({"attributes": {"width_cm": 40.5}}, "attributes", "validation_error"),
    ({"attributes": {"width_cm": 40, "colour": "red"}}, "attributes", "validation_error"),
    ({"attributes": {"width_cm": 40, "knot_density": "65"}}, "attributes", "validation_error"),
    ({"attributes": {"width_cm": 40, "material": "gold"}}, "attributes", "validation_error"),
    ({"attributes": {"height_cm": 40}}, "attributes", "validation_error"),  # required width
    ({"price_amount": -1}, "price_amount", "validation_error"),
    ({"price_amount": 0}, "price_amount", "validation_error"),
    ({"price_amount": 10**15}, "price_amount", "validation_error"),
    ({"stock": -3}, "stock", "validation_error"),
    ({"stock": 10**7}, "stock", "validation_error"),
    ({"title_fa": "ب" * 201}, "title_fa", "validation_error"),
    ({"title_fa": "   "}, "title_fa", "validation_error"),
    ({"category_id": 999999}, "category_id", "validation_error"),
    ({"kind": "made_to_order"}, "lead_time_days", "validation_error"),
    ({"kind": "one_of_a_kind", "stock": 3}, "stock", "validation_error"),
    ({"lead_time_days": 9999, "kind": "made_to_order"}, "lead_time_days",
     "validation_error"),
])
def test_bad_product_input_is_422_and_writes_nothing(db, client, api_token, owner, valid,
                                                     change, field, code):
    headers = api_token(owner.user)
    before = counts(db)
    payload = {**valid, **change}
    response = client.post("/api/v1/products", json=payload, headers=headers)
    assert response.status_code == 422, response.json
    assert response.json["error"]["code"] == code
    assert field in response.json["error"]["fields"]
    assert counts(db) == before


def test_attribute_errors_name_the_attribute(client, api_token, owner, valid):
    payload = {**valid, "attributes": {"width_cm": "wide", "knot_density": "65",
                                       "material": "gold", "colour": "red"}}
    response = client.post("/api/v1/products", json=payload, headers=api_token(owner.user))
    fields = response.json["error"]["fields"]["attributes"]
    assert set(fields) == {"width_cm", "knot_density", "material", "colour"}


def test_wrong_json_types_are_422(db, client, api_token, owner, valid):
    before = counts(db)
    for change in ({"price_amount": "12"}, {"stock": 1.5}, {"attributes": ["x"]},
                   {"unknown_field": 1}):
        response = client.post("/api/v1/products", json={**valid, **change},
                               headers=api_token(owner.user))
        assert response.status_code == 422, change
        assert response.json["error"]["code"] == "validation_error"
    assert counts(db) == before


def test_bad_update_changes_nothing(db, client, api_token, create_product, owner,
                                    carpet_category):
    product = create_product(trainee=owner, category=carpet_category, price_amount=700,
                             attributes={"width_cm": 30})
    response = client.patch(f"/api/v1/products/{product.id}", headers=api_token(owner.user),
                            json={"price_amount": 900, "attributes": {"width_cm": "x"}})
    assert response.status_code == 422
    db.session.expire_all()
    fresh = db.session.get(Product, product.id)
    assert fresh.price_amount == 700
    assert [v.value_text for v in fresh.attribute_values] == ["30"]


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_someone_elses_product_is_404(db, client, api_token, create_product, create_trainee,
                                      method):
    product = create_product(title_fa="مال دیگری")
    intruder = create_trainee()
    kwargs = {"json": {"title_fa": "دزدی"}} if method == "patch" else {}
    response = getattr(client, method)(f"/api/v1/products/{product.id}",
                                       headers=api_token(intruder.user), **kwargs)
    assert response.status_code == 404
    assert response.json["error"]["code"] == "product_not_found"
    db.session.expire_all()
    assert db.session.get(Product, product.id).title_fa == "مال دیگری"


def test_someone_elses_product_is_404_in_the_pages_too(db, client, login, create_product,
                                                       create_trainee):
    product = create_product(title_fa="مال دیگری")
    login(create_trainee().user)
    assert client.get(f"/my/products/{product.id}/edit").status_code == 404
    assert client.post(f"/my/products/{product.id}/edit",
                       data={"title_fa": "دزدی"}).status_code == 404
    assert client.post(f"/my/products/{product.id}/delete").status_code == 404
    db.session.expire_all()
    assert db.session.get(Product, product.id) is not None


@pytest.mark.parametrize("status, code", [(TraineeStatus.PENDING, "vendor_not_verified"),
                                          (TraineeStatus.REJECTED, "vendor_not_verified"),
                                          (TraineeStatus.SUSPENDED, "vendor_suspended")])
def test_an_unverified_or_suspended_trainee_cannot_submit(db, client, api_token, create_product,
                                                          create_trainee, status, code):
    trainee = create_trainee(status=status)
    product = create_product(trainee=trainee, status=ProductStatus.DRAFT)
    before = counts(db)
    response = client.post(f"/api/v1/products/{product.id}/submit",
                           headers=api_token(trainee.user))
    assert response.status_code == 403
    assert response.json["error"]["code"] == code
    assert counts(db) == before
    db.session.expire_all()
    assert db.session.get(Product, product.id).status == ProductStatus.DRAFT


# --- images ------------------------------------------------------------------------------------

def upload(client, headers, product_id, data: bytes, name="photo.jpg"):
    """A multipart upload built in memory (werkzeug's test client would spool a large body to
    a temporary file that it never closes)."""
    boundary = "catalogue-test-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"alt_text\"\r\n\r\n"
            "عکس\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; "
            f"filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            ).encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return client.post(f"/api/v1/products/{product_id}/images", headers=headers, data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def huge_png_header(width=50_000, height=50_000) -> bytes:
    """A PNG that claims 50,000 × 50,000 pixels with a tiny, mostly-zero compressed body."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    row = b"\x00" + b"\x00" * width
    compressor = zlib.compressobj(9)
    body = compressor.compress(row * 20) + compressor.flush()  # only a few rows: stays small
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(
        b"IEND", b"")


@pytest.mark.parametrize("data, name, status, code", [
    (b"this is not an image, just text\n" * 10, "photo.jpg", 422, "image_type"),
    (b"", "empty.png", 422, "image_empty"),
    (b"GIF89a" + b"\x00" * 100, "anim.gif", 422, "image_type"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "broken.png", 422, "image_type"),
])
def test_files_that_are_not_accepted_images(db, app, client, api_token, create_product, owner,
                                            data, name, status, code):
    product = create_product(trainee=owner)
    before = counts(db)
    response = upload(client, api_token(owner.user), product.id, data, name)
    assert response.status_code == status, response.json
    assert response.json["error"]["code"] == code
    assert counts(db) == before
    assert media_files(app) == []


def test_a_gif_is_refused_even_though_pillow_reads_it(db, app, client, api_token,
                                                      create_product, owner):
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="GIF")
    product = create_product(trainee=owner)
    response = upload(client, api_token(owner.user), product.id, buffer.getvalue(), "x.png")
    assert (response.status_code, response.json["error"]["code"]) == (422, "image_type")


def test_a_50000_by_50000_png_is_refused_without_decoding(db, app, client, api_token,
                                                          create_product, owner):
    data = huge_png_header()
    assert len(data) < 200_000
    product = create_product(trainee=owner)
    before = counts(db)
    response = upload(client, api_token(owner.user), product.id, data, "bomb.png")
    assert response.status_code == 422
    assert response.json["error"]["code"] == "image_pixels"
    assert counts(db) == before
    assert media_files(app) == []


def test_just_over_40_megapixels_is_refused(client, api_token, create_product, owner):
    product = create_product(trainee=owner)
    response = upload(client, api_token(owner.user), product.id,
                      huge_png_header(8000, 5001), "big.png")
    assert (response.status_code, response.json["error"]["code"]) == (422, "image_pixels")


def test_an_11_mb_file_is_refused(db, app, client, api_token, create_product, owner):
    product = create_product(trainee=owner)
    data = png_bytes(20, 20) + b"\x00" * (11 * 1024 * 1024)
    before = counts(db)
    response = upload(client, api_token(owner.user), product.id, data, "big.png")
    assert response.status_code == 413
    assert response.json["error"]["code"] == "image_too_large"
    assert counts(db) == before
    assert media_files(app) == []


def test_a_ninth_image_is_refused(db, app, client, api_token, create_product, owner):
    product = create_product(trainee=owner)
    headers = api_token(owner.user)
    for n in range(8):
        assert upload(client, headers, product.id, png_bytes(colour=(n * 30, 0, 0)),
                      "p.png").status_code == 201
    files = media_files(app)
    response = upload(client, headers, product.id, png_bytes(), "ninth.png")
    assert response.status_code == 422
    assert response.json["error"]["code"] == "too_many_images"
    assert db.session.scalar(select(func.count()).select_from(ProductImage)) == 8
    assert media_files(app) == files


def test_uploads_are_reencoded_without_metadata(db, app, client, api_token, create_product,
                                                owner):
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0112] = 6  # orientation: rotate 90° when shown
    buffer = io.BytesIO()
    Image.new("RGB", (120, 60), (10, 120, 200)).save(buffer, format="JPEG", exif=exif.tobytes())
    product = create_product(trainee=owner)
    response = upload(client, api_token(owner.user), product.id, buffer.getvalue())
    assert response.status_code == 201
    body = response.json
    assert (body["width"], body["height"]) == (60, 120)  # turned upright before stripping
    assert body["alt_text"] == "عکس"
    assert set(body["urls"]) == {"full", "large", "medium", "thumb"}
    for path in media_files(app):
        data = path.read_bytes()
        assert b"SecretCam" not in data
        with Image.open(path) as stored:
            assert stored.format == "WEBP"
            assert not stored.getexif()
