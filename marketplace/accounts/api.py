"""Accounts API: registration, tokens, the signed-in user, centres, municipalities, verification.

Everything under /api/v1 authenticates with `Authorization: Bearer <personal token>`; a token is
created with email and password (POST /accounts/tokens) or on the account's tokens page.
"""

from flask import current_app
from flask.views import MethodView
from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.accounts import api_tokens, policies, queries, services
from marketplace.accounts.models import ApiToken
from marketplace.accounts.schemas import (
    ApiTokenSchema,
    CentreCreateSchema,
    CentreSchema,
    MunicipalityCreateSchema,
    MunicipalitySchema,
    NewApiTokenSchema,
    ReasonSchema,
    RegisterSchema,
    RegisterTraineeSchema,
    StaffCreateSchema,
    StaffSchema,
    StaffTraineeSchema,
    TokenCreateSchema,
    TokenRequestSchema,
    TraineeListArgsSchema,
    TraineeSchema,
    UserSchema,
)
from marketplace.core.api import BEARER, api_blueprint
from marketplace.core.auth import admin_required, login_required_api, require_login
from marketplace.core.errors import Forbidden
from marketplace.core.i18n import locale_code
from marketplace.extensions import db, limiter

blp = api_blueprint("accounts_api", __name__, "",
                    "Accounts: registration, personal API tokens, training centres, "
                    "municipalities and trainee verification.")



def login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _token_out(row: ApiToken, token: str | None = None) -> dict:
    data = {name: getattr(row, name) for name in
            ("id", "name", "token_prefix", "created_at", "last_used_at", "revoked_at")}
    if token is not None:
        data["token"] = token
    return data


# --- registration and tokens -----------------------------------------------------------------

@blp.route("/accounts/register")
class Register(MethodView):
    @blp.arguments(RegisterSchema)
    @blp.response(201, UserSchema)
    def post(self, data):
        """Sign up as a buyer."""
        user = services.register_buyer(services.SignUp(
            data["email"], data["password"], data["display_name"], data["phone"],
            locale=data["locale"] or locale_code()))
        db.session.commit()
        return user


@blp.route("/accounts/register-trainee")
class RegisterTrainee(MethodView):
    @blp.arguments(RegisterTraineeSchema)
    @blp.response(201, UserSchema)
    def post(self, data):
        """Sign up as a trainee of a training centre; the account waits for verification."""
        user = services.register_trainee(services.TraineeSignUp(
            data["email"], data["password"], data["display_name"], data["phone"],
            locale=data["locale"] or locale_code(), centre_id=data["centre_id"],
            trade=data["trade"], certificate_number=data["certificate_number"],
            store_name=data["store_name"], bio=data["bio"]))
        db.session.commit()
        return user


@blp.route("/accounts/tokens")
class TokenByPassword(MethodView):
    decorators = [limiter.limit(login_limit)]

    @blp.arguments(TokenRequestSchema)
    @blp.response(201, NewApiTokenSchema)
    def post(self, data):
        """Create a personal API token with email and password. The token is shown only once."""
        user = services.authenticate(data["email"], data["password"])
        row, token = api_tokens.create_api_token(user, data["name"])
        db.session.commit()
        return _token_out(row, token)


@blp.route("/accounts/me")
class Me(MethodView):
    decorators = [login_required_api]

    @blp.doc(security=BEARER)
    @blp.response(200, UserSchema)
    def get(self):
        """The signed-in user, with their trainee profile and staff memberships."""
        return require_login()


@blp.route("/accounts/me/tokens")
class MyTokens(MethodView):
    decorators = [login_required_api]

    @blp.doc(security=BEARER)
    @blp.response(200, ApiTokenSchema(many=True))
    def get(self):
        """The signed-in user's tokens, newest first (the tokens themselves are never shown)."""
        user = require_login()
        return db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                  .order_by(ApiToken.id.desc())).all()

    @blp.doc(security=BEARER)
    @blp.arguments(TokenCreateSchema)
    @blp.response(201, NewApiTokenSchema)
    def post(self, data):
        """Create another token. It is shown only in this answer."""
        row, token = api_tokens.create_api_token(require_login(), data["name"])
        db.session.commit()
        return _token_out(row, token)


@blp.route("/accounts/me/tokens/<int:token_id>")
class MyToken(MethodView):
    decorators = [login_required_api]

    @blp.doc(security=BEARER)
    @blp.response(204)
    def delete(self, token_id):
        """Revoke one of the signed-in user's tokens; calls with it then answer 401."""
        api_tokens.revoke_api_token(require_login(), token_id)
        db.session.commit()


# --- organisations ---------------------------------------------------------------------------

@blp.route("/centres")
class Centres(MethodView):
    @blp.response(200, CentreSchema(many=True))
    def get(self):
        """Every training centre (public)."""
        return db.session.scalars(queries.centres()).all()

    @blp.doc(security=BEARER)
    @blp.arguments(CentreCreateSchema)
    @blp.response(201, CentreSchema)
    @admin_required
    def post(self, data):
        """Create a training centre (platform admins)."""
        data["kind"] = data["kind"].value
        centre = services.create_centre(require_login(), **data)
        db.session.commit()
        return centre


@blp.route("/centres/<int:centre_id>/trainees")
class CentreTrainees(MethodView):
    decorators = [login_required_api]

    @blp.doc(security=BEARER)
    @blp.arguments(TraineeListArgsSchema, location="query")
    @blp.response(200, StaffTraineeSchema(many=True))
    def get(self, args, centre_id):
        """A centre's trainees, optionally by status (the centre's staff and admins)."""
        user = require_login()
        centre = services.get_centre(centre_id)
        if not (user.is_admin or policies.is_staff_of_centre(user, centre.id)):
            raise Forbidden(_("Only this centre's staff can see its trainees."))
        return db.session.scalars(queries.trainees({centre.id}, args["status"])).all()


@blp.route("/centres/<int:centre_id>/staff")
class CentreStaffMembers(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(StaffCreateSchema)
    @blp.response(201, StaffSchema)
    @admin_required
    def post(self, data, centre_id):
        """Make an existing account staff of a centre (platform admins)."""
        membership = services.add_centre_staff(require_login(), services.get_centre(centre_id),
                                               data["email"])
        db.session.commit()
        return membership


@blp.route("/municipalities")
class Municipalities(MethodView):
    @blp.response(200, MunicipalitySchema(many=True))
    def get(self):
        """Every municipality (public)."""
        return db.session.scalars(queries.municipalities()).all()

    @blp.doc(security=BEARER)
    @blp.arguments(MunicipalityCreateSchema)
    @blp.response(201, MunicipalitySchema)
    @admin_required
    def post(self, data):
        """Create a municipality (platform admins)."""
        municipality = services.create_municipality(require_login(), **data)
        db.session.commit()
        return municipality


@blp.route("/municipalities/<int:municipality_id>/staff")
class MunicipalStaffMembers(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(StaffCreateSchema)
    @blp.response(201, StaffSchema)
    @admin_required
    def post(self, data, municipality_id):
        """Make an existing account staff of a municipality (platform admins)."""
        membership = services.add_municipal_staff(
            require_login(), services.get_municipality(municipality_id), data["email"])
        db.session.commit()
        return membership


# --- verification ----------------------------------------------------------------------------

@blp.route("/trainees/<int:trainee_id>/<any(verify, reject, suspend, reinstate):action>")
class TraineeStatusChange(MethodView):
    decorators = [login_required_api]

    @blp.doc(security=BEARER)
    @blp.arguments(ReasonSchema)
    @blp.response(200, TraineeSchema)
    def post(self, data, trainee_id, action):
        """Verify, reject (reason), suspend (reason) or reinstate a trainee of your centre."""
        trainee = services.get_trainee(trainee_id)
        services.change_trainee_status(require_login(), trainee, action, data["reason"])
        db.session.commit()
        return trainee
