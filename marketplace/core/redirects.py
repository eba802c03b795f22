"""Where a redirect may send the browser: back to a page of this site, never elsewhere.

`next=` parameters and Referer headers are chosen by whoever made the link, so a redirect to
them is an open redirect unless the target is judged the way a browser will read it. Browsers
drop tabs and line breaks anywhere in a URL, strip leading control characters and spaces, read
`\\` as `/`, and take `//host` (or `/\\host`, `/<tab>/host`) as another site. Rather than
repairing such a target, refuse it: only a path on this site (`/…`, optionally `?query` and
`#fragment`) passes, and anything else gives the caller's default.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

from flask import request

MAX_TARGET_LENGTH = 2048

# Controls, broken text (lone surrogates) and every kind of space or line break.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cs", "Zs", "Zl", "Zp"})


def _has_refused_character(text: str, *, spaces: bool) -> bool:
    for char in text:
        category = unicodedata.category(char)
        if category in ("Cc", "Cs") or (spaces and (category in _REFUSED_CATEGORIES
                                                    or char.isspace())):
            return True
    return False


def _looks_like_another_site(path: str) -> bool:
    return not path.startswith("/") or path[1:2] in ("/", "\\") or "\\" in path


def is_safe_redirect_target(target: str | None) -> bool:
    """True only for a same-origin path such as `/p/12?tab=photos`.

    Refused: a scheme (`https:`, `javascript:`, `http:evil`), a host (`//evil`, `////evil`),
    backslashes (`/\\evil`, `\\/evil`), controls, spaces and line breaks anywhere (`/<tab>/evil`,
    CR LF header injection), and paths whose percent-decoded form would be any of those
    (`/%2F/evil`, `/%5Cevil`), in case something between us and the browser decodes them.
    """
    if not target or len(target) > MAX_TARGET_LENGTH:
        return False
    if _looks_like_another_site(target) or _has_refused_character(target, spaces=True):
        return False
    decoded = unquote(target)
    if _looks_like_another_site(decoded) or _has_refused_character(decoded, spaces=False):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_redirect_target(target: str | None, default: str) -> str:
    """`target` if it is a path on this site, else `default`."""
    return target if target is not None and is_safe_redirect_target(target) else default


def next_target(default: str) -> str:
    """The request's `next` (query string first, then form), if it is safe; else `default`."""
    target = request.args.get("next") or request.form.get("next")
    return safe_redirect_target(target, default)


def referrer_target(default: str) -> str:
    """The page the request came from, if it is a page of this site; else `default`.

    The Referer is an absolute URL; only the same scheme and host count as this site, and only
    its path and query are kept, judged like any other target (as is a bare path).
    """
    referrer = request.referrer
    if not referrer:
        return default
    parts = urlsplit(referrer)
    if not parts.scheme and not parts.netloc:  # a bare path: not what browsers send, but fine
        return safe_redirect_target(referrer, default)
    here = urlsplit(request.host_url)
    if (parts.scheme, parts.netloc) != (here.scheme, here.netloc):
        return default
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return safe_redirect_target(path, default)
