"""The yardstick: a bare Flask JSON endpoint, served by gunicorn exactly like the real app.

Every figure in bench/README.md is a ratio to this app measured in the same run, so the numbers
say how much the marketplace costs on top of Flask itself, whatever the machine.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/", defaults={"path": ""})
@app.get("/<path:path>")
def hello(path):
    # Any path answers, so the same wrk script (rotating real paths) drives both apps.
    return {"status": "ok", "path": path}
