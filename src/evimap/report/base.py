"""What every report shares: provenance (store, frameworks, thresholds, evimap version) and output.

A report object renders itself (``to_markdown``, ``to_html``, ``to_json``, ``to_docx``, ``to_xlsx``,
``to_dataframe`` where it makes sense); ``write(path_or_None, format)`` is what the CLI calls: text
formats go to standard output when no path is given, binary formats need a path.
"""

from __future__ import annotations

import html
import json
import re
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import EvimapError

TEXT_FORMATS = {"md", "html", "json", "csv", "eppi"}
BINARY_FORMATS = {"xlsx", "docx", "png", "svg"}


@dataclass
class Provenance:
    store: str
    frameworks: list[dict[str, Any]]
    options: dict[str, Any] = field(default_factory=dict)
    evimap_version: str = __version__
    created: str = field(default_factory=lambda: datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))

    def to_dict(self) -> dict[str, Any]:
        return {"store": self.store, "frameworks": self.frameworks, "options": self.options,
                "evimap_version": self.evimap_version, "created": self.created}

    def line(self) -> str:
        fws = "; ".join(f"{f['id']} (threshold {f['threshold']}, fingerprint {f['fingerprint']})" for f in self.frameworks)
        opts = ", ".join(f"{k}={v}" for k, v in self.options.items() if v not in (None, "", [], False))
        return (f"Made with evimap {self.evimap_version} on {self.created} from store {self.store}; "
                f"frameworks: {fws}" + (f"; options: {opts}" if opts else "") + ".")


def frameworks_of(corpus: Any, refs: str | list[str]) -> list[Any]:
    """Frameworks as ``corpus`` knows them (built-ins, files, codebooks kept with its store); a stand-in without
    ``frameworks`` (tests, other callers) gets built-ins and files."""
    if hasattr(corpus, "frameworks"):
        return corpus.frameworks(refs)
    from ..map import load_frameworks

    return load_frameworks(refs)


def framework_info(fw: Any, model: str = "static") -> dict[str, Any]:
    from ..map import fingerprint

    return {"id": fw.id, "name": fw.name, "version": fw.version, "threshold": fw.for_model(model).threshold,
            "fingerprint": fingerprint(fw, model)}


class Report:
    kind = "report"
    formats: tuple[str, ...] = ("md", "html", "json")
    provenance: Provenance

    def to_dict(self) -> dict[str, Any]:
        raise NotImplementedError

    def to_json(self) -> str:
        return json.dumps({"report": self.kind, "provenance": self.provenance.to_dict(), **self.to_dict()},
                          ensure_ascii=False, indent=2, default=str)

    def to_markdown(self) -> str:
        raise NotImplementedError

    def to_html(self) -> str:
        raise NotImplementedError

    def render(self, fmt: str) -> str:
        """A text format (md, html, json, csv, eppi) as a string."""
        if fmt not in self.formats or fmt in BINARY_FORMATS:
            raise EvimapError(f"{self.kind} report has no text format {fmt!r} (choose from: {', '.join(self.formats)})")
        return getattr(self, "to_markdown" if fmt == "md" else f"to_{fmt}")()

    def to_bytes(self, fmt: str) -> bytes:
        """Any of the report's formats as bytes (binary ones are written to a temporary file and read back)."""
        if fmt not in self.formats:
            raise EvimapError(f"{self.kind} report has no {fmt!r} format (choose from: {', '.join(self.formats)})")
        if fmt not in BINARY_FORMATS:
            return self.render(fmt).encode("utf-8")
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"report.{fmt}"
            getattr(self, f"to_{fmt}")(path)
            return path.read_bytes()

    def write(self, path: str | Path | None, fmt: str) -> None:
        if fmt not in self.formats:
            raise EvimapError(f"{self.kind} report has no {fmt!r} format (choose from: {', '.join(self.formats)})")
        if fmt in BINARY_FORMATS:
            if path is None:
                raise EvimapError(f"--format {fmt} is binary: give --output FILE")
            getattr(self, f"to_{fmt}")(Path(path))
            return
        text = self.render(fmt)
        if path is None:
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
        else:
            Path(path).write_text(text, encoding="utf-8")


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(s: Any) -> Any:
    """Strings without the characters XML (XLSX, DOCX) cannot hold — e.g. U+FFFE left by PDF extraction."""
    return _XML_BAD.sub("", s) if isinstance(s, str) else s


def require_mapped(store: Any, framework: str) -> None:
    if not store.has_labels(framework):
        raise EvimapError(f"no passages are mapped to {framework!r} yet: run `evimap map --framework {framework}` first")


def esc(s: Any) -> str:
    return html.escape("" if s is None else str(s))


def counted(n: int, noun: str) -> str:
    """``n`` and ``noun``, the noun in the plural unless n is 1: *1 passage*, *3 passages*, *1,204 documents*."""
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def md_cell(s: Any) -> str:
    return ("" if s is None else str(s)).replace("|", "\\|").replace("\n", " ")


HTML_HEAD = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;line-height:1.45}}
table{{border-collapse:collapse;font-size:.85rem}}th,td{{border:1px solid #bbb;padding:.2rem .4rem;text-align:right}}
th:first-child,td:first-child{{text-align:left}}blockquote{{border-left:4px solid #4a6fa5;margin:.6rem 0;padding:.2rem .8rem;
background:#f4f6fa}}.cite{{color:#555;font-size:.85rem}}.prov{{color:#666;font-size:.8rem;border-top:1px solid #ccc;
margin-top:2rem;padding-top:.5rem}}</style></head><body>
"""


def citation(p: dict[str, Any]) -> str:
    """"Title (file), p. 3, § III.B, para. 12" from a passage row."""
    title = p.get("title") or p.get("document")
    parts = [f"{title} ({p['document']})" if title and title != p.get("document") else str(p.get("document"))]
    if p.get("page"):
        parts.append(f"p. {p['page']}")
    if p.get("section"):
        parts.append(f"§ {p['section']}")
    parts.append(f"para. {p['paragraph']}" if p.get("paragraph") else f"passage {p.get('seq')}")
    return ", ".join(parts)
