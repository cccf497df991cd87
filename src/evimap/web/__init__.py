"""Web stage: a local web app and JSON API over a store (FastAPI + Jinja2). Needs ``pip install 'evimap[web]'``.

    from evimap.web import create_app
    app = create_app("evimap.db")          # read-only; create_app("evimap.db", token="…") allows ingest
"""

from .app import WebConfig, create_app

__all__ = ["WebConfig", "create_app"]
