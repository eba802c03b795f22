"""Every user-facing string has a Persian translation.

The messages are extracted the way pybabel would (Python files and Jinja templates, with the
keywords the code uses) and looked up in the merged catalogues of every `translations/` folder
under marketplace/; the test lists each msgid that has no non-empty Persian msgstr.
"""

from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract
from babel.messages.pofile import read_po

from marketplace.accounts.models import TraineeStatus

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2),
            "lazy_pgettext": ((1, "c"), 2)}
JINJA = "jinja2.ext:babel_extract"
JINJA_OPTIONS = {"trimmed": "false", "extensions": "jinja2.ext.do"}

# Strings translated at run time from a value rather than a literal (`_(trainee.status.value)`).
DYNAMIC_MSGIDS = {status.value for status in TraineeStatus}


def source_files():
    for path in sorted((ROOT / "marketplace").rglob("*.py")):
        yield path, "python", {}
    for pattern in ("*.html", "*.txt"):
        for path in sorted((ROOT / "templates").rglob(pattern)):
            yield path, JINJA, JINJA_OPTIONS


def extracted_messages() -> dict[str, list[str]]:
    """msgid -> where it is used ("path:line")."""
    found: dict[str, list[str]] = {}
    for path, method, options in source_files():
        with path.open("rb") as handle:
            for lineno, message, _comments, _context in extract(
                    method, handle, keywords=KEYWORDS, options=options):
                for msgid in (message if isinstance(message, tuple) else (message,)):
                    if msgid:
                        where = f"{path.relative_to(ROOT)}:{lineno}"
                        found.setdefault(msgid, []).append(where)
    return found


def persian_catalogue() -> dict[str, object]:
    """The union of every marketplace/**/translations/fa/LC_MESSAGES/messages.po."""
    merged: dict[str, object] = {}
    paths = sorted((ROOT / "marketplace").glob("**/translations/fa/LC_MESSAGES/messages.po"))
    assert paths, "no Persian catalogue found"
    for path in paths:
        with path.open("rb") as handle:
            catalogue = read_po(handle, locale="fa")
        for message in catalogue:
            if not message.id:
                continue
            # A plural entry answers for its singular and its plural msgid.
            msgids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            translated = all(s and s.strip() for s in strings) and not message.fuzzy
            for msgid in msgids:
                if translated:
                    merged[msgid] = message.string
                else:
                    merged.setdefault(msgid, None)
    return merged


def test_the_extraction_finds_the_strings_it_should():
    """Guard the guard: an extractor that found nothing would make the next test pass."""
    found = extracted_messages()
    assert "Wrong email or password." in found                       # services (gettext)
    assert "Remember me" in found                                    # forms (lazy_gettext)
    assert "Some fields are not valid." in found                     # core.errors (lazy)
    assert "Reset your password" in found                            # mail subject (N_)
    assert "Skip to content" in found                                # base.html
    assert "Sign up as a trainee to sell" in found                   # accounts templates
    assert "Page %(n)s of %(total)s" in found                        # macros


def test_every_message_has_a_persian_translation():
    translations = persian_catalogue()
    needed = extracted_messages()
    for msgid in DYNAMIC_MSGIDS:
        needed.setdefault(msgid, ["(dynamic)"])
    missing = sorted((msgid, where[0]) for msgid, where in needed.items()
                     if not translations.get(msgid))
    if missing:
        listing = "\n".join(f"  {where}: {msgid!r}" for msgid, where in missing)
        pytest.fail(f"{len(missing)} message(s) have no Persian translation:\n{listing}")


def test_placeholders_survive_translation():
    """A Persian string may only use %(name)s placeholders its English original has: an
    unknown one would make formatting fail at run time."""
    import re

    placeholder = re.compile(r"%\((\w+)\)[sd]")
    wrong = []
    for msgid, string in persian_catalogue().items():
        if not string:
            continue
        strings = string if isinstance(string, tuple) else (string,)
        for text in strings:
            if not set(placeholder.findall(text)) <= set(placeholder.findall(msgid)):
                wrong.append(msgid)
    assert wrong == []
