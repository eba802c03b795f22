"""Catalogue API: categories, product search, a product, the owner's listings and photos, and
the centre's review decisions. Bearer-token authentication (see accounts.api)."""

from __future__ import annotations

from flask import current_app, request
from flask.views import MethodView
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import ValidationError

from marketplace.catalogue import search_log
from marketplace.catalogue.errors import CatalogueErrorCode
from marketplace.catalogue.queries.categories import CategoryTree, shared_category_tree
from marketplace.catalogue.queries.listings import load_product, review_queue, trainee_products
from marketplace.catalogue.queries.search import search_products
from marketplace.catalogue.queries.search_params import parse_search
from marketplace.catalogue.schemas import (
    CategorySchema,
    ImageFileSchema,
    ImageFormSchema,
    ImageOrderSchema,
    ImageSchema,
    PageArgsSchema,
    ProductInputSchema,
    ProductPatchSchema,
    ProductSchema,
    ProductSearchArgsSchema,
    ProductSearchPageSchema,
    RejectionSchema,
    patched_listing,
)
from marketplace.catalogue.services import access, images, products, workflow
from marketplace.catalogue.services.listing_data import invalid_listing
from marketplace.catalogue.views import MAX_UPLOAD_READ, log_search_after_response
from marketplace.core.api import BEARER, api_blueprint
from marketplace.core.auth import login_required_api, require_login
from marketplace.core.errors import Forbidden, NotFound
from marketplace.core.pagination import page_args
from marketplace.extensions import db

blp = api_blueprint("catalogue_api", __name__, "",
                    "Catalogue: categories with typed attributes, Persian-aware product search, "
                    "listings with photos and their review by training centres.")



def _tree_out(tree: CategoryTree) -> list[dict]:
    def node(category):
        return {"id": category.id, "parent_id": category.parent_id, "slug": category.slug,
                "name_fa": category.name_fa, "name_en": category.name_en,
                "position": category.position, "attributes": category.attributes,
                "children": [node(c) for c in tree.children.get(category.id, [])]}

    return [node(c) for c in tree.roots]


@blp.route("/categories")
class Categories(MethodView):
    @blp.response(200, CategorySchema(many=True))
    def get(self):
        """The category tree, each with the attributes it defines (children inherit them)."""
        return _tree_out(shared_category_tree())


@blp.route("/products")
class Products(MethodView):
    @blp.arguments(ProductSearchArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, ProductSearchPageSchema)
    def get(self, **_documented):
        """Search public products: words, filters (category, price, city, centre, trainee,
        attributes, in stock), sorts (newest, price_asc, price_desc), pages of 24 (≤ 100)."""
        timer = search_log.SearchTimer.start()
        tree = shared_category_tree()
        search = parse_search(request.args, tree,
                                      current_app.config["MARKETPLACE_CURRENCY"])
        page = search_products(search, tree)
        log_search_after_response(search, page.total, timer, "api")
        return page

    @blp.doc(security=BEARER)
    @blp.arguments(ProductInputSchema)
    @blp.response(201, ProductSchema)
    @login_required_api
    def post(self, data):
        """List a new product (a draft) as the signed-in trainee."""
        product = products.create_product(current_user, data)
        db.session.commit()
        return load_product(product.id)


def _visible(product_id: int):
    product = load_product(product_id)
    if product is None:
        raise NotFound(_("We could not find that product."),
                       code=CatalogueErrorCode.PRODUCT_NOT_FOUND)
    return access.get_visible_product(current_user, product.id)


@blp.route("/products/<int:product_id>")
class ProductResource(MethodView):
    @blp.response(200, ProductSchema)
    def get(self, product_id: int):
        """A product: public once approved; its owner and reviewers also see drafts."""
        return _visible(product_id)

    @blp.doc(security=BEARER)
    @blp.arguments(ProductPatchSchema)
    @blp.response(200, ProductSchema)
    @login_required_api
    def patch(self, data, product_id: int):
        """Change your listing (only the fields given)."""
        product = access.get_product_for_owner(current_user, product_id)
        products.update_product(current_user, product, patched_listing(product, data))
        db.session.commit()
        return load_product(product_id)

    @blp.doc(security=BEARER)
    @blp.response(204)
    @login_required_api
    def delete(self, product_id: int):
        """Delete your listing; one that was ever for sale is archived instead."""
        product = access.get_product_for_owner(current_user, product_id)
        products.delete_product(current_user, product)
        db.session.commit()


def _owner_action(name: str, function, summary: str):
    @blp.route(f"/products/<int:product_id>/{name}", endpoint=f"product_{name}")
    class Action(MethodView):
        @blp.doc(security=BEARER, summary=summary)
        @blp.response(200, ProductSchema)
        @login_required_api
        def post(self, product_id: int):
            product = access.get_product_for_owner(current_user, product_id)
            function(current_user, product)
            db.session.commit()
            return load_product(product_id)

    Action.__name__ = f"Product{name.title()}"
    return Action


ProductSubmit = _owner_action("submit", workflow.submit_product,
                              "Send your listing for review (published at once where the "
                              "centre auto-approves).")
ProductPause = _owner_action("pause", workflow.pause_product, "Stop selling for a while.")
ProductResume = _owner_action("resume", workflow.resume_product, "Sell a paused listing again.")
ProductArchive = _owner_action("archive", workflow.archive_product, "Archive your listing.")


@blp.route("/products/<int:product_id>/approve")
class ProductApprove(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, ProductSchema)
    @login_required_api
    def post(self, product_id: int):
        """Approve a submitted listing (staff of the trainee's centre, or an admin)."""
        product = access.get_product_for_reviewer(current_user, product_id)
        workflow.approve_product(current_user, product)
        db.session.commit()
        return load_product(product_id)


@blp.route("/products/<int:product_id>/reject")
class ProductReject(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(RejectionSchema)
    @blp.response(200, ProductSchema)
    @login_required_api
    def post(self, data, product_id: int):
        """Send a submitted listing back with a reason; the trainee can fix and resubmit."""
        product = access.get_product_for_reviewer(current_user, product_id)
        workflow.reject_product(current_user, product, data["reason"])
        db.session.commit()
        return load_product(product_id)


@blp.route("/products/<int:product_id>/images")
class ProductImages(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(ImageFileSchema, location="files")
    @blp.response(201, ImageSchema)
    @login_required_api
    def post(self, files, product_id: int):
        """Upload a photo: multipart field `image`, and an optional text field `alt_text`
        describing it; at most 8 per product."""
        try:
            form = ImageFormSchema().load(request.form.to_dict())
        except ValidationError as refused:
            raise invalid_listing(refused.messages_dict) from None
        product = access.get_product_for_owner(current_user, product_id)
        upload = files["image"]
        try:
            data = upload.read(MAX_UPLOAD_READ)
        finally:
            upload.close()
        image = images.add_product_image(current_user, product, data, form["alt_text"])
        db.session.commit()
        return image

    @blp.doc(security=BEARER)
    @blp.arguments(ImageOrderSchema)
    @blp.response(200, ImageSchema(many=True))
    @login_required_api
    def put(self, data, product_id: int):
        """Reorder the photos: every image id once, cover first."""
        product = access.get_product_for_owner(current_user, product_id)
        images.reorder_product_images(current_user, product, data["order"])
        db.session.commit()
        return access.get_product_for_owner(current_user, product_id).images


@blp.route("/products/<int:product_id>/images/<int:image_id>")
class ProductImageResource(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(204)
    @login_required_api
    def delete(self, product_id: int, image_id: int):
        """Remove a photo."""
        product = access.get_product_for_owner(current_user, product_id)
        image = images.get_image_for_owner(current_user, product, image_id)
        images.delete_product_image(current_user, image)
        db.session.commit()


@blp.route("/my/products")
class MyProducts(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(PageArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, ProductSearchPageSchema)
    @login_required_api
    def get(self, **_documented):
        """Your listings in every status, most recently changed first."""
        user = require_login()
        if user.trainee is None:
            raise Forbidden(_("Only trainees have listings."),
                            code=CatalogueErrorCode.NOT_A_TRAINEE)
        page, per_page = page_args(request.args)
        result = trainee_products(user.trainee.id, page, per_page)
        for product in result.items:
            product.trainee = user.trainee
        return result


@blp.route("/centre/listings")
class ReviewQueue(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(PageArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, ProductSearchPageSchema)
    @login_required_api
    def get(self, **_documented):
        """Listings waiting for your centre's review (all centres for admins)."""
        user = require_login()
        if not (user.is_centre_staff or user.is_admin):
            raise Forbidden(_("Only training-centre staff review listings."))
        page, per_page = page_args(request.args)
        return review_queue(None if user.is_admin else user.staff_centre_ids, page,
                                    per_page)
