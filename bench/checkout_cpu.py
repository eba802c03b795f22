"""CPU per request of the checkout burst's requests, in-process: a steadier measure than the
burst itself when comparing two versions of the code on a busy machine.

    .venv/bin/python -m bench.checkout_cpu                     # PostgreSQL bz_bench_checkout_cpu
    .venv/bin/python -m bench.checkout_cpu --items 300

Prepares its own database as bench.checkout does (`--items` one-of-a-kind items, twice as many
buyers), then drives the production app through Flask's test client: the first half of the
buyers add an item, place the order and pay at pickup; the second half try the same items and
are refused. Prints the median `time.process_time()` of each request kind (the first 10 of each
left out) and a mix weighted as the burst's requests are (41 % refused adds, the rest split
evenly between add, place and pay). The database's own CPU is not in these figures.
`--calls` counts Python function calls per request instead (cProfile): a figure that does not
move between runs of one commit, for before/after comparisons on a loaded machine.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bz_bench_checkout_cpu"
MIX = {"refused": 0.41, "add": 0.197, "place": 0.197, "pay": 0.197}


def measure(database_url: str, items: int, calls: bool = False):
    with tempfile.TemporaryDirectory(prefix="bz-checkout-cpu-") as scratch:
        # The production settings, as bench.checkout serves them; read when the app's
        # config is first imported, so set before anything imports it.
        os.environ.update({"MARKETPLACE_ENV": "production", "DATABASE_URL": database_url,
                           "SECRET_KEY": "bench-" + "x" * 58,
                           "PAYMENT_PROVIDERS": "pay_at_pickup",
                           "MAIL_OUTBOX_DIR": str(Path(scratch) / "outbox"),
                           "MARKETPLACE_INSTANCE": scratch})
        from bench.checkout import prepare
        from marketplace import create_app

        world = prepare(database_url, buyers=2 * items, items=items, trainees=20, seed=1)
        client = create_app().test_client()
        times: dict[str, list[float]] = {kind: [] for kind in MIX}
        for number, token in enumerate(world.tokens):
            item = world.item_ids[number % items]  # the second half finds its item gone
            _checkout(client, token, item, times, refused=number >= items, calls=calls)
    scale = 1 if calls else 1000
    return {kind: statistics.median(values[10:]) * scale for kind, values in times.items()}, \
        {kind: statistics.fmean(values[10:]) * scale for kind, values in times.items()}


def _checkout(client, token: str, item: int, times: dict, refused: bool,
              calls: bool = False) -> None:
    def call(kind, path, body):
        headers = {"Authorization": f"Bearer {token}"}
        if calls:
            profiler = cProfile.Profile()
            response = profiler.runcall(client.post, path, json=body, headers=headers)
            times[kind].append(pstats.Stats(profiler).total_calls)
            return response
        started = time.process_time()
        response = client.post(path, json=body, headers=headers)
        times[kind].append(time.process_time() - started)
        return response

    added = call("refused" if refused else "add", "/api/v1/cart/lines",
                 {"product_id": item, "quantity": 1})
    if refused:
        assert added.status_code in (409, 422), added.get_data(as_text=True)
        return
    trainee_id = added.get_json()["lines"][0]["trainee_id"]
    placed = call("place", "/api/v1/checkout", {
        "contact_name": "Bench buyer",
        "parts": [{"trainee_id": trainee_id, "fulfilment": "pickup"}]})
    assert placed.status_code == 201, placed.get_data(as_text=True)
    paid = call("pay", f"/api/v1/orders/{placed.get_json()['number']}/payments",
                {"provider": "pay_at_pickup"})
    assert paid.status_code == 201, paid.get_data(as_text=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL,
                        help="a database of its own: it is dropped and rebuilt")
    parser.add_argument("--items", type=int, default=150)
    parser.add_argument("--calls", action="store_true",
                        help="Python function calls per request instead of CPU time")
    args = parser.parse_args(argv)
    unit = "calls" if args.calls else "ms"
    for name, figures in zip(("median", "mean"),
                             measure(args.database_url, args.items, args.calls), strict=True):
        mix = sum(MIX[kind] * figures[kind] for kind in MIX)
        print(f"{name}: " + " · ".join(f"{kind} {value:,.2f} {unit}"
                                       for kind, value in figures.items())
              + f" · mix {mix:,.2f} {unit}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
