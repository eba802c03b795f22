"""What gunicorn serves: `gunicorn wsgi:app`."""

import gc

from marketplace import create_app

app = create_app()

# What start-up built (modules, mappers, templates, ~200k objects) lives as long as the
# worker. Freezing it keeps the garbage collector from walking all of it again on each full
# collection (~90 ms of CPU each on a 2-CPU AMD EPYC; see bench/README.md, issue 4); start-up
# garbage is collected first so that none of it is kept for good.
gc.collect()
gc.freeze()
