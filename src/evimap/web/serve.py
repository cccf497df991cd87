"""`evimap serve`: uvicorn with the app, and with ``workers > 1`` a pool of server processes behind it.

With one worker, one process answers everything. With more, one front process speaks HTTP and hands
every read request to the next free process of a pool (see web/pool.py for why not uvicorn's own
workers). The app's options travel in the EVIMAP_WEB_CONFIG environment variable; ``processes`` in
them is the size of the pool.
"""

from __future__ import annotations

import json
import os

APP = "evimap.web.app:app_from_env"


def run(host: str, port: int, workers: int) -> None:
    """Serve the app (its options in EVIMAP_WEB_CONFIG) until interrupted."""
    import uvicorn

    options = json.loads(os.environ["EVIMAP_WEB_CONFIG"])
    options["processes"] = workers
    os.environ["EVIMAP_WEB_CONFIG"] = json.dumps(options)
    uvicorn.run(APP, factory=True, host=host, port=port, log_level="warning", access_log=False)
