"""HTML forms of the catalogue pages. A form checks the shape of what was typed (lengths,
required fields, number bounds, Persian digits) and gives the typed data the services take;
the rules that need the database stay in the services."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, FormField, SelectField, StringField, TextAreaField
from wtforms import Form as SubForm
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from marketplace.catalogue.models import AttributeDefinition, AttributeType, ProductKind
from marketplace.catalogue.services.listing_data import (
    ALT_TEXT_MAX,
    DESCRIPTION_MAX,
    MAX_LEAD_TIME_DAYS,
    MAX_PRICE_AMOUNT,
    MAX_SHIPPING_WEIGHT_G,
    MAX_STOCK,
    REASON_MAX,
    TITLE_MAX,
    ListingData,
    attribute_values,
    kind_problems,
)
from marketplace.core.forms import AmountField, Bounds, Form, LocalizedIntegerField, strip

KIND_LABELS = {ProductKind.REGULAR: _l("Regular stock"),
               ProductKind.ONE_OF_A_KIND: _l("One of a kind"),
               ProductKind.MADE_TO_ORDER: _l("Made to order")}


class ListingForm(Form):
    """The listing editor. Its attribute fields (`attr.<key>`) depend on the category: build
    it with `listing_form`."""

    category_id = LocalizedIntegerField(
        _l("Category"), validators=[InputRequired(message=_l("Choose a category."))])
    title_fa = StringField(_l("Title (Persian)"), filters=[strip],
                           validators=[DataRequired(), Length(max=TITLE_MAX)])
    title_en = StringField(_l("Title (English, optional)"), filters=[strip],
                           validators=[Optional(), Length(max=TITLE_MAX)])
    description_fa = TextAreaField(_l("Description (Persian)"), filters=[strip],
                                   validators=[Length(max=DESCRIPTION_MAX)])
    description_en = TextAreaField(_l("Description (English, optional)"), filters=[strip],
                                   validators=[Optional(), Length(max=DESCRIPTION_MAX)])
    price = AmountField(_l("Price"), validators=[InputRequired(), Bounds(1, MAX_PRICE_AMOUNT)])
    kind = SelectField(_l("Kind"), default=ProductKind.REGULAR.value,
                       choices=lambda: [(k.value, str(label)) for k, label in KIND_LABELS.items()])
    stock = LocalizedIntegerField(_l("Stock"), validators=[Optional(), Bounds(0, MAX_STOCK)])
    lead_time_days = LocalizedIntegerField(_l("Lead time (days, made to order)"), validators=[
        Optional(), Bounds(1, MAX_LEAD_TIME_DAYS)])
    shipping_weight_g = LocalizedIntegerField(_l("Shipping weight (g)"), validators=[
        Optional(), Bounds(1, MAX_SHIPPING_WEIGHT_G)])
    definitions: tuple[AttributeDefinition, ...] = ()
    attr: Any = None  # a FormField of the category's attributes (listing_form)

    def validate(self, extra_validators=None) -> bool:
        """The fields, the kind's rule across them, and the attribute values against the
        category's definitions (`attribute_problems` holds those, by key)."""
        valid = super().validate(extra_validators)
        for name, messages in kind_problems(self._kind(), self.stock.data,
                                            self.lead_time_days.data).items():
            self[name].errors = [*self[name].errors, *messages]
            valid = False
        _values, self.attribute_problems = attribute_values(self.definitions,
                                                            self.attribute_input())
        return valid and not self.attribute_problems

    def _kind(self) -> ProductKind | None:
        try:
            return ProductKind(self.kind.data)
        except ValueError:
            return None

    def attribute_input(self) -> dict[str, Any]:
        """The attribute values given, by key (a field left empty gives none)."""
        given = self.attr.data if self.attr is not None else {}
        return {key: value for key, value in given.items() if value not in (None, "")}

    def listing_data(self) -> ListingData:
        return ListingData(
            title_fa=self.title_fa.data, category_id=self.category_id.data,
            price_amount=self.price.data, kind=ProductKind(self.kind.data),
            stock=self.stock.data, lead_time_days=self.lead_time_days.data,
            title_en=self.title_en.data or None, description_fa=self.description_fa.data or "",
            description_en=self.description_en.data or None,
            shipping_weight_g=self.shipping_weight_g.data, attributes=self.attribute_input())

    def values(self) -> dict[str, Any]:
        """What the editor shows in each field: as typed, or as stored."""
        values: dict[str, Any] = {
            name: field._value() if hasattr(field, "_value") else field.data
            for name, field in self._fields.items() if name not in ("attr", "csrf_token")}
        values["attributes"] = self.attribute_input()
        return values

    def field_errors(self) -> dict[str, Any]:
        errors: dict[str, Any] = {name: messages for name, messages in self.errors.items()
                                  if name != "attr"}
        if getattr(self, "attribute_problems", None):
            errors["attributes"] = self.attribute_problems
        return errors


def _attribute_field(definition: AttributeDefinition):
    if definition.type == AttributeType.BOOLEAN:
        return BooleanField(false_values=("false", "0", ""))
    return StringField()


def listing_form(definitions: list[AttributeDefinition], data: ListingData | None = None,
                 **kwargs) -> ListingForm:
    """The editor for a category with these attribute definitions; filled from `data` when
    no form was posted."""
    attributes = type("AttributesForm", (SubForm,), {
        d.key: _attribute_field(d) for d in definitions})
    form_class = type("CategoryListingForm", (ListingForm,), {
        "attr": FormField(attributes, separator="."), "definitions": tuple(definitions)})
    if data is not None:
        booleans = {d.key for d in definitions if d.type == AttributeType.BOOLEAN}
        kwargs.update(
            category_id=data.category_id, title_fa=data.title_fa, title_en=data.title_en,
            description_fa=data.description_fa, description_en=data.description_en,
            price=data.price_amount, kind=data.kind.value, stock=data.stock,
            lead_time_days=data.lead_time_days, shipping_weight_g=data.shipping_weight_g,
            attr={key: value == "true" if key in booleans else value
                  for key, value in data.attributes.items()})
    return form_class(**kwargs)


class RejectionForm(Form):
    """A reviewer sends a listing back: the trainee reads the reason."""

    reason = TextAreaField(_l("Reason"), filters=[strip],
                           validators=[DataRequired(), Length(max=REASON_MAX)])


class PhotoForm(Form):
    """A photo's description (its alternative text); the file is read by the view."""

    alt_text = StringField(_l("Photo description"), filters=[strip],
                           validators=[Length(max=ALT_TEXT_MAX)])
