"""Load benchmarks: data generator, scenarios and the gunicorn + wrk runner (see README.md)."""
