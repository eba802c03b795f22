"""HTML forms of the catalogue pages. A form checks the shape of what was typed (lengths,
required fields, number bounds, Persian digits) and gives the typed data the services take;
the rules that need the database stay in the services."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, FormField, SelectField, StringField, TextAreaField
from wtforms import Form as SubForm
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from marketplace.catalogue.models import (
    NUMERIC_TYPES,
    AttributeDefinition,
    AttributeType,
    ProductKind,
)
from marketplace.catalogue.services.categories import (
    NAME_MAX,
    POSITION_MAX,
    UNIT_MAX,
    AttributeDefinitionData,
    CategoryData,
)
from marketplace.catalogue.services.listing_data import (
    ALT_TEXT_MAX,
    DESCRIPTION_MAX,
    MAX_ATTRIBUTE_NUMBER,
    MAX_LEAD_TIME_DAYS,
    MAX_PRICE_AMOUNT,
    MAX_SHIPPING_WEIGHT_G,
    MAX_STOCK,
    REASON_MAX,
    TITLE_MAX,
    ListingData,
    attribute_values,
    bound_text,
    kind_problems,
)
from marketplace.core.digits import to_ascii_digits
from marketplace.core.forms import (
    AmountField,
    Bounds,
    Form,
    LocalizedIntegerField,
    ValidationError,
    strip,
)
from marketplace.core.text import slugify

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


# --- the category admin pages ------------------------------------------------------------------

REQUIRED = _l("This field is required.")
WHOLE_NUMBER = _l("Must be a whole number.")
ATTRIBUTE_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}\Z")


class PositionField(LocalizedIntegerField):
    """Where a row sits among its siblings: 0 when left empty."""

    def __init__(self, label=None, **kwargs):
        super().__init__(label, default=0, validators=[Bounds(0, POSITION_MAX)], **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist or not str(valuelist[0]).strip():
            self.data = 0
            return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(WHOLE_NUMBER)) from None


class CategoryForm(Form):
    """A category: names, slug (made from the names when left empty), position, parent."""

    name_fa = StringField(_l("Name (Persian)"), filters=[strip], validators=[
        DataRequired(message=REQUIRED), Length(max=NAME_MAX)])
    name_en = StringField(_l("Name (English)"), filters=[strip], validators=[
        DataRequired(message=REQUIRED), Length(max=NAME_MAX)])
    slug = StringField(_l("Slug (address)"), filters=[strip])
    position = PositionField(_l("Position"))
    parent_id = LocalizedIntegerField(_l("Inside"), validators=[Optional()])

    def validate_slug(self, field) -> None:
        if not self._slug():
            raise ValidationError(str(REQUIRED))

    def _slug(self) -> str:
        return slugify(self.slug.data or self.name_en.data or self.name_fa.data or "")

    def category_data(self) -> CategoryData:
        return CategoryData(name_fa=self.name_fa.data, name_en=self.name_en.data,
                            slug=self._slug(), position=self.position.data,
                            parent_id=self.parent_id.data)


class BoundField(StringField):
    """A number's smallest or largest value (Persian digits, separators), as a float; None
    when left empty."""

    def process_formdata(self, valuelist):
        text = to_ascii_digits(valuelist[0] if valuelist else "").replace(",", "").strip()
        self.data = None
        if not text:
            return
        try:
            number = Decimal(text)
        except (InvalidOperation, ValueError):
            raise ValueError(_("Must be a number.")) from None
        if not number.is_finite() or abs(number) > MAX_ATTRIBUTE_NUMBER:
            raise ValueError(_("That number is too large."))
        self.data = float(number)

    def _value(self):
        return self.raw_data[0] if self.raw_data else ""


def parse_choices(text: str | None) -> list[dict[str, str]]:
    """The choices of a choice attribute, typed one per line as value|Persian|English (the
    names default to the value)."""
    parsed = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        value, _sep, rest = line.partition("|")
        fa, _sep, en = rest.partition("|")
        value = to_ascii_digits(value.strip())
        parsed.append({"value": value, "fa": fa.strip() or value, "en": en.strip() or value})
    return parsed


class AttributeDefinitionForm(Form):
    """An attribute definition of a category. Across fields: choices only for the choice
    type, bounds only for numbers (whole for integers), the minimum not above the maximum."""

    key = StringField(_l("Key (English letters, digits, _)"), filters=[strip], validators=[
        Regexp(ATTRIBUTE_KEY, message=_l(
            "Use lower-case English letters, digits and _ (start with a letter)."))])
    name_fa = StringField(_l("Name (Persian)"), filters=[strip], validators=[
        DataRequired(message=REQUIRED), Length(max=NAME_MAX)])
    name_en = StringField(_l("Name (English)"), filters=[strip], validators=[
        DataRequired(message=REQUIRED), Length(max=NAME_MAX)])
    unit_fa = StringField(_l("Unit (Persian)"), filters=[strip], validators=[
        Length(max=UNIT_MAX)])
    unit_en = StringField(_l("Unit (English)"), filters=[strip], validators=[
        Length(max=UNIT_MAX)])
    type = SelectField(_l("Type"), choices=[t.value for t in AttributeType],
                       validate_choice=False)
    choices = TextAreaField(_l("Choices (for the choice type): one per line, "
                               "value|Persian|English"))
    minimum = BoundField(_l("Smallest value (numbers only)"))
    maximum = BoundField(_l("Largest value (numbers only)"))
    is_required = BooleanField(_l("Required"))
    is_filterable = BooleanField(_l("Buyers can filter by it"))
    position = PositionField(_l("Position"))

    def _type(self) -> AttributeType | None:
        try:
            return AttributeType(self.type.data or "")
        except ValueError:
            return None

    def validate_type(self, field) -> None:
        if self._type() is None:
            raise ValidationError(_("Choose a type."))

    def validate_choices(self, field) -> None:
        if self._type() != AttributeType.CHOICE:
            return
        values = [c["value"] for c in parse_choices(field.data)]
        if not values or "" in values or len(set(values)) != len(values):
            raise ValidationError(_("List at least one choice, each with a distinct value."))

    def validate_minimum(self, field) -> None:
        self._check_bound(field)

    def validate_maximum(self, field) -> None:
        self._check_bound(field)
        low = self.minimum.data
        if field.data is not None and low is not None and low > field.data:
            raise ValidationError(_("Must be at least %(n)s.", n=bound_text(low)))

    def _check_bound(self, field) -> None:
        kind = self._type()
        if field.data is None or kind is None:
            return
        if kind not in NUMERIC_TYPES:
            raise ValidationError(_("Only numbers have a minimum and a maximum."))
        if kind == AttributeType.INTEGER and field.data != int(field.data):
            raise ValidationError(str(WHOLE_NUMBER))

    def definition_data(self) -> AttributeDefinitionData:
        kind = AttributeType(self.type.data)
        choices = tuple(parse_choices(self.choices.data)) \
            if kind == AttributeType.CHOICE else None
        return AttributeDefinitionData(
            key=self.key.data, name_fa=self.name_fa.data, name_en=self.name_en.data,
            type=kind, unit_fa=self.unit_fa.data or None, unit_en=self.unit_en.data or None,
            choices=choices, minimum=self.minimum.data, maximum=self.maximum.data,
            is_required=self.is_required.data, is_filterable=self.is_filterable.data,
            position=self.position.data)
