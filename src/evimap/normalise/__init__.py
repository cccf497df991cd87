"""Repairs for text broken by PDF/web conversions. Each repair is a separate, tested function."""

from .repairs import (
    detach_footnote_markers,
    fix_encoding,
    fix_letter_spacing,
    normalise_whitespace,
    repair_text,
)
from .layout import dehyphenate_lines, strip_page_furniture, strip_web_chrome, normalise_blocks

__all__ = [
    "dehyphenate_lines",
    "detach_footnote_markers",
    "fix_encoding",
    "fix_letter_spacing",
    "normalise_blocks",
    "normalise_whitespace",
    "repair_text",
    "strip_page_furniture",
    "strip_web_chrome",
]
