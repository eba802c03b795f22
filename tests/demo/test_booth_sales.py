"""The demo's booth sale (issue 17's done-when): the newest one-of-a-kind tableau is sold at
the booth, so it is sold out online at once and booked as cash in hand; twice is once."""

from sqlalchemy import func, select

from marketplace.booths.models import BoothSale
from marketplace.catalogue.models import ProductKind, ProductStatus
from marketplace.demo import booth_sales


def test_the_demo_sells_the_newest_tableau_at_the_booth_once(
        db, create_category, create_product, create_trainee):
    tableaux = create_category(slug="carpet-tableaux")
    trainee = create_trainee()
    older = create_product(trainee=trainee, category=tableaux, kind=ProductKind.ONE_OF_A_KIND,
                           stock=1)
    newest = create_product(trainee=trainee, category=tableaux,
                            kind=ProductKind.ONE_OF_A_KIND, stock=1)
    create_product(trainee=trainee, kind=ProductKind.ONE_OF_A_KIND, stock=1)  # not a tableau
    lines: list[str] = []
    for _ in range(2):
        booth_sales.seed(lines.append)
        db.session.commit()

    (sale,) = db.session.scalars(select(BoothSale)).all()
    assert (sale.product_id, sale.quantity, sale.trainee_id) == (newest.id, 1, trainee.id)
    db.session.expire_all()
    assert newest.stock == 0 and newest.status == ProductStatus.SOLD_OUT
    assert older.stock == 1 and older.status == ProductStatus.ACTIVE
    assert db.session.scalar(select(func.count(BoothSale.id))) == 1 and len(lines) == 1
