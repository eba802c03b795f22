"""Product cards rendered once and kept by each process (ARCHITECTURE §10).

A card (catalogue/_card.html) shows only public facts of one product — title, cover photo,
price, maker, city, a badge — the same to every visitor who reads that language. So each
process keeps the HTML of the cards it rendered until the next public change or
PAGE_CACHE_SECONDS (page_cache.memo_in_process), and a search page rendered afresh loads and
renders only the products that no page before it showed: newest-first results of different
searches share many of their products (about half, over the benchmark's thousand searches).
"""

from __future__ import annotations

from flask import current_app
from markupsafe import Markup

from marketplace.catalogue.models import Product
from marketplace.catalogue.queries.listings import products_in_order
from marketplace.core import page_cache
from marketplace.core.i18n import locale_code

CARD_TEMPLATE = "catalogue/_card.html"
# Cards each process keeps per language: about 1 KB of HTML each.
KEPT_CARDS = 5_000


def product_cards(ids: list[int]) -> list[Markup]:
    """The cards of these products, in this order (a product gone since is left out)."""
    kept = page_cache.memo_in_process(f"cards:{locale_code()}", KEPT_CARDS)
    cards = {product_id: kept.get(product_id) for product_id in ids}
    missing = [product_id for product_id, card in cards.items() if card is None]
    for product, card in render_cards(products_in_order(missing)):
        cards[product.id] = kept[product.id] = card
    return [shown for product_id in ids if (shown := cards[product_id]) is not None]


def render_cards(products: list[Product]) -> list[tuple[Product, Markup]]:
    """Each product's card, rendered with the context every template gets."""
    if not products:
        return []
    template = current_app.jinja_env.get_template(CARD_TEMPLATE)
    context: dict = {}
    current_app.update_template_context(context)
    return [(product, Markup(template.render(context, product=product)))  # noqa: S704 - autoescaped
            for product in products]
