"""Conversion between Latin, Persian and Arabic-Indic digits."""

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
LATIN_DIGITS = "0123456789"

_TO_ASCII = str.maketrans(
    PERSIAN_DIGITS + ARABIC_INDIC_DIGITS + "٫٬،",
    LATIN_DIGITS + LATIN_DIGITS + ".,,",
)
_TO_PERSIAN = str.maketrans(LATIN_DIGITS + ".,", PERSIAN_DIGITS + "٫٬")
_DIGITS_ONLY_TO_PERSIAN = str.maketrans(LATIN_DIGITS, PERSIAN_DIGITS)


def to_ascii_digits(text: str) -> str:
    """Persian and Arabic-Indic digits and separators to ASCII, for parsing user input."""
    return text.translate(_TO_ASCII)


def to_persian_digits(text: str, separators: bool = True) -> str:
    """Latin digits to Persian for display; decimal and group separators too by default."""
    return text.translate(_TO_PERSIAN if separators else _DIGITS_ONLY_TO_PERSIAN)


def parse_int(text: str | int) -> int:
    """An integer typed with any digits and optional group separators."""
    if isinstance(text, int):
        return text
    cleaned = to_ascii_digits(str(text)).replace(",", "").replace(" ", "").strip()
    return int(cleaned)
