"""Readers (one module per format) and the per-file pipeline."""

from .pipeline import process_file, read_document
from .sniff import sniff

__all__ = ["process_file", "read_document", "sniff"]
