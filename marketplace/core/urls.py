"""Full links for what leaves the site: mail, printed QR codes, the API's store links."""

from flask import current_app, has_request_context, request, url_for


def absolute_url(path: str) -> str:
    """`path` under MARKETPLACE_BASE_URL when set (what mail and printed codes should carry),
    else under the host of the current request."""
    base = _base_url()
    if not base and has_request_context():
        base = request.host_url.rstrip("/")
    return base + path


def external_url(endpoint: str, **values) -> str:
    """A full link to `endpoint`; "" outside a request when neither MARKETPLACE_BASE_URL nor
    SERVER_NAME says where the site lives (expire-orders or the worker on a bare setup)."""
    base = _base_url()
    try:
        if base:
            return base + url_for(endpoint, **values)
        return url_for(endpoint, _external=True, **values)
    except RuntimeError:
        return ""


def _base_url() -> str:
    return (current_app.config.get("MARKETPLACE_BASE_URL") or "").rstrip("/")
