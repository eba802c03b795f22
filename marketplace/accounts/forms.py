"""HTML forms for accounts pages. Rules beyond field shape live in services."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional

from marketplace.accounts.services import TraineeDetails
from marketplace.accounts.trades import trade_choices
from marketplace.core.forms import Form, ascii_digits

# Each language by its own name, marked as in that language (lang=…) for readers and screen
# readers: "English" on a Persian page is not an untranslated word.
LANGUAGE_CHOICES = [("fa", "فارسی", {"lang": "fa"}), ("en", "English", {"lang": "en"})]


class LoginForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Remember me"))


class SignupForm(Form):
    display_name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    phone = StringField(_l("Phone (optional)"), filters=[ascii_digits],
                        validators=[Optional(), Length(max=32)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class TraineeDetailsForm(Form):
    """A trainee's training and store: at trainee sign-up, or when a buyer asks to sell."""

    centre_id = SelectField(_l("Training centre"), coerce=int, validators=[DataRequired()])
    trade = SelectField(_l("Trade"), validators=[DataRequired()],
                        choices=lambda: trade_choices(_l("Choose your trade")))
    certificate_number = StringField(_l("Course or certificate number"), filters=[ascii_digits],
                                     validators=[Optional(), Length(max=64)])
    store_name = StringField(_l("Store name"), validators=[DataRequired(), Length(max=120)])
    bio = TextAreaField(_l("About you and your work"), validators=[Length(max=4000)])

    def details(self) -> TraineeDetails:
        return TraineeDetails(centre_id=self.centre_id.data, trade=self.trade.data,
                              certificate_number=self.certificate_number.data or None,
                              store_name=self.store_name.data, bio=self.bio.data or "")


class TraineeSignupForm(SignupForm, TraineeDetailsForm):
    pass


class ReasonForm(Form):
    reason = TextAreaField(_l("Reason"), validators=[Length(max=2000)])


class ForgotPasswordForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email()])


class ResetPasswordForm(Form):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])


class ChangePasswordForm(Form):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])


class ProfileForm(Form):
    display_name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    phone = StringField(_l("Phone (optional)"), filters=[ascii_digits],
                        validators=[Optional(), Length(max=32)])
    # Callables: WTForms 3.3 deprecates tuple choices given to the constructor.
    locale = SelectField(_l("Language"), choices=lambda: LANGUAGE_CHOICES)
    store_name = StringField(_l("Store name"), validators=[Optional(), Length(max=120)])
    trade = SelectField(_l("Trade"), default="", choices=lambda: trade_choices(_l("Not chosen")))
    bio = TextAreaField(_l("About you and your work"), validators=[Length(max=4000)])


class CentreForm(Form):
    kind = SelectField(_l("Kind"), choices=lambda: [
        ("public", _l("Public technical and vocational centre")),
        ("private", _l("Private institute")),
    ])
    name_fa = StringField(_l("Name in Persian"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=200)])
    city = StringField(_l("City"), validators=[DataRequired(), Length(max=100)])
    province = StringField(_l("Province"), validators=[DataRequired(), Length(max=100)])
    auto_approve_listings = BooleanField(_l("Publish this centre's listings without review"))


class MunicipalityForm(Form):
    name_fa = StringField(_l("Name in Persian"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=200)])
    city = StringField(_l("City"), validators=[DataRequired(), Length(max=100)])
    province = StringField(_l("Province"), validators=[Optional(), Length(max=100)])


class StaffForm(Form):
    email = EmailField(_l("Email of the staff member"), validators=[DataRequired(), Email()])


class InvitationForm(Form):
    """A colleague to invite: an email, a mobile number, or both (the service asks for one).
    `confirmed` is set by the confirmation step's button: the first post only shows it."""

    email = EmailField(_l("Colleague's email"), validators=[Optional(), Email(), Length(max=254)])
    phone = StringField(_l("Colleague's mobile number"), filters=[ascii_digits],
                        validators=[Optional(), Length(max=32)])
    confirmed = HiddenField()


class TokenForm(Form):
    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=100)])


class PhoneForm(Form):
    phone = StringField(_l("Mobile number"), filters=[ascii_digits],
                        validators=[DataRequired(), Length(max=32)])


class PhoneSignupForm(PhoneForm):
    display_name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])


class PhoneCodeForm(Form):
    code = StringField(_l("Code from the text message"), filters=[ascii_digits],
                       validators=[DataRequired(), Length(max=12)])
