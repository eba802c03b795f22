"""Locale choice, Jalali dates and Persian digits for templates (ARCHITECTURE §4)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import jdatetime
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from flask import current_app, g, has_request_context, request, session
from flask_babel import get_locale, get_translations
from flask_login import current_user
from markupsafe import Markup

from marketplace.core.db import utcnow
from marketplace.core.digits import to_persian_digits
from marketplace.core.money import Money, unit_name
from marketplace.core.phone import InvalidPhone, display_phone, parse_mobile

RTL_LANGUAGES = {"fa", "ar", "he", "ur"}
JALALI_MONTHS_FA = ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
                    "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند")
JALALI_WEEKDAYS_FA = ("شنبه", "یکشنبه", "دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه")


# Set by the language switch for a visitor who is not signed in. A signed-in user's saved
# language outranks the session's, so without it a visitor who switched to English before
# signing in was back in Persian after: the account adopts that choice at sign-in instead.
CHOSEN_SIGNED_OUT = "locale_chosen_signed_out"


def supported() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def best_from_accept_language(header: str | None) -> str | None:
    """The first supported *primary* language in Accept-Language, by quality.

    Werkzeug's best_match compares whole tags, so `fa-IR,en;q=0.5` came out as `en`.
    """
    if not header:
        return None
    choices = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary:
            choices.append((-quality, position, primary))
    for _q, _p, primary in sorted(choices):
        if primary in supported():
            return primary
    return None


def select_locale() -> str:
    """?lang=, then the user's saved choice, the session, Accept-Language, the default."""
    if not has_request_context():  # CLI commands, jobs, worker threads: no request to ask
        return current_app.config["DEFAULT_LOCALE"]
    asked = request.args.get("lang")
    if asked in supported():
        return asked
    if getattr(g, "locale_override", None) in supported():
        return g.locale_override
    if current_user and current_user.is_authenticated and current_user.locale in supported():
        return current_user.locale
    if session.get("locale") in supported():
        return session["locale"]
    return best_from_accept_language(request.headers.get("Accept-Language")) or \
        current_app.config["DEFAULT_LOCALE"]


def choice_made_signed_out() -> str | None:
    """The language this browser chose with the switch before signing in, if any; asked once
    (at sign-in), then forgotten."""
    if session.pop(CHOSEN_SIGNED_OUT, False) and session.get("locale") in supported():
        return session["locale"]
    return None


def locale_code() -> str:
    return str(get_locale() or current_app.config["DEFAULT_LOCALE"])


def locale_for(user=None) -> str:
    """The language to write to `user` in (mail, flashed amounts): their saved choice, else the
    request's, else the deployment default (CLI commands and jobs have no request)."""
    chosen = getattr(user, "locale", None)
    if chosen:
        return chosen
    try:
        return locale_code()
    except RuntimeError:  # no application context to ask
        return current_app.config["DEFAULT_LOCALE"]


def is_rtl() -> bool:
    return locale_code().split("_")[0] in RTL_LANGUAGES


def text_direction() -> str:
    return "rtl" if is_rtl() else "ltr"


def marketplace_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["MARKETPLACE_TIMEZONE"])


def local_day(moment: datetime) -> date:
    """The calendar day a moment falls on where the marketplace is (Tehran by default): a
    market day, a pickup day and a report's day are local days, never UTC's."""
    return moment.astimezone(marketplace_zone()).date()


def today_here() -> date:
    """Today where the marketplace is, by core.db's clock (which the demo may set back)."""
    return local_day(utcnow())


def localize_digits(text: str) -> str:
    return to_persian_digits(text) if locale_code().startswith("fa") else text


def format_number(value) -> str:
    if value is None:
        return ""
    return localize_digits(format_decimal(value, locale="en"))


def jalali_date(day: date, with_weekday: bool = False) -> str:
    j = jdatetime.date.fromgregorian(date=day)
    text = f"{j.day} {JALALI_MONTHS_FA[j.month - 1]} {j.year}"
    if with_weekday:
        text = f"{JALALI_WEEKDAYS_FA[j.weekday()]} {text}"
    return to_persian_digits(text)


def format_day(value: date | datetime | None, with_weekday: bool = False) -> str:
    """A calendar day: Jalali with Persian digits in fa, Gregorian otherwise."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local_day(value)
    if locale_code().startswith("fa"):
        return jalali_date(value, with_weekday)
    pattern = "EEEE d MMMM y" if with_weekday else "d MMMM y"
    return format_date(value, pattern, locale=locale_code())


def format_moment(value: datetime | None) -> str:
    """A point in time shown in the marketplace's zone."""
    if value is None:
        return ""
    local = value.astimezone(marketplace_zone())
    if locale_code().startswith("fa"):
        return f"{jalali_date(local.date())}، {to_persian_digits(local.strftime('%H:%M'))}"
    return format_datetime(local, "d MMM y, HH:mm", locale=locale_code())


def format_money(value: Money | None) -> str:
    """For the reader: toman or rial for IRR as `IRR_DISPLAY_UNIT` says (Money.format)."""
    if value is None:
        return ""
    return value.format(locale_code())


def money_unit(currency: str | None = None) -> str:
    """The unit an amount field takes, for its label: «تومان», "toman", "USD"."""
    return unit_name(currency or current_app.config["MARKETPLACE_CURRENCY"], locale_code())


def amount_input_text(value: Money | None) -> str:
    """An amount as a form field holds it: in the unit shown, the reader's digits, no
    grouping («۱۲۵۰۰۰۰٫۵» toman), so what is shown is what is read back."""
    if value is None:
        return ""
    return localize_digits(value.to_shown_string())


def format_phone(value: str | None) -> Markup:
    """A phone number as people read it: a stored E.164 number or one a buyer typed at
    checkout (09141234567, +98 914…), in the national form and the page's digits, isolated
    left to right so its digit groups do not read backwards on a Persian line."""
    if not value:
        return Markup("")
    try:
        shown = display_phone(parse_mobile(value), locale_code())
    except InvalidPhone:  # a landline or a number typed oddly: shown as typed
        shown = localize_digits(value)
    return Markup('<bdi dir="ltr">{}</bdi>').format(shown)


# Flask-Babel's template gettext resolves the domain, the request's Babel context and the
# locale (each through Flask's context-local proxies) and formats the locale's name, for every
# one of the ~90 strings a page translates: about a tenth of a signed-in page's time. A
# locale's translations never change while the process runs, so pages look them up once per
# locale. Keyed by the Locale itself, so force_locale (a notice in its recipient's language)
# gets its own.
_TRANSLATIONS_BY_LOCALE: dict = {}


def current_translations():
    locale = get_locale()
    translations = _TRANSLATIONS_BY_LOCALE.get(locale)
    if translations is None:
        translations = _TRANSLATIONS_BY_LOCALE[locale] = get_translations()
    return translations


def _install_template_gettext(app) -> None:
    """Replaces the callables Flask-Babel installed in the templates (same behaviour)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: current_translations().ugettext(s),
        ngettext=lambda s, p, n: current_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: current_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: current_translations().unpgettext(c, s, p, n))


def register_template_helpers(app) -> None:
    _install_template_gettext(app)
    app.add_template_filter(format_day, "day")
    app.add_template_filter(format_moment, "moment")
    app.add_template_filter(format_money, "money")
    app.add_template_filter(money_unit, "money_unit")
    app.add_template_global(money_unit, "money_unit")
    app.add_template_filter(amount_input_text, "amount_input")
    app.add_template_filter(format_number, "num")
    app.add_template_filter(localize_digits, "digits")
    app.add_template_filter(format_phone, "phone")

    @app.context_processor
    def language_context():
        return {
            "current_locale": locale_code(),
            "text_direction": text_direction(),
            "languages": {"fa": "فارسی", "en": "English"},
        }
