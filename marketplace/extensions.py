"""Extension objects, created unbound and attached in `create_app`."""

from typing import TYPE_CHECKING

from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from marketplace.core.api import Api
from marketplace.core.db import Base

# Objects keep what they hold across a commit: a request serialises its answer from memory
# after committing instead of reading every row again, and the session ends with the request.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
# Every model's base class. Flask-SQLAlchemy builds db.Model at run time from Base (adding its
# query helpers), which a type checker cannot follow; to it, the base is Base itself.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate(compare_type=True, render_as_batch=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, headers_enabled=True)
api = Api()
# Rendered public pages (core.page_cache), not a general-purpose cache.
cache = Cache()
