"""Virtual stores: public store pages per trainee and per centre, booth signs and QR codes.

Storefront has no tables of its own; it reads accounts and catalogue.

Other packages add panels to a store page without storefront importing them (booths shows
"find me at booth 12 …"). A panel is a (template, context function) pair::

    from marketplace.storefront import STORE_PANELS
    STORE_PANELS.append(("booths/_store_appearances.html", appearances_context))

`appearances_context(trainee) -> dict` is called once per store page with the verified
`Trainee` (user and centre already loaded) and returns the variables of the template, which is
rendered with them plus `trainee`. It should run a constant number of queries. A panel whose
template does not exist is skipped, and a function that returns None hides its panel.
"""

from collections.abc import Callable

STORE_PANELS: list[tuple[str, Callable]] = []
