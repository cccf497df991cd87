"""Segmentation: blocks -> passages with provenance (page, section path, label, span)."""

from .headings import Heading, SectionStack, classify_heading, paragraph_label
from .passages import group_lines, segment, split_long, split_sentences, text_hash

__all__ = [
    "Heading",
    "SectionStack",
    "classify_heading",
    "group_lines",
    "paragraph_label",
    "segment",
    "split_long",
    "split_sentences",
    "text_hash",
]
