"""A local Stripe stand-in for development and tests: localstripe, started safely.

    python -m devtools.stripe_standin --port 8420 \
        [--webhook-url http://127.0.0.1:5000/payments/stripe/webhook] [--webhook-secret whsec_…]

or, from Python (the test fixture): `server = StandIn(port=0).start(); …; server.stop()`.

What localstripe (1.15, from PyPI) does and does not do — learnt from its source:
- It answers PaymentIntents (create, retrieve, confirm, cancel, capture), PaymentMethods,
  Charges and Refunds with Stripe's JSON shapes. `latest_charge` is always the whole charge
  object, so we ask Stripe for `expand=["latest_charge"]` to get the same shape from both.
- Webhooks: `POST /_config/webhooks/<name>` with `url`, `secret` (and optional `events`)
  registers an endpoint; it then POSTs `payment_intent.succeeded` / `payment_intent.payment_failed`
  (and a few billing events) one second after they happen, signed like Stripe
  (`Stripe-Signature: t=…,v1=HMAC-SHA256(secret, "t.body")`). No `charge.refunded` events.
- Unchanged, it binds every interface (`::`) and pickles its whole state to
  `/tmp/localstripe.pickle` after every write, reloading it at start. This launcher binds
  127.0.0.1 only and keeps the state in memory: nothing survives a restart, nothing is shared
  with other users of the machine.
- It has no Checkout Sessions, no Connect (accounts, transfers) and ignores `Idempotency-Key`.
- Card behaviour depends on the card number: `pm_card_visa` succeeds; only
  `pm_card_chargeCustomerFail` (4000000000000341) is declined when charged — its
  `pm_card_visa_chargeDeclined` (4000000000000002) is only declined when *attached* to a
  customer, so a PaymentIntent paid with it would succeed. There is no
  `pm_card_authenticationRequired`. Declines answer 402 with type `invalid_request_error`
  (Stripe says `card_error`; both reach the SDK as `CardError`).
- `POST /v1/payment_intents/<id>/confirm` with a `payment_method` answers 500 "Not implemented";
  it only confirms intents created with their payment method.
- Refunds never check that the refunded total stays below the charge.

What this launcher adds, so that the stand-in behaves like Stripe where our code relies on it:
- `Idempotency-Key`: a POST repeated with the same key (and API key and path) gets the first
  answer back, a different body with the same key gets 400 `idempotency_error` — as on Stripe.
- `confirm` accepts a `payment_method` (set on the intent, then confirmed), also after a decline.
- The test payment methods `pm_card_chargeDeclined` and `pm_card_visa_chargeDeclined` are
  declined when charged, and `pm_card_authenticationRequired` needs 3-D Secure (status
  `requires_action`; localstripe's `POST /v1/payment_intents/<id>/_authenticate` with
  `client_secret` and `success=true|false` completes it).
- A minimal Connect transfer API (`POST /v1/transfers`, `GET /v1/transfers/<id>`) kept in memory,
  so payout batches can be tried locally. It checks the parameters, not balances.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import secrets
import string
import time
import warnings

from aiohttp import web

from devtools.background_server import BackgroundServer

log = logging.getLogger(__name__)

TEST_CARDS = {
    "pm_card_chargeDeclined": "4000000000000341",
    "pm_card_visa_chargeDeclined": "4000000000000341",
    "pm_card_authenticationRequired": "4000002500003155",
}

_ALPHABET = string.ascii_letters + string.digits
_patched = False
_transfers: dict[str, dict] = {}
_idempotent: dict[tuple, tuple[str, int, bytes, str]] = {}


def _patch_localstripe() -> None:
    """Make localstripe keep its state in memory and fill the gaps listed above (once)."""
    global _patched
    if _patched:
        return
    from localstripe import resources

    resources.Store.dump_to_disk = lambda self: None
    resources.Store.try_load_from_disk = lambda self: None
    # Ids from the system's generator: localstripe uses the global `random`, which test tools
    # (hypothesis) seed, and a repeated id answers 409.
    resources.random_id = _random_token

    original_canonical = resources.PaymentMethod._try_get_canonical_test_article.__func__

    def canonical(cls, id):
        number = TEST_CARDS.get(id)
        if number is None:
            return original_canonical(cls, id)
        return resources.PaymentMethod(type="card", card={
            "number": number, "exp_month": "12", "exp_year": "2030", "cvc": "123"})

    resources.PaymentMethod._try_get_canonical_test_article = classmethod(canonical)

    original_confirm = resources.PaymentIntent._api_confirm

    def confirm(id, payment_method=None, **kwargs):
        if payment_method is not None:
            intent = resources.PaymentIntent._api_retrieve(id)
            method = resources.PaymentMethod._api_retrieve(payment_method)
            if intent.status not in ("requires_payment_method", "requires_confirmation"):
                raise resources.UserError(400, "This PaymentIntent cannot be confirmed now.",
                                          {"code": "payment_intent_unexpected_state"})
            intent.payment_method = method.id
            intent.latest_charge = None
            intent.next_action = None
        return original_confirm(id, **kwargs)

    for index, (method, url, _func) in enumerate(resources.extra_apis):
        if url == "/v1/payment_intents/{id}/confirm":
            resources.extra_apis[index] = (method, url, confirm)
    # localstripe registers plain (not async) handlers, which aiohttp accepts with a
    # DeprecationWarning at import; the test suite turns warnings into errors.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from localstripe import server  # noqa: F401 - registers the routes, patched above
    _patched = True


def _random_token(length: int) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def _random_id(prefix: str) -> str:
    return prefix + _random_token(14)


async def _create_transfer(request: web.Request) -> web.Response:
    from localstripe.server import get_post_data, json_response

    data = await get_post_data(request) or {}
    try:
        amount = int(data.get("amount", ""))
    except ValueError:
        amount = 0
    destination = data.get("destination")
    currency = data.get("currency")
    if amount <= 0 or not isinstance(currency, str) or not currency or \
            not isinstance(destination, str) or not destination.startswith("acct_"):
        return json_response({"error": {"type": "invalid_request_error",
                                        "message": "Bad request"}}, status=400)
    transfer = {"id": _random_id("tr_"), "object": "transfer", "amount": amount,
                "currency": currency, "destination": destination,
                "metadata": data.get("metadata") or {}, "created": int(time.time()),
                "livemode": False, "reversed": False, "amount_reversed": 0}
    _transfers[transfer["id"]] = transfer
    return json_response(transfer)


async def _retrieve_transfer(request: web.Request) -> web.Response:
    from localstripe.server import json_response

    transfer = _transfers.get(request.match_info["id"])
    if transfer is None:
        return json_response({"error": {"type": "invalid_request_error",
                                        "message": "Not Found"}}, status=404)
    return json_response(transfer)


@web.middleware
async def idempotency_middleware(request: web.Request, handler):
    key = request.headers.get("Idempotency-Key")
    if request.method != "POST" or not key:
        return await handler(request)
    body = await request.read()
    fingerprint = hashlib.sha256(body).hexdigest()
    cache_key = (request.headers.get("Authorization", ""), key)
    cached = _idempotent.get(cache_key)
    if cached is not None:
        seen_fingerprint, status, payload, content_type = cached
        if seen_fingerprint != fingerprint:
            return web.json_response({"error": {
                "type": "idempotency_error",
                "message": "Keys for idempotent requests can only be used with the same "
                           "parameters they were first used with."}}, status=400)
        response = web.Response(status=status, body=payload, content_type=content_type)
        response.headers["Idempotent-Replayed"] = "true"
        return response
    response = await handler(request)
    if isinstance(response, web.Response) and response.body is not None:
        payload = response.body if isinstance(response.body, bytes) else bytes(response.body)
        _idempotent[cache_key] = (fingerprint, response.status, payload,
                                  response.content_type)
    return response


def build_app() -> web.Application:
    """A fresh aiohttp application answering like localstripe, with our additions.

    localstripe's own `server.app` can only ever run on one event loop, so each stand-in gets a
    new application with the same routes and middlewares. The objects themselves (intents,
    refunds, registered webhooks) live in localstripe's module-level store and are shared by
    all stand-ins of one process."""
    _patch_localstripe()
    from localstripe import server

    app = web.Application(middlewares=[idempotency_middleware, server.error_middleware,
                                       server.auth_middleware])
    app.on_response_prepare.append(server.add_cors_headers)
    app.router.add_post("/v1/transfers", _create_transfer)
    app.router.add_get("/v1/transfers/{id}", _retrieve_transfer)
    for route in server.app.router.routes():
        info = route.resource.get_info()
        path = info.get("path") or info.get("formatter")
        # route.handler is already async (aiohttp wrapped localstripe's plain functions).
        app.router.add_route(route.method, path, route.handler)
    return app


def register_webhook(api_base: str, url: str, secret: str, name: str = "bazaarche") -> None:
    """Ask a running stand-in to deliver signed events to `url`."""
    import requests

    response = requests.post(f"{api_base.rstrip('/')}/_config/webhooks/{name}",
                             data={"url": url, "secret": secret}, timeout=5)
    response.raise_for_status()


def reset(api_base: str) -> None:
    """Forget every object (localstripe's `DELETE /_config/data`) and cached idempotent answer."""
    import requests

    requests.delete(f"{api_base.rstrip('/')}/_config/data", timeout=5).raise_for_status()
    _idempotent.clear()
    _transfers.clear()


class StandIn(BackgroundServer):
    """The stand-in served from a background thread on 127.0.0.1 (port 0 picks a free one)."""

    name = "Stripe stand-in"

    def build(self) -> web.Application:
        return build_app()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8420)
    parser.add_argument("--host", default="127.0.0.1",
                        help="interface to bind (default 127.0.0.1; keep it local)")
    parser.add_argument("--webhook-url", default=os.environ.get(
        "STANDIN_WEBHOOK_URL", "http://127.0.0.1:5000/payments/stripe/webhook"))
    parser.add_argument("--webhook-secret", default=os.environ.get(
        "STRIPE_WEBHOOK_SECRET", "whsec_local_standin"))
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO)
    from localstripe.webhooks import register_webhook as add_webhook

    app = build_app()
    if args.webhook_url:
        add_webhook("bazaarche", args.webhook_url, args.webhook_secret, None)
        print(f"Stripe stand-in: signed webhooks go to {args.webhook_url}", flush=True)
    print(f"Stripe stand-in on http://{args.host}:{args.port} (state in memory)", flush=True)
    web.run_app(app, host=args.host, port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
