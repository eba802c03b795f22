"""`make run`'s stand-in for the cron job that expires unpaid orders: every minute it runs
`flask expire-orders`, so a one-of-a-kind piece left in an abandoned checkout comes back to the
store after ORDER_HOLD_MINUTES. One app for the whole run (no new process a minute). Only that
command: the other upkeep (`flask maintenance`, e.g. no-shows) would mark today's demo booths
before the visitor tries check-in.

make run starts it in the background and stops it with the server; it also ends by itself when
its parent (make's shell) is gone, so a killed `make run` leaves nothing behind.

    python -m devtools.order_expiry [--interval SECONDS]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import time

from marketplace import create_app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interval", type=int, default=60, help="seconds between runs")
    args = parser.parse_args(argv)
    app = create_app()
    command = app.cli.commands["expire-orders"]
    parent = os.getppid()
    while True:
        for _ in range(max(args.interval, 1)):
            time.sleep(1)
            if os.getppid() != parent:
                return
        with app.app_context():
            try:
                command.main(["--quiet"], standalone_mode=False)
            except Exception:  # a locked database or the like: try again next minute
                app.logger.exception("expire-orders failed")


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C on a loop started by hand
        main()
