"""The one list of trades, keyed by stable codes: what a trainee learnt (accounts), what a
course teaches (training), and what the needs assessment reads skills in (reports.skills
stores a term's trade as one of these codes). It lives in accounts, the lowest package that
uses it, so every package above imports it from here."""

from flask_babel import lazy_gettext as _l

TRADE_LABELS = {
    "carpet_design": _l("Carpet design"),
    "carpet_weaving": _l("Carpet weaving"),
    "dyeing": _l("Traditional dyeing"),
    "pattern_coding": _l("Carpet pattern coding"),
    "pottery": _l("Pottery"),
    "tailoring": _l("Tailoring and clothing design"),
    "pastry": _l("Traditional pastry"),
    "woodwork": _l("Woodwork and marquetry"),
    "computing": _l("Computing"),
    "business": _l("Selling and small business"),
}
TRADES = tuple(TRADE_LABELS)


def trade_label(code: str | None) -> str:
    """A trade's name in the reader's language; "" when none was chosen."""
    if not code:
        return ""
    return str(TRADE_LABELS.get(code, code))


def trade_choices(empty_label) -> list[tuple[str, str]]:
    """The trades for a select, after an empty choice named `empty_label`."""
    return [("", str(empty_label))] + [(code, str(name)) for code, name in TRADE_LABELS.items()]
