"""evimap: offline evidence mapping for migration-governance documents."""

from .corpus import Corpus, IngestReport, open
from .errors import EvimapError, IngestError, NotFoundError, QueryError, StoreError
from .search.query import Hit, any_of, cite
from .settings import Settings

__version__ = "0.1.0"

__all__ = [
    "Corpus",
    "EvimapError",
    "Hit",
    "IngestError",
    "IngestReport",
    "NotFoundError",
    "QueryError",
    "Settings",
    "StoreError",
    "__version__",
    "any_of",
    "cite",
    "open",
]
