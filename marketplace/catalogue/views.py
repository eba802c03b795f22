"""Catalogue pages: browse and search, the product page, the trainee's listings and editor,
the centre's review queue, category administration and the media route."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.routing import BuildError

from marketplace.catalogue import policies, product_views, search_log
from marketplace.catalogue.cards import product_cards
from marketplace.catalogue.errors import CatalogueErrorCode
from marketplace.catalogue.forms import (
    ListingForm,
    PhotoForm,
    RejectionForm,
    listing_form,
)
from marketplace.catalogue.models import (
    MAX_IMAGES_PER_PRODUCT,
    AttributeType,
    Category,
    Product,
    ProductKind,
    ProductStatus,
)
from marketplace.catalogue.queries import listings
from marketplace.catalogue.queries.categories import (
    category_tree,
    centres,
    cities,
    shared_category_tree,
)
from marketplace.catalogue.queries.search import search_with_facets
from marketplace.catalogue.queries.search_params import DroppedFilter, parse_search
from marketplace.catalogue.services import (
    access,
    images,
    products,
    requests,
    store_images,
    workflow,
)
from marketplace.catalogue.services.listing_data import ListingData, invalid_listing
from marketplace.catalogue.storage import check_key, get_storage
from marketplace.core.digits import parse_int
from marketplace.core.errors import Conflict, DomainError, Forbidden, RuleViolation
from marketplace.core.page_cache import cached_page, remember_for_hits
from marketplace.core.pagination import page_args
from marketplace.extensions import db

bp = Blueprint("catalogue", __name__)


MEDIA_MAX_AGE = 365 * 24 * 3600


@bp.app_context_processor
def catalogue_helpers():
    return {"media_url": lambda key: get_storage().url(key),
            "status_labels": workflow.STATUS_LABELS, "type_labels": TYPE_LABELS}


TYPE_LABELS = {"integer": _l("Whole number"), "decimal": _l("Number"), "text": _l("Text"),
               "choice": _l("Choice"), "boolean": _l("Yes / no")}


def log_search_after_response(search, total: int, timer, source: str) -> None:
    search_log.record_search(" ".join(search.terms), search.filters_for_log(), total,
                             timer.elapsed_ms(), source)


def log_cached_search(meta: dict) -> None:
    """A search page served from the page cache is a search all the same: log it."""
    logged = meta.get("search_log")
    if logged:
        search_log.record_search(logged["query"], logged["filters"], logged["total"],
                                 meta["elapsed_ms"], "html")


@bp.record_once
def _start_search_log(state):
    search_log.init_app(state.app)
    product_views.init_app(state.app)


def _currency() -> str:
    return current_app.config["MARKETPLACE_CURRENCY"]


# --- media -------------------------------------------------------------------------------------

@bp.get("/media/<path:key>")
def media(key: str):
    """Stored files; keys carry a random part and never change, so caches may keep them."""
    try:
        check_key(key)
    except ValueError:
        abort(404)
    response = send_from_directory(current_app.config["MEDIA_DIR"], key, max_age=MEDIA_MAX_AGE)
    response.headers["Cache-Control"] = f"public, max-age={MEDIA_MAX_AGE}, immutable"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --- browse and search -------------------------------------------------------------------------

@bp.get("/products")
@cached_page(on_hit=log_cached_search)
def search():
    timer = search_log.SearchTimer.start()
    tree = shared_category_tree()
    dropped: list[DroppedFilter] = []
    parsed = parse_search(request.args, tree, _currency(), dropped, prices_as_shown=True)
    page, facets = search_with_facets(parsed, tree, load_items=product_cards)
    category = tree.get(parsed.category_id)
    definitions = [d for d in (tree.definitions(category) if category else []) if d.is_filterable]
    log_search_after_response(parsed, page.total, timer, "html")
    remember_for_hits(search_log={"query": " ".join(parsed.terms),
                                  "filters": parsed.filters_for_log(), "total": page.total})
    return render_template("catalogue/search.html", page=page, search=parsed, tree=tree,
                           facets=facets, category=category, definitions=definitions,
                           dropped=dropped, cities=cities(), centres=centres(),
                           AttributeType=AttributeType)


@bp.get("/p/<int:product_id>")
@cached_page(on_hit=product_views.count_cached_view)
def product(product_id: int):
    item = listings.load_product(product_id)
    if item is None or not policies.can_view_product(current_user, item):
        abort(404)
    is_owner = policies.is_owner(current_user, item)
    if not is_owner:  # counted in memory, written in batches: no statement here
        product_views.count_view(item.id)
        remember_for_hits(product_view=item.id)
    chain: list[Category] = []  # the category and its ancestors, root first
    current: Category | None = item.category
    while current is not None and current not in chain:
        chain.insert(0, current)
        current = current.parent
    depth = {c.id: n for n, c in enumerate(chain)}
    attributes = [(v.definition, v) for v in sorted(
        item.attribute_values, key=lambda v: (depth.get(v.definition.category_id, 99),
                                              v.definition.position, v.definition.id))]
    return render_template("catalogue/product.html", product=item, chain=chain,
                           attributes=attributes, is_owner=is_owner,
                           is_public=policies.is_publicly_visible(item),
                           request_kind=requests.request_kind(item),
                           can_review=policies.can_review_product(current_user, item),
                           has_cart="orders/_add_to_cart.html" in _templates(),
                           store_url=_store_url(item))


@bp.post("/p/<int:product_id>/request")
@login_required
def request_product(product_id: int):
    """A buyer asks for a sold-out item, or asks its maker to make one; the maker is told."""
    item = listings.load_product(product_id)
    if item is None:
        abort(404)
    try:
        requests.request_product(current_user, item)
    except (Conflict, RuleViolation) as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Your request went to the maker."), "success")
    return redirect(url_for("catalogue.product", product_id=product_id))


def _store_url(item: Product) -> str:
    """The maker's store page (storefront), or their products here if that page is absent."""
    try:
        return url_for("storefront.store", store_slug=item.trainee.store_slug)
    except BuildError:
        return url_for("catalogue.search", trainee=item.trainee_id)


def _templates() -> set[str]:
    names = current_app.config.get("_catalogue_templates")
    if names is None:
        names = set(current_app.jinja_env.list_templates())
        current_app.config["_catalogue_templates"] = names
    return names


# --- the trainee's listings --------------------------------------------------------------------

def _trainee_or_403():
    trainee = current_user.trainee
    if trainee is None:
        raise Forbidden(_("Only trainees can list products."),
                        code=CatalogueErrorCode.NOT_A_TRAINEE)
    return trainee


@bp.get("/my/products")
@login_required
def my_products():
    trainee = _trainee_or_403()
    page_number, per_page = page_args(request.args, 50)
    page = listings.trainee_products(trainee.id, page_number, per_page)
    return render_template("catalogue/my_products.html", page=page, trainee=trainee,
                           labels=workflow.STATUS_LABELS)


def _editor(product: Product | None, tree, category: Category | None, form: ListingForm,
            errors: dict | None = None, status: int = 200):
    values = form.values()
    if category is not None:
        values["category_id"] = category.id
    return render_template(
        "catalogue/editor.html", product=product, tree=tree, category=category,
        definitions=list(form.definitions), values=values, errors=errors or {},
        kinds=list(ProductKind), currency=_currency(), max_images=MAX_IMAGES_PER_PRODUCT,
        labels=workflow.STATUS_LABELS, AttributeType=AttributeType), status


def _service_errors(form: ListingForm, error: DomainError) -> dict:
    """A service's refusal shown on the form: per field where it names them."""
    return {**form.field_errors(), **(error.fields or {"_form": [str(error.message)]})}


def _chosen_category(tree, raw) -> Category | None:
    try:
        return tree.get(parse_int(raw)) if raw else None
    except ValueError:
        return None


def _listing_form(tree, category: Category | None, data: ListingData | None = None):
    return listing_form(tree.definitions(category) if category else [], data)


@bp.route("/my/products/new", methods=["GET", "POST"])
@login_required
def new_product():
    _trainee_or_403()
    tree = category_tree()
    raw_category = request.form.get("category_id") or request.args.get("category")
    category = _chosen_category(tree, raw_category)
    form = _listing_form(tree, category)
    if request.method == "POST" and request.form.get("action") != "choose_category":
        if not form.validate():
            return _editor(None, tree, category, form, form.field_errors(), status=422)
        try:
            item = products.create_product(current_user, form.listing_data())
        except DomainError as error:
            db.session.rollback()
            return _editor(None, tree, category, form, _service_errors(form, error),
                           status=error.status)
        db.session.commit()
        flash(_("Saved as a draft. Add photos, then send it for review."), "success")
        return redirect(url_for("catalogue.edit_product", product_id=item.id))
    return _editor(None, tree, category, form)


@bp.route("/my/products/<int:product_id>/edit", methods=["GET", "POST"])
@login_required
def edit_product(product_id: int):
    item = access.get_product_for_owner(current_user, product_id)
    tree = category_tree()
    if request.method == "GET":
        category = tree.by_id.get(item.category_id)
        return _editor(item, tree, category,
                       _listing_form(tree, category, ListingData.of(item)))
    category = _chosen_category(tree, request.form.get("category_id")) or item.category
    form = _listing_form(tree, category)
    if request.form.get("action") == "choose_category":
        return _editor(item, tree, category, form)
    if not form.validate():
        return _editor(item, tree, category, form, form.field_errors(), status=422)
    before = item.status
    try:
        products.update_product(current_user, item, form.listing_data())
    except DomainError as error:
        db.session.rollback()
        item = access.get_product_for_owner(current_user, product_id)
        return _editor(item, tree, category, form, _service_errors(form, error),
                       status=error.status)
    db.session.commit()
    _flash_saved(before, item, _("Your changes are saved."))
    return redirect(url_for("catalogue.edit_product", product_id=item.id))


def _flash_saved(before: ProductStatus, item: Product, message: str) -> None:
    """`message`, or that the change sent the approved listing back to review."""
    if before != item.status == ProductStatus.SUBMITTED:
        message = _("Your changes are saved and sent to your training centre for review; the "
                    "listing is off sale until it is approved again.")
    flash(message, "success")


_OWNER_ACTIONS = {
    "submit": (workflow.submit_product, _l("Sent to your training centre for review.")),
    "pause": (workflow.pause_product, _l("The listing is paused.")),
    "resume": (workflow.resume_product, _l("The listing is for sale again.")),
    "archive": (workflow.archive_product, _l("The listing is archived.")),
}


@bp.post("/my/products/<int:product_id>/<any(submit, pause, resume, archive):action>")
@login_required
def product_action(product_id: int, action: str):
    item = access.get_product_for_owner(current_user, product_id)
    function, message = _OWNER_ACTIONS[action]
    function(current_user, item)
    db.session.commit()
    if action == "submit" and item.status == ProductStatus.ACTIVE:
        message = _l("Your centre publishes listings at once: it is for sale now.")
    flash(str(message), "success")
    return redirect(url_for("catalogue.edit_product", product_id=item.id))


@bp.post("/my/products/<int:product_id>/delete")
@login_required
def delete_product(product_id: int):
    item = access.get_product_for_owner(current_user, product_id)
    deleted = products.delete_product(current_user, item)
    db.session.commit()
    flash(_("The listing is deleted.") if deleted else
          _("The listing was sold before, so it is archived instead of deleted."), "success")
    return redirect(url_for("catalogue.my_products"))


@bp.post("/my/products/<int:product_id>/images")
@login_required
def upload_image(product_id: int):
    item = access.get_product_for_owner(current_user, product_id)
    upload = request.files.get("image")
    if upload is None or not upload.filename:
        flash(_("Choose a photo to upload."), "error")
        return redirect(url_for("catalogue.edit_product", product_id=item.id))
    try:
        data = upload.read(MAX_UPLOAD_READ)
    finally:
        upload.close()
    before = item.status
    images.add_product_image(current_user, item, data, _photo_description())
    db.session.commit()
    _flash_saved(before, item, _("The photo is added."))
    return redirect(url_for("catalogue.edit_product", product_id=item.id) + "#photos")


@bp.post("/my/store/<any(avatar, banner):kind>")
@login_required
def store_image(kind: str):
    """The trainee's store photo or banner (their account page's form)."""
    upload = request.files.get("image")
    back = url_for("accounts.profile") + "#store-images"
    if upload is None or not upload.filename:
        flash(_("Choose a photo to upload."), "error")
        return redirect(back)
    try:
        data = upload.read(MAX_UPLOAD_READ)
    finally:
        upload.close()
    store_images.set_store_image(current_user, kind, data)
    db.session.commit()
    flash(_("The photo is added."), "success")
    return redirect(back)


def _photo_description() -> str:
    form = PhotoForm()
    if not form.validate():
        raise invalid_listing(form.errors)
    return form.alt_text.data or ""


# Read one byte past the limit so an oversized file is recognised without reading all of it.
MAX_UPLOAD_READ = 10 * 1024 * 1024 + 1


@bp.post("/my/products/<int:product_id>/images/<int:image_id>/<any(alt, delete, up, down):op>")
@login_required
def image_action(product_id: int, image_id: int, op: str):
    item = access.get_product_for_owner(current_user, product_id)
    image = images.get_image_for_owner(current_user, item, image_id)
    before = item.status
    if op == "alt":
        images.update_image_alt(current_user, image, _photo_description())
    elif op == "delete":
        images.delete_product_image(current_user, image)
    else:
        order = [i.id for i in item.images]
        index = order.index(image.id)
        target = index - 1 if op == "up" else index + 1
        if 0 <= target < len(order):
            order[index], order[target] = order[target], order[index]
        images.reorder_product_images(current_user, item, order)
    db.session.commit()
    if before != item.status:
        _flash_saved(before, item, _("Your changes are saved."))
    return redirect(url_for("catalogue.edit_product", product_id=item.id) + "#photos")


@bp.post("/my/products/<int:product_id>/images/order")
@login_required
def reorder_images(product_id: int):
    item = access.get_product_for_owner(current_user, product_id)
    try:
        order = [int(v) for v in request.form.get("order", "").split(",") if v.strip()]
    except ValueError:
        order = []
    images.reorder_product_images(current_user, item, order)
    db.session.commit()
    return redirect(url_for("catalogue.edit_product", product_id=item.id) + "#photos")


# --- the centre's review queue -----------------------------------------------------------------

@bp.get("/centre/listings")
@login_required
def review_queue():
    if not (current_user.is_centre_staff or current_user.is_admin):
        raise Forbidden(_("Only training-centre staff review listings."))
    page_number, per_page = page_args(request.args)
    centre_ids = None if current_user.is_admin else current_user.staff_centre_ids
    page = listings.review_queue(centre_ids, page_number, per_page)
    return render_template("catalogue/review_queue.html", page=page)


@bp.post("/centre/listings/<int:product_id>/<any(approve, reject):decision>")
@login_required
def review(product_id: int, decision: str):
    item = access.get_product_for_reviewer(current_user, product_id)
    if decision == "approve":
        workflow.approve_product(current_user, item)
        message = _("“%(title)s” is approved and for sale.", title=item.title_fa)
    else:
        form = RejectionForm()
        if not form.validate():
            raise invalid_listing(form.errors)
        workflow.reject_product(current_user, item, form.reason.data)
        message = _("“%(title)s” is sent back to the trainee with your reason.",
                    title=item.title_fa)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("catalogue.review_queue"))
