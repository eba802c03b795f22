"""Helpers for tests that tamper with signed tokens and cookies."""


def with_changed_signature(token: str) -> str:
    """The token with the first character of its signature changed.

    The signature is base64 after the last dot. Its last character carries only a few bits,
    so changing the end (as in ``token[:-2] + "xx"``) sometimes decodes to the same signature
    and the token is still valid; a different first character always changes the bytes.
    """
    payload, signature = token.rsplit(".", 1)
    first = "A" if signature[0] != "A" else "B"
    return f"{payload}.{first}{signature[1:]}"
