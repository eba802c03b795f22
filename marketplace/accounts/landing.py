"""Where signing in lands when no `next` is given.

People with work to do (trainees, centre and municipal staff, admins) land on their home page
of things to do (storefront's /my); buyers land on the shop's front page as before.
"""

from flask import url_for


def has_work(user) -> bool:
    return bool(user.is_admin or user.trainee is not None or user.centre_memberships
                or user.municipal_memberships)


def landing_url(user) -> str:
    return url_for("storefront.my_home" if has_work(user) else "storefront.home")
