"""Marshmallow schemas of the accounts API. Unknown fields are refused (marshmallow's RAISE)."""

from marshmallow import RAISE, Schema, fields, pre_load, validate

from marketplace.accounts.models import CentreKind, TraineeStatus
from marketplace.accounts.trades import TRADES
from marketplace.config import Config
from marketplace.core.api import id_field, text_limits
from marketplace.core.digits import to_ascii_digits
from marketplace.core.input import SingleLine

LANGUAGES = ("fa", "en")


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE
        ordered = True


class _DigitFields:
    """Numbers typed with Persian or Arabic-Indic digits (phone, certificate) become ASCII."""

    digit_fields: tuple[str, ...] = ()

    @pre_load
    def ascii_digits(self, data, **_kwargs):
        if isinstance(data, dict):
            data = dict(data)
            for name in self.digit_fields:
                if isinstance(data.get(name), str):
                    data[name] = to_ascii_digits(data[name])
        return data


# --- input -----------------------------------------------------------------------------------

class RegisterSchema(_DigitFields, StrictSchema):
    digit_fields: tuple[str, ...] = ("phone",)

    email = fields.Email(required=True, validate=validate.Length(max=254))
    # The minimum is checked by services.check_password_strength (422 `weak_password`).
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=200),
                             metadata={"minLength": Config.PASSWORD_MIN_LENGTH})
    display_name = SingleLine(required=True, validate=validate.Length(min=1, max=120))
    phone = SingleLine(load_default=None, validate=validate.Length(max=32))
    locale = fields.String(load_default=None, validate=validate.OneOf(LANGUAGES))


class RegisterTraineeSchema(RegisterSchema):
    digit_fields = ("phone", "certificate_number")

    centre_id = id_field(required=True)
    trade = fields.String(required=True, validate=validate.OneOf(TRADES),
                          metadata={"description": "A code of the trade list (as courses "
                                                   "use)."})
    certificate_number = SingleLine(load_default=None, validate=validate.Length(max=64))
    store_name = SingleLine(required=True, validate=validate.Length(min=1, max=120))
    bio = fields.String(load_default="", validate=validate.Length(max=4000))


class TokenRequestSchema(StrictSchema):
    email = fields.Email(required=True)
    password = fields.String(required=True, load_only=True)
    name = SingleLine(required=True, validate=validate.Length(min=1, max=100),
                         metadata=text_limits(100, required=True))


class TokenCreateSchema(StrictSchema):
    name = SingleLine(required=True, validate=validate.Length(min=1, max=100),
                         metadata=text_limits(100, required=True))


class ReasonSchema(StrictSchema):
    reason = fields.String(load_default=None, validate=validate.Length(max=2000))


class TraineeListArgsSchema(StrictSchema):
    status = fields.Enum(TraineeStatus, by_value=True, load_default=None)


class CentreCreateSchema(StrictSchema):
    kind = fields.Enum(CentreKind, by_value=True, required=True)
    name_fa = SingleLine(required=True, validate=validate.Length(min=1, max=200))
    name_en = SingleLine(load_default=None, validate=validate.Length(max=200))
    city = SingleLine(required=True, validate=validate.Length(min=1, max=100))
    province = SingleLine(required=True, validate=validate.Length(min=1, max=100))
    auto_approve_listings = fields.Boolean(load_default=False)


class MunicipalityCreateSchema(StrictSchema):
    name_fa = SingleLine(required=True, validate=validate.Length(min=1, max=200))
    name_en = SingleLine(load_default=None, validate=validate.Length(max=200))
    city = SingleLine(required=True, validate=validate.Length(min=1, max=100))
    province = SingleLine(load_default="", validate=validate.Length(max=100))


class StaffCreateSchema(StrictSchema):
    email = fields.Email(required=True)


# --- output ----------------------------------------------------------------------------------

class TraineeSchema(StrictSchema):
    id = fields.Integer()
    user_id = fields.Integer()
    display_name = fields.String(attribute="user.display_name")
    centre_id = fields.Integer()
    trade = fields.String(metadata={"description": "A code of the trade list; empty when "
                                                   "none was chosen."})
    trade_label = fields.String(metadata={"description": "The trade in the reader's language."})
    certificate_number = fields.String(allow_none=True)
    bio = fields.String()
    store_name = fields.String()
    store_slug = fields.String()
    status = fields.Enum(TraineeStatus, by_value=True)
    status_reason = fields.String(allow_none=True)
    status_changed_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


class StaffTraineeSchema(TraineeSchema):
    """What a centre's staff see: the trainee's contact details too."""

    email = fields.String(attribute="user.email")
    phone = fields.String(attribute="user.phone", allow_none=True)


class UserSchema(StrictSchema):
    id = fields.Integer()
    email = fields.String()
    display_name = fields.String()
    phone = fields.String(allow_none=True)
    locale = fields.String()
    is_admin = fields.Boolean()
    staff_centre_ids = fields.Method("_centre_ids")
    staff_municipality_ids = fields.Method("_municipality_ids")
    trainee = fields.Nested(TraineeSchema, allow_none=True)
    created_at = fields.DateTime()

    def _centre_ids(self, user) -> list[int]:
        return sorted(user.staff_centre_ids)

    def _municipality_ids(self, user) -> list[int]:
        return sorted(user.staff_municipality_ids)


class ApiTokenSchema(StrictSchema):
    id = fields.Integer()
    name = fields.String()
    token_prefix = fields.String()
    created_at = fields.DateTime()
    last_used_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)


class NewApiTokenSchema(ApiTokenSchema):
    """Returned once, when the token is created: `token` is never shown again."""

    token = fields.String()


class CentreSchema(StrictSchema):
    id = fields.Integer()
    kind = fields.Enum(CentreKind, by_value=True)
    name_fa = fields.String()
    name_en = fields.String(allow_none=True)
    slug = fields.String()
    city = fields.String()
    province = fields.String()


class MunicipalitySchema(StrictSchema):
    id = fields.Integer()
    name_fa = fields.String()
    name_en = fields.String(allow_none=True)
    slug = fields.String()
    city = fields.String()
    province = fields.String()


class StaffSchema(StrictSchema):
    id = fields.Integer()
    user_id = fields.Integer()
    email = fields.String(attribute="user.email")
    display_name = fields.String(attribute="user.display_name")
    organisation_id = fields.Method("_organisation_id")

    def _organisation_id(self, membership) -> int:
        return getattr(membership, "centre_id", None) or membership.municipality_id


class PhoneCodeRequestSchema(_DigitFields, StrictSchema):
    digit_fields: tuple[str, ...] = ("phone",)

    phone = SingleLine(required=True, validate=validate.Length(min=1, max=32),
                       metadata={"description": "A mobile number: 0912…, +98…, Persian digits."})


class PhoneCodeSentSchema(StrictSchema):
    phone = fields.String(metadata={"description": "The number in E.164."})
    expires_in = fields.Integer(metadata={"description": "Seconds the code stays valid."})


class PhoneTokenRequestSchema(PhoneCodeRequestSchema):
    digit_fields = ("phone", "code")

    code = SingleLine(required=True, load_only=True, validate=validate.Length(min=1, max=12))
    name = SingleLine(required=True, validate=validate.Length(min=1, max=100),
                      metadata=text_limits(100, required=True))


# --- staff invitations -------------------------------------------------------------------------

class InvitationCreateSchema(_DigitFields, StrictSchema):
    """An email, a mobile number (any usual way of typing it), or both; one is needed."""

    digit_fields: tuple[str, ...] = ("phone",)
    email = fields.Email(load_default=None, validate=validate.Length(max=254))
    phone = fields.String(load_default=None, validate=validate.Length(max=32))


class InvitationSchema(StrictSchema):
    id = fields.Integer()
    centre_id = fields.Integer(allow_none=True)
    municipality_id = fields.Integer(allow_none=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True, metadata={"description": "E.164"})
    invited_by_id = fields.Integer()
    created_at = fields.DateTime()
    expires_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)


class InvitationAcceptSchema(StrictSchema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=200),
                          metadata={"description": "The token in the invitation's link "
                                                   "(/invitations/<token>)."})
