"""Reporting stage: evidence maps, thematic syntheses, similar documents and document profiles.

    from evimap.report import coverage_map, synthesis, similar_documents, document_profile
    m = coverage_map(corpus, "gcm", by="document", theme="data")
    m.to_xlsx("map.xlsx"); print(m.to_markdown())
"""

from .base import Provenance, Report
from .coverage import CoverageMap
from .coverage import build as coverage_map
from .similar import DocumentProfile, document_profile, similar_documents
from .synthesis import Synthesis
from .synthesis import build as synthesis

__all__ = ["CoverageMap", "DocumentProfile", "Provenance", "Report", "Synthesis", "coverage_map", "document_profile",
           "similar_documents", "synthesis"]
