"""The demo's sale at the booth: a trainee sells a one-of-a-kind carpet tableau face to face,
so it disappears from the online store at once (issue 17), recorded as the booth-sale page
records it (same stock, booked as cash in hand). Idempotent: the sale carries a client key and
is recorded once."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.booths.models import BoothSale, BoothSalePayment
from marketplace.catalogue.models import Category, Product, ProductKind, ProductStatus
from marketplace.extensions import db
from marketplace.payments.services.booth_sales import BoothSaleData, record_booth_sale

CLIENT_KEY = "demo-booth-sale-tableau"


def seed(echo) -> None:
    if db.session.scalar(select(BoothSale.id).where(BoothSale.client_key == CLIENT_KEY)):
        return
    # The newest tableau for sale: the purchases the demo's tests and visitors try take the
    # oldest first.
    tableau = db.session.scalars(
        select(Product).join(Category, Product.category_id == Category.id)
        .where(Category.slug == "carpet-tableaux", Product.kind == ProductKind.ONE_OF_A_KIND,
               Product.status == ProductStatus.ACTIVE, Product.stock > 0)
        .order_by(Product.id.desc())).first()
    if tableau is None or not tableau.trainee.is_verified:
        return
    record_booth_sale(tableau.trainee.user, BoothSaleData(
        product_id=tableau.id, quantity=1, payment_kind=BoothSalePayment.CASH,
        client_key=CLIENT_KEY))
    echo(f"booth sale: {tableau.trainee.user.email} sold “{tableau.title_fa}” at the booth; "
         f"it is sold out online (/p/{tableau.id})")
