"""QA P3: the centre's review queue shows attribute values the way the product page does:
«بله/خیر» for yes/no, the locale's digits and the unit — not «true» or «70» bare."""

from marketplace.catalogue.models import ProductStatus


def test_review_queue_formats_attribute_values(db, client, login, carpet_category,
                                               create_product, create_trainee,
                                               create_centre_staff):
    trainee = create_trainee()
    staff = create_centre_staff(centre=trainee.centre)
    staff.locale = "fa"
    create_product(trainee=trainee, category=carpet_category, status=ProductStatus.SUBMITTED,
                   attributes={"width_cm": "70", "knot_density": "50", "framed": "true"})
    db.session.commit()
    login(staff)

    fa = client.get("/centre/listings").get_data(as_text=True)
    assert "عرض: ۷۰ سانتی‌متر" in fa
    assert "رج شمار: ۵۰ رج" in fa
    assert "قاب‌دار: بله" in fa
    assert "true" not in fa.split("cat-review-attrs", 1)[1].split("</p>", 1)[0]

    en = client.get("/centre/listings?lang=en").get_data(as_text=True)
    assert "Width: 70 cm" in en and "Framed: Yes" in en
