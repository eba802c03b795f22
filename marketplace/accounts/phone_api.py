"""Phone sign-in for API clients (issue 17): text a code to a verified number, then trade
number + code for a personal API token — the phone counterpart of POST /accounts/tokens.
Routes on the accounts API blueprint."""

from flask import current_app
from flask.views import MethodView

from marketplace.accounts import api_tokens, phone_codes
from marketplace.accounts.api import _token_out, blp
from marketplace.accounts.models import CodePurpose
from marketplace.accounts.phone_views import code_limit
from marketplace.accounts.schemas import (
    NewApiTokenSchema,
    PhoneCodeRequestSchema,
    PhoneCodeSentSchema,
    PhoneTokenRequestSchema,
)
from marketplace.core.errors import DomainError
from marketplace.core.i18n import locale_code
from marketplace.extensions import db, limiter


@blp.route("/accounts/phone-codes")
class PhoneCodes(MethodView):
    decorators = [limiter.limit(code_limit)]

    @blp.arguments(PhoneCodeRequestSchema)
    @blp.response(202, PhoneCodeSentSchema)
    def post(self, data):
        """Text a sign-in code to a mobile number. The answer is the same whether or not an
        account has verified that number; only then is a code actually sent. 429 with
        Retry-After when the number or the client asks too often."""
        phone = phone_codes.parse_phone_field(data["phone"])
        phone_codes.request_code(phone, CodePurpose.SIGN_IN, locale_code())
        db.session.commit()
        return {"phone": phone, "expires_in": current_app.config["PHONE_CODE_TTL_SECONDS"]}


@blp.route("/accounts/phone-tokens")
class TokenByPhoneCode(MethodView):
    decorators = [limiter.limit(code_limit)]

    @blp.arguments(PhoneTokenRequestSchema)
    @blp.response(201, NewApiTokenSchema)
    def post(self, data):
        """Create a personal API token with a verified mobile number and the code texted to
        it. The token is shown only once; a wrong code counts against the code's tries."""
        phone = phone_codes.parse_phone_field(data["phone"])
        try:
            user = phone_codes.sign_in_with_code(phone, data["code"])
        except DomainError:
            db.session.commit()  # the wrong try is counted
            raise
        row, token = api_tokens.create_api_token(user, data["name"])
        db.session.commit()
        return _token_out(row, token)
