"""Development tools that are not part of the application: run from the repository root
(`python -m devtools.<module>`) by `make run` and imported by the tests.

Kept outside `marketplace/` on purpose: the installed package (`pip install .`, which packages
`marketplace*` only) never contains them, they may need the dev extras (`pip install -e
'.[dev]'`), and an import-linter contract keeps `marketplace` from importing them.

- `stripe_standin` — a local fake of the Stripe API (localstripe, patched), for `make run` and
  the payment tests.
- `zarinpal_standin` — a local fake of Zarinpal's v4 payment gateway (request, StartPay page,
  verify, unverified list, failure modes), for `make run` in rials and the payment tests.
- `background_server` — what both stand-ins share: their aiohttp app served from a thread.
"""
