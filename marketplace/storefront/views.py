"""Public store pages (/s/<slug>), centre pages (/c/<slug>), the centre list, QR codes,
booth signs and item tags."""

from __future__ import annotations

import hashlib

from flask import (
    Blueprint,
    Response,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from marketplace.booths import queries as booth_queries
from marketplace.catalogue.queries.listings import newest_products
from marketplace.core import qr
from marketplace.core.errors import NotFound
from marketplace.core.i18n import locale_code, today_here
from marketplace.core.page_cache import cached_page
from marketplace.core.pagination import page_args
from marketplace.core.urls import absolute_url
from marketplace.storefront import queries, todo
from marketplace.storefront.errors import StorefrontErrorCode
from marketplace.storefront.headlines import headlines_for
from marketplace.storefront.links import avatar_url, banner_url, product_cover, product_path

bp = Blueprint("storefront", __name__)


BANNER_VARIANTS = 6
QR_MAX_AGE = 86400


def banner_variant(slug: str) -> int:
    """A stable pattern per store, so stores look different without any uploaded banner."""
    return hashlib.blake2s(slug.encode(), digest_size=2).digest()[0] % BANNER_VARIANTS


@bp.context_processor
def storefront_helpers():
    return {"product_cover": product_cover}


@bp.get("/")
def home():
    """The home page: what storefront reads from the catalogue and the markets."""
    today = today_here()
    return render_template("storefront/home.html",
                           newest_products=newest_products(8),
                           upcoming_markets=booth_queries.upcoming_markets(today, limit=5))


@bp.get("/my")
@login_required
def my_home():
    """The signed-in home: for each role the user holds, what waits for them, each a count
    and a link (storefront.todo: one query per role)."""
    user = current_user
    currency = current_app.config["MARKETPLACE_CURRENCY"]
    today = today_here()
    trainee = user.trainee
    return render_template(
        "storefront/my_home.html", today=today,
        buyer=todo.buyer_counts(user.id),
        trainee=trainee,
        trainee_todo=todo.trainee_todo(trainee.id, currency, today) if trainee else None,
        centre_todo=todo.centre_todo(user.staff_centre_ids) if user.is_centre_staff else None,
        municipal_todo=todo.municipal_todo(user.staff_municipality_ids, today)
        if user.is_municipal_staff else None,
        admin_todo=todo.admin_todo(currency) if user.is_admin else None,
        headlines=headlines_for(user, locale_code()))


@bp.get("/s/<store_slug>")
@cached_page
def store(store_slug):
    trainee = queries.get_store(store_slug)
    page, per_page = page_args(request.args)
    products = queries.store_products(trainee, page, per_page)
    return render_template("storefront/store.html", trainee=trainee, centre=trainee.centre,
                           products=products,
                           appearances=booth_queries.upcoming_appearances(trainee),
                           banner=banner_variant(trainee.store_slug),
                           avatar_url=avatar_url(trainee),
                           banner_url=banner_url(trainee),
                           store_url=absolute_url(url_for(".store", store_slug=store_slug)),
                           product_path=product_path)


@bp.get("/my/store")
@login_required
def my_store():
    """A trainee's way to their own store page, booth sign and QR codes."""
    trainee = current_user.trainee
    if trainee is None:
        raise NotFound(_l("Only trainees have a store."), code=StorefrontErrorCode.STORE_NOT_FOUND)
    if trainee.is_verified and not current_user.is_disabled:
        return redirect(url_for(".store", store_slug=trainee.store_slug))
    return render_template("storefront/my_store_closed.html", trainee=trainee)


@bp.get("/c/<centre_slug>")
@cached_page
def centre(centre_slug):
    centre = queries.get_centre(centre_slug)
    page, per_page = page_args(request.args)
    stores = queries.centre_stores(centre, page, per_page)
    counts = queries.active_product_counts([t.id for t in stores.items])
    return render_template("storefront/centre.html", centre=centre, stores=stores,
                           counts=counts, banner_variant=banner_variant)


@bp.get("/centres")
@cached_page
def centres():
    return render_template("storefront/centres.html",
                           centres=queries.centres_with_store_counts())


# --- QR codes, signs and tags ----------------------------------------------------------------

def _qr_response(url: str, kind: str) -> ResponseReturnValue:
    if kind == "png":
        body, mimetype = qr.png_bytes(url), "image/png"
    else:
        body, mimetype = qr.svg_bytes(url), "image/svg+xml"
    response = Response(body, mimetype=mimetype)
    response.headers["Cache-Control"] = f"public, max-age={QR_MAX_AGE}"
    response.set_etag(hashlib.sha256(body).hexdigest())
    return response.make_conditional(request)


@bp.get("/s/<store_slug>/qr.<any(png, svg):kind>")
def store_qr(store_slug, kind):
    trainee = queries.get_store(store_slug)
    return _qr_response(absolute_url(url_for(".store", store_slug=trainee.store_slug)), kind)


@bp.get("/p/<int:product_id>/qr.<any(png, svg):kind>")
def product_qr(product_id, kind):
    product = queries.get_public_product(product_id)
    return _qr_response(absolute_url(product_path(product.id)), kind)


@bp.get("/s/<store_slug>/sign")
def store_sign(store_slug):
    trainee = queries.get_store(store_slug)
    return render_template("storefront/sign.html", trainee=trainee, centre=trainee.centre,
                           url=absolute_url(url_for(".store", store_slug=store_slug)))


@bp.get("/p/<int:product_id>/tag")
def product_tag(product_id):
    product = queries.get_public_product(product_id)
    return render_template("storefront/tag.html", product=product, trainee=product.trainee,
                           url=absolute_url(product_path(product.id)))
