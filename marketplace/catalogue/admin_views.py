"""The administrators' pages for the category tree and its attribute definitions: forms in
`catalogue.forms` (CategoryForm, AttributeDefinitionForm) give the typed data
`catalogue.services.categories` takes; the services keep the database rules."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.catalogue.forms import AttributeDefinitionForm, CategoryForm
from marketplace.catalogue.models import AttributeDefinition, AttributeType, Category
from marketplace.catalogue.queries.categories import category_tree
from marketplace.catalogue.services import categories
from marketplace.core.auth import admin_required
from marketplace.core.errors import DomainError
from marketplace.extensions import db

bp = Blueprint("category_admin", __name__)


def _bound_value(bound: float | None) -> str:
    if bound is None:
        return ""
    return str(int(bound)) if bound == int(bound) else str(bound)


def _posted() -> dict:
    """The fields as typed, shown back beside their errors."""
    return request.form.to_dict()


def _admin_save(form: CategoryForm | AttributeDefinitionForm, save: Callable[[], object]
                ) -> tuple[object, dict]:
    """What `save` gives once `form` is valid, or the errors to show (the form's by field,
    else the service's refusal, by field or for the whole form) with nothing written."""
    if not form.validate():
        return None, dict(form.errors)
    try:
        return save(), {}
    except DomainError as error:
        db.session.rollback()
        return None, dict(error.fields or {"_form": [str(error.message)]})


@bp.route("/admin/categories", methods=["GET", "POST"])
@admin_required
def admin_categories():
    errors: dict = {}
    values: dict = {}
    if request.method == "POST":
        form, values = CategoryForm(), _posted()
        category, errors = _admin_save(form, lambda: categories.create_category(
            current_user, form.category_data()))
        if not errors:
            db.session.commit()
            flash(_("The category is created."), "success")
            return redirect(url_for("category_admin.admin_category",
                                    category_id=cast(Category, category).id))
    tree = category_tree()
    return render_template("catalogue/admin_categories.html", tree=tree, errors=errors,
                           values=values), 422 if errors else 200


@bp.route("/admin/categories/<int:category_id>", methods=["GET", "POST"])
@admin_required
def admin_category(category_id: int):
    # The app's <int:> converter already answers 404 to an id past what a row can have.
    category = db.session.get(Category, category_id) or abort(404)
    errors: dict = {}
    attribute_errors: dict = {}
    values: dict | None = None
    attribute_values: dict = {}
    action = request.form.get("action")
    if request.method == "POST" and action == "delete":
        try:
            categories.delete_category(current_user, category)
        except DomainError as error:
            db.session.rollback()
            errors = dict(error.fields or {"_form": [str(error.message)]})
        else:
            db.session.commit()
            flash(_("The category is deleted."), "success")
            return redirect(url_for("category_admin.admin_categories"))
    elif request.method == "POST" and action == "add_attribute":
        definition_form, attribute_values = AttributeDefinitionForm(), _posted()
        _saved, attribute_errors = _admin_save(
            definition_form, lambda: categories.create_attribute_definition(
                current_user, category, definition_form.definition_data()))
        message = _("The attribute is added.")
    elif request.method == "POST":
        category_form, values = CategoryForm(), _posted()
        _saved, errors = _admin_save(category_form, lambda: categories.update_category(
            current_user, category, category_form.category_data()))
        message = _("The category is saved.")
    if request.method == "POST" and not (errors or attribute_errors):
        db.session.commit()
        flash(message, "success")
        return redirect(url_for("category_admin.admin_category", category_id=category.id))
    category = db.session.get(Category, category_id) or abort(404)
    tree = category_tree()
    values = values or {"name_fa": category.name_fa, "name_en": category.name_en,
                        "slug": category.slug, "position": category.position,
                        "parent_id": category.parent_id or ""}
    status = 422 if errors or attribute_errors else 200
    return render_template("catalogue/admin_category.html", category=category, tree=tree,
                           errors=errors, values=values, attribute_errors=attribute_errors,
                           attribute_values=attribute_values, types=list(AttributeType),
                           inherited=tree.definitions(tree.by_id[category.id])), status


@bp.route("/admin/attributes/<int:definition_id>", methods=["GET", "POST"])
@admin_required
def admin_attribute(definition_id: int):
    definition = db.session.get(AttributeDefinition, definition_id) or abort(404)
    errors: dict = {}
    values: dict | None = None
    if request.method == "POST" and request.form.get("action") == "delete":
        category_id = definition.category_id
        try:
            categories.delete_attribute_definition(current_user, definition)
        except DomainError as error:
            db.session.rollback()
            errors = dict(error.fields or {"_form": [str(error.message)]})
        else:
            db.session.commit()
            flash(_("The attribute is deleted."), "success")
            return redirect(url_for("category_admin.admin_category", category_id=category_id))
    elif request.method == "POST":
        form, values = AttributeDefinitionForm(), _posted()
        _saved, errors = _admin_save(form, lambda: categories.update_attribute_definition(
            current_user, definition, form.definition_data()))
        if not errors:
            db.session.commit()
            flash(_("The attribute is saved."), "success")
            return redirect(url_for("category_admin.admin_category",
                                    category_id=definition.category_id))
    definition = db.session.get(AttributeDefinition, definition_id) or abort(404)
    if values is None:
        values = {name: getattr(definition, name) or "" for name in (
            "key", "name_fa", "name_en", "unit_fa", "unit_en", "position")}
        values.update({name: _bound_value(getattr(definition, name))
                       for name in ("minimum", "maximum")})
        values.update(type=definition.type.value, is_required=definition.is_required,
                      is_filterable=definition.is_filterable,
                      choices="\n".join(f"{c['value']}|{c.get('fa', '')}|{c.get('en', '')}"
                                        for c in definition.choices or []))
    return render_template("catalogue/admin_attribute.html", definition=definition,
                           errors=errors, values=values, types=list(AttributeType)), (
        422 if errors else 200)
