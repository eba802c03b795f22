"""An aiohttp application served from a background thread, for the stand-ins of outside
services (Stripe, Zarinpal) that tests start in-process and `make run` starts beside the app."""

from __future__ import annotations

import asyncio
import threading
from abc import ABC, abstractmethod

from aiohttp import web


class BackgroundServer(ABC):
    """Serves `build()`'s application on `host:port` (port 0 picks a free one) until `stop()`.

    Subclasses give `name` (for the thread and error messages) and `build()`."""

    name = "stand-in"

    def __init__(self, port: int = 0, host: str = "127.0.0.1"):
        self.host = host
        self.port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None

    @abstractmethod
    def build(self) -> web.Application:
        """The aiohttp application to serve."""

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self):
        ready = threading.Event()
        failure: list[BaseException] = []
        app = self.build()

        def serve():
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self._loop = loop
            try:
                self._runner = web.AppRunner(app, access_log=None)
                loop.run_until_complete(self._runner.setup())
                site = web.TCPSite(self._runner, self.host, self.port)
                loop.run_until_complete(site.start())
                self.port = self._runner.addresses[0][1]
            except BaseException as error:  # reported to the starting thread
                failure.append(error)
                if self._runner is not None:
                    loop.run_until_complete(self._runner.cleanup())
                loop.close()
                ready.set()
                return
            ready.set()
            loop.run_forever()
            # Tasks still pending: webhooks waiting to be sent, answers sleeping in timeout mode.
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.run_until_complete(self._runner.cleanup())
            loop.close()

        self._thread = threading.Thread(target=serve, name=self.name, daemon=True)
        self._thread.start()
        ready.wait(10)
        if failure:
            self._thread.join(10)
            self._loop = self._thread = None
            raise RuntimeError(f"the {self.name} did not start: {failure[0]}")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
        self._loop = None
        self._thread = None
