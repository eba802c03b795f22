"""What a Persian reader sees on a page, and what in it is not Persian.

`leaks(html)` lists the Latin digits, English words and Gregorian dates in a page's visible
text (text nodes, and the attributes people read: placeholder, title, aria-label, alt, a
button's value). Allowed, explicitly: text inside an element that says it is in another
language (`lang="en"`: an English name, the language switch), and codes people copy rather
than read — e-mail addresses, web addresses, order numbers (BZ-…), Sheba numbers (IR…),
certificate numbers and booth codes (SA-۱۴۰۴-۰۰۷, A-۷) and Stripe account ids (acct_…).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Never shown: their text is code or style.
HIDDEN = {"script", "style", "template", "head"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr"}
READ_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")

ALLOWED = [
    re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"),          # e-mail addresses
    re.compile(r"https?://\S+"),                          # web addresses
    re.compile(r"\bBZ-[A-Z0-9]{8}\b"),                     # order numbers
    re.compile(r"\bIR[0-9۰-۹ ]{24,32}\b"),                # Sheba numbers
    re.compile(r"\b[A-Z]{1,4}-[0-9۰-۹][0-9۰-۹-]*"),        # certificate numbers, booth codes
    re.compile(r"\bacct_\S*"),                            # Stripe account ids (a placeholder)
]
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
LATIN_DIGIT = re.compile(r"[0-9]")
GREGORIAN_MONTHS = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b|"
    r"(ژانویه|فوریه|آوریل|ژوئن|ژوئیه|سپتامبر|اکتبر|نوامبر|دسامبر)")
# A four-digit year of the Gregorian calendar written alone in Persian digits («۲۰۲۶»); a
# Jalali year is about ۱۴۰۵ and an amount has group separators.
GREGORIAN_YEAR = re.compile(r"(?<![۰-۹٬٫0-9])(۱۹[۰-۹]{2}|۲۰[۰-۹]{2}|۲۱۰۰)(?![۰-۹٬٫0-9])")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []   # (tag, hidden or foreign)
        self.chunks: list[str] = []

    def _skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        foreign = (attributes.get("lang") or "fa").split("-")[0] not in ("fa", "")
        skip = self._skipping() or tag in HIDDEN or foreign or "hidden" in attributes
        if not skip:
            for name in READ_ATTRIBUTES:
                if attributes.get(name):
                    self.chunks.append(attributes[name])
            if tag == "input" and attributes.get("type") in ("submit", "button") and \
                    attributes.get("value"):
                self.chunks.append(attributes["value"])
        if tag not in VOID:
            self.stack.append((tag, skip))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        for position in range(len(self.stack) - 1, -1, -1):
            if self.stack[position][0] == tag:
                del self.stack[position:]
                return

    def handle_data(self, data):
        if not self._skipping() and data.strip():
            self.chunks.append(data)


def visible_text(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return [" ".join(chunk.split()) for chunk in parser.chunks]


def leaks(html: str) -> list[str]:
    """Each piece of visible text with a Latin digit, an English word or a Gregorian date."""
    found = []
    for chunk in visible_text(html):
        if GREGORIAN_MONTHS.search(chunk) or GREGORIAN_YEAR.search(chunk):
            found.append(chunk)
            continue
        text = chunk
        for pattern in ALLOWED:
            text = pattern.sub(" ", text)
        if LATIN_WORD.search(text) or LATIN_DIGIT.search(text):
            found.append(chunk)
    return found
