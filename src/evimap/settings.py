"""Ingest settings: plain data, validated, loadable from a YAML file."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from .errors import EvimapError


DATA_FILE_MODES = ("tables", "skip", "passages")


@dataclass
class Settings:
    max_file_mb: float = 100.0
    # Refuse a text file whose decoded text takes more memory than this: Python holds a character in 1, 2
    # or 4 bytes (Latin-1, the rest of the Basic Multilingual Plane, beyond it: emoji), so 100 MB of text
    # with an emoji in every sentence is some 380 MB in memory, and ingesting it peaked at 1.3 GB.
    max_text_mb: float = 256.0
    # Refuse archives (DOCX/XLSX) that expand to more than this, or with a suspicious ratio.
    max_unzipped_mb: float = 500.0
    max_zip_ratio: float = 200.0
    max_passages: int = 200_000
    # Long paragraphs are split on sentence boundaries into parts of at most this many characters.
    max_passage_chars: int = 1500
    # Encodings tried in order for text files; the first that decodes strictly wins.
    text_encodings: list[str] = field(default_factory=lambda: ["utf-8"])
    # Header/footer lines must repeat on at least this share of pages (and >= 3 pages) to be removed.
    header_min_share: float = 0.3
    max_html_depth: int = 400
    exclude: list[str] = field(default_factory=list)  # glob patterns of paths to skip
    # Glob patterns of the only files to read (none: every file); matched like ``exclude``.
    include: list[str] = field(default_factory=list)
    # Files about the documents rather than documents (catalogue JSON, exports of records, README/SOURCE
    # notes; ingest/datafiles.py): "tables" stores exports of records as tables without passages and skips
    # the rest, "skip" skips them all, "passages" reads them as documents like any other file.
    data_files: str = "tables"
    workers: int = 0  # 0 = one per core
    # Where ingest and map run their workers: "local" processes, "dask" (a Dask LocalCluster), or the address of a
    # running Dask scheduler ("tcp://host:8786"; its workers must see the files at the same paths). pipeline/.
    executor: str = "local"
    # Attribute passages while ingesting: countries, organisations, speakers, figures, events.
    attribute: bool = True
    # Scanned PDF pages (no text layer, an image): "auto" recognises them with Tesseract when it is installed
    # (ingest/ocr.py), "off" leaves them out. Languages as Tesseract names them, joined by "+" (those not
    # installed are left out); resolution of the rendered page; threads per document (0: one per core).
    ocr: str = "auto"
    ocr_languages: str = "eng+fra+spa"
    ocr_dpi: int = 200
    ocr_workers: int = 0
    # Folder where recognised pages are kept, so an interrupted OCR of a long scan resumes where it stopped; ""
    # lets Corpus.ingest use STORE.ocr/ beside the store (derived data: deleting it costs a rerun its time).
    ocr_cache: str = ""

    def __post_init__(self) -> None:
        problems = []
        for name in ("max_file_mb", "max_text_mb", "max_unzipped_mb", "max_zip_ratio"):
            if not isinstance(getattr(self, name), (int, float)) or getattr(self, name) <= 0:
                problems.append(f"{name} must be a positive number")
        for name in ("max_passages", "max_passage_chars", "max_html_depth"):
            if not isinstance(getattr(self, name), int) or getattr(self, name) <= 0:
                problems.append(f"{name} must be a positive integer")
        if self.max_passage_chars < 200:
            problems.append("max_passage_chars must be at least 200")
        if not isinstance(self.attribute, bool):
            problems.append("attribute must be true or false")
        if not isinstance(self.workers, int) or self.workers < 0:
            problems.append("workers must be 0 (auto) or a positive integer")
        if self.ocr not in ("auto", "off"):
            problems.append(f"ocr must be auto or off, not {self.ocr!r}")
        if not isinstance(self.ocr_languages, str) or not re.fullmatch(r"[a-z_]+(?:\+[a-z_]+)*", self.ocr_languages):
            problems.append("ocr_languages must be Tesseract language names joined by '+', e.g. eng+fra")
        if not isinstance(self.ocr_dpi, int) or not 72 <= self.ocr_dpi <= 600:
            problems.append("ocr_dpi must be an integer from 72 to 600")
        if not isinstance(self.executor, str) or not (self.executor in ("local", "dask")
                                                       or re.match(r"^(tcp|tls|ucx)://\S+$", self.executor)):
            problems.append("executor must be local, dask, or a Dask scheduler address such as tcp://host:8786")
        if not isinstance(self.ocr_cache, str):
            problems.append("ocr_cache must be a folder path (text), or empty")
        if not isinstance(self.ocr_workers, int) or self.ocr_workers < 0:
            problems.append("ocr_workers must be 0 (auto) or a positive integer")
        if self.data_files not in DATA_FILE_MODES:
            problems.append(f"data_files must be one of {', '.join(DATA_FILE_MODES)}, not {self.data_files!r}")
        for name in ("exclude", "include"):
            if not isinstance(getattr(self, name), list) or not all(isinstance(g, str) for g in getattr(self, name)):
                problems.append(f"{name} must be a list of glob patterns")
        if not 0 < self.header_min_share <= 1:
            problems.append("header_min_share must be in (0, 1]")
        for enc in self.text_encodings:
            try:
                "".encode(enc)
            except LookupError:
                problems.append(f"unknown text encoding {enc!r}")
        if problems:
            raise EvimapError("invalid settings: " + "; ".join(problems))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Settings":
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise EvimapError(f"invalid settings: unknown key(s) {', '.join(unknown)}")
        return cls(**data)

    @classmethod
    def from_yaml(cls, path: str | Path) -> "Settings":
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise EvimapError(f"{path}: cannot read settings: {exc}") from None
        if not isinstance(data, dict):
            raise EvimapError(f"{path}: settings must be a mapping of key: value")
        return cls.from_dict(data)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
