"""A local Zarinpal stand-in for development and tests: the v4 payment gateway, in memory.

    python -m devtools.zarinpal_standin --port 8421

or, from Python (the test fixture): `server = ZarinpalStandIn(port=0).start(); …; server.stop()`.
Point the app at it with `ZARINPAL_API_BASE=http://127.0.0.1:8421` (any 36-character
`ZARINPAL_MERCHANT_ID`). Bound to 127.0.0.1; nothing is written to disk.

What it answers, in Zarinpal's shapes (`{"data": {...}, "errors": []}` on success,
`{"data": [], "errors": {"code": …, "message": …}}` with HTTP 4xx on error):
- `POST /pg/v4/payment/request.json` — a new authority (`A` + 35 digits); -9 for a missing or
  bad merchant id, amount below 1,000 rials, or no callback URL or description; with split
  settlement (`wages`: Sheba `iban` IR + 24 digits, `amount`, `description`), -33 for a
  malformed share and -32 when the shares add up to more than the payment;
- `GET /pg/StartPay/{authority}` — a page where the tester chooses "pay" or "cancel"; either
  sends the browser to the callback URL with `Authority` and `Status=OK` or `Status=NOK`
  (as Zarinpal does: the query string is appended to the callback URL);
- `POST /pg/v4/payment/verify.json` — 100 with a `ref_id` the first time a paid authority is
  verified with its amount, 101 afterwards; -50 amount differs, -51 not paid, -53 another
  merchant's authority, -54 unknown authority;
- `POST /pg/v4/payment/unVerified.json` — paid authorities not verified yet.

Failure modes for tests and for trying things by hand, switched per endpoint (`request`,
`verify`, `unverified`) for the next `times` calls:
- `timeout`: answer only after `delay` seconds (longer than the client waits);
- `http_500`: an HTTP 500 with an HTML body;
- `code`: an error with the given documented code (e.g. -12 too many attempts, -11 inactive).
From Python: `server.fail("verify", "timeout", times=2)`; over HTTP:
`POST /_standin/failures` with JSON `{"endpoint": …, "mode": …, "code": …, "times": …}`;
`DELETE /_standin/failures` clears them. `POST /_standin/pay/{authority}` pays without the page.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import logging
import re
import secrets
import threading
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit, urlunsplit

from aiohttp import web

from devtools.background_server import BackgroundServer

log = logging.getLogger(__name__)

MIN_AMOUNT = 1_000
ENDPOINTS = ("request", "verify", "unverified")
MODES = ("timeout", "http_500", "code")


@dataclass
class _Payment:
    authority: str
    merchant_id: str
    amount: int
    callback_url: str
    description: str
    status: str = "created"  # created, paid, cancelled, verified
    ref_id: int | None = None
    wages: list[dict] = field(default_factory=list)


@dataclass
class _Failure:
    mode: str
    times: int
    code: int | None = None
    delay: float = 30.0


@dataclass
class _State:
    payments: dict[str, _Payment] = field(default_factory=dict)
    failures: dict[str, _Failure] = field(default_factory=dict)
    next_ref_id: int = 100_001
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take_failure(self, endpoint: str) -> _Failure | None:
        with self.lock:
            failure = self.failures.get(endpoint)
            if failure is None:
                return None
            failure.times -= 1
            if failure.times <= 0:
                del self.failures[endpoint]
            return failure


def _ok(**data) -> web.Response:
    return web.json_response({"data": {"code": 100, "message": "Success", **data},
                              "errors": []})


def _error(code: int, message: str, status: int = 400) -> web.Response:
    return web.json_response({"data": [], "errors": {"code": code, "message": message,
                                                     "validations": []}}, status=status)


async def _json_body(request: web.Request) -> dict:
    try:
        body = await request.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _valid_merchant(value) -> bool:
    return isinstance(value, str) and len(value) == 36


def _valid_wage(wage) -> bool:
    return (isinstance(wage, dict) and isinstance(wage.get("iban"), str)
            and re.fullmatch(r"IR[0-9]{24}", wage["iban"]) is not None
            and (_amount(wage.get("amount")) or 0) > 0 and bool(wage.get("description")))


def _amount(value) -> int | None:
    try:
        amount = int(value)
    except (TypeError, ValueError):
        return None
    return amount if str(amount) == str(value).strip() else None


def _callback_with(url: str, authority: str, status: str) -> str:
    parts = urlsplit(url)
    query = (parts.query + "&" if parts.query else "") + urlencode(
        {"Authority": authority, "Status": status})
    return urlunsplit(parts._replace(query=query))


def build_app(state: _State) -> web.Application:
    """The stand-in's routes over `state` (one per server)."""

    async def failing(endpoint: str) -> web.Response | None:
        failure = state.take_failure(endpoint)
        if failure is None:
            return None
        if failure.mode == "timeout":
            await asyncio.sleep(failure.delay)
            return _error(-52, "Oops, unexpected error (too late)", status=504)
        if failure.mode == "http_500":
            return web.Response(status=500, text="<html>Internal Server Error</html>",
                                content_type="text/html")
        return _error(failure.code or -52, "Failure switched on in the stand-in")

    async def request_payment(request: web.Request) -> web.Response:
        if (answer := await failing("request")) is not None:
            return answer
        body = await _json_body(request)
        amount = _amount(body.get("amount"))
        if not _valid_merchant(body.get("merchant_id")):
            return _error(-9, "The input params invalid, validation error. (merchant_id)")
        if amount is None or amount < MIN_AMOUNT:
            return _error(-9, "The input params invalid, validation error. (amount)")
        if not body.get("callback_url") or not body.get("description"):
            return _error(-9, "The input params invalid, validation error.")
        if body.get("currency", "IRR") != "IRR":
            return _error(-9, "The stand-in takes rials (IRR) only.")
        wages = body.get("wages") or []
        if not isinstance(wages, list) or not all(_valid_wage(w) for w in wages):
            return _error(-33, "Wages floating is not valid.")
        if sum(_amount(w["amount"]) or 0 for w in wages) > amount:
            return _error(-32, "Wages is not valid, Total wages has been overload max amount.")
        authority = "A" + "".join(secrets.choice("0123456789") for _ in range(35))
        with state.lock:
            state.payments[authority] = _Payment(
                authority=authority, merchant_id=body["merchant_id"], amount=amount,
                callback_url=str(body["callback_url"]), description=str(body["description"]),
                wages=wages)
        return _ok(authority=authority, fee_type="Merchant", fee=0)

    async def start_pay(request: web.Request) -> web.Response:
        payment = state.payments.get(request.match_info["authority"])
        if payment is None:
            return web.Response(status=404, text="Unknown authority", content_type="text/plain")
        if payment.status != "created":
            return web.Response(text=f"This payment is {payment.status}.",
                                content_type="text/plain")
        authority = html.escape(payment.authority)
        page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Zarinpal stand-in</title></head>
<body><h1>Zarinpal stand-in</h1>
<p>{html.escape(payment.description)}: <strong id="amount">{payment.amount}</strong> IRR</p>
<form method="post" action="/pg/StartPay/{authority}/pay"><button id="pay">Pay</button></form>
<form method="post" action="/pg/StartPay/{authority}/cancel">
<button id="cancel">Cancel</button></form>
</body></html>"""
        return web.Response(text=page, content_type="text/html")

    def finish(paid: bool):
        async def handler(request: web.Request) -> web.Response:
            authority = request.match_info["authority"]
            with state.lock:
                payment = state.payments.get(authority)
                if payment is None:
                    return web.Response(status=404, text="Unknown authority",
                                        content_type="text/plain")
                if payment.status == "created":
                    payment.status = "paid" if paid else "cancelled"
                status = "OK" if payment.status in ("paid", "verified") else "NOK"
            raise web.HTTPSeeOther(_callback_with(payment.callback_url, authority, status))
        return handler

    async def verify(request: web.Request) -> web.Response:
        if (answer := await failing("verify")) is not None:
            return answer
        body = await _json_body(request)
        if not _valid_merchant(body.get("merchant_id")):
            return _error(-9, "The input params invalid, validation error. (merchant_id)")
        with state.lock:
            payment = state.payments.get(str(body.get("authority") or ""))
            if payment is None:
                return _error(-54, "Invalid authority.")
            if payment.merchant_id != body["merchant_id"]:
                return _error(-53, "Session is not this merchant_id session.")
            if _amount(body.get("amount")) != payment.amount:
                return _error(-50, "Session is not valid, amounts values is not the same.")
            if payment.status == "verified":
                return web.json_response({"data": {
                    "code": 101, "message": "Verified", "ref_id": payment.ref_id,
                    "card_pan": "502229******5995", "card_hash": "0" * 64,
                    "fee_type": "Merchant", "fee": 0}, "errors": []})
            if payment.status != "paid":
                return _error(-51, "Session is not valid, session is not active paid try.")
            payment.status = "verified"
            payment.ref_id = state.next_ref_id
            state.next_ref_id += 1
            ref_id = payment.ref_id
        return _ok(ref_id=ref_id, card_pan="502229******5995", card_hash="0" * 64,
                   fee_type="Merchant", fee=0)

    async def unverified(request: web.Request) -> web.Response:
        if (answer := await failing("unverified")) is not None:
            return answer
        body = await _json_body(request)
        if not _valid_merchant(body.get("merchant_id")):
            return _error(-9, "The input params invalid, validation error. (merchant_id)")
        with state.lock:
            paid = [p for p in state.payments.values()
                    if p.status == "paid" and p.merchant_id == body["merchant_id"]][-100:]
        return _ok(authorities=[{"authority": p.authority, "amount": p.amount,
                                 "callback_url": p.callback_url, "referer": "",
                                 "date": ""} for p in paid])

    async def set_failure(request: web.Request) -> web.Response:
        body = await _json_body(request)
        try:
            _set_failure(state, str(body.get("endpoint")), str(body.get("mode")),
                         code=body.get("code"), times=int(body.get("times", 1)),
                         delay=float(body.get("delay", 30)))
        except (TypeError, ValueError) as error:
            return web.json_response({"error": str(error)}, status=400)
        return web.json_response({"ok": True})

    async def clear_failures(request: web.Request) -> web.Response:
        with state.lock:
            state.failures.clear()
        return web.json_response({"ok": True})

    async def pay_directly(request: web.Request) -> web.Response:
        authority = request.match_info["authority"]
        with state.lock:
            payment = state.payments.get(authority)
            if payment is None or payment.status != "created":
                return web.json_response({"error": "not payable"}, status=409)
            payment.status = "paid"
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/pg/v4/payment/request.json", request_payment)
    app.router.add_get("/pg/StartPay/{authority}", start_pay)
    app.router.add_post("/pg/StartPay/{authority}/pay", finish(paid=True))
    app.router.add_post("/pg/StartPay/{authority}/cancel", finish(paid=False))
    app.router.add_post("/pg/v4/payment/verify.json", verify)
    app.router.add_post("/pg/v4/payment/unVerified.json", unverified)
    app.router.add_post("/_standin/failures", set_failure)
    app.router.add_delete("/_standin/failures", clear_failures)
    app.router.add_post("/_standin/pay/{authority}", pay_directly)
    return app


def _set_failure(state: _State, endpoint: str, mode: str, code=None, times: int = 1,
                 delay: float = 30.0) -> None:
    if endpoint not in ENDPOINTS:
        raise ValueError(f"endpoint must be one of {', '.join(ENDPOINTS)}")
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}")
    if mode == "code" and (code is None or int(code) >= 100):
        raise ValueError("mode 'code' needs a negative Zarinpal error code")
    with state.lock:
        state.failures[endpoint] = _Failure(mode=mode, times=max(1, times),
                                            code=int(code) if code is not None else None,
                                            delay=delay)


class ZarinpalStandIn(BackgroundServer):
    """The stand-in served from a background thread on 127.0.0.1 (port 0 picks a free one)."""

    name = "Zarinpal stand-in"

    def __init__(self, port: int = 0, host: str = "127.0.0.1"):
        super().__init__(port, host)
        self.state = _State()

    def build(self) -> web.Application:
        return build_app(self.state)

    # test controls -----------------------------------------------------------------------------

    def fail(self, endpoint: str, mode: str, code: int | None = None, times: int = 1,
             delay: float = 30.0) -> None:
        """Make the next `times` calls of `endpoint` time out, answer 500 or an error code."""
        _set_failure(self.state, endpoint, mode, code=code, times=times, delay=delay)

    def pay(self, authority: str) -> None:
        """The buyer pays on the gateway page but never comes back (closed tab, lost network)."""
        with self.state.lock:
            self.state.payments[authority].status = "paid"

    def status_of(self, authority: str) -> str:
        return self.state.payments[authority].status

    def wages_of(self, authority: str) -> list[dict]:
        """The shares the payment request asked Zarinpal to settle to other accounts."""
        return self.state.payments[authority].wages

    def reset(self) -> None:
        with self.state.lock:
            self.state.payments.clear()
            self.state.failures.clear()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8421)
    parser.add_argument("--host", default="127.0.0.1",
                        help="interface to bind (default 127.0.0.1; keep it local)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    print(f"Zarinpal stand-in on http://{args.host}:{args.port} (state in memory)", flush=True)
    web.run_app(build_app(_State()), host=args.host, port=args.port, print=None,
                access_log=None)


if __name__ == "__main__":
    main()
