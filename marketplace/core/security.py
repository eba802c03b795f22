"""Security headers and a Content-Security-Policy with no inline scripts."""

from flask import current_app

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'self'",
    "object-src 'none'",
])


# Stripe's Payment Element (production checkout): its script and frames come from Stripe.
STRIPE_CSP = CSP.replace("script-src 'self'", "script-src 'self' https://js.stripe.com").replace(
    "connect-src 'self'", "connect-src 'self' https://api.stripe.com") + \
    "; frame-src 'self' https://js.stripe.com https://hooks.stripe.com"


def content_security_policy() -> str:
    return STRIPE_CSP if current_app.config.get("STRIPE_PUBLISHABLE_KEY") else CSP


def set_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy())
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    return response


def register_security_headers(app) -> None:
    app.after_request(set_security_headers)
    if app.config.get("SESSION_COOKIE_SECURE"):
        @app.after_request
        def hsts(response):
            response.headers.setdefault("Strict-Transport-Security",
                                        "max-age=31536000; includeSubDomains")
            return response
