"""One file -> ProcessedDocument: sniff, read, normalise, segment, enrich. Never touches the store."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..enrich import (detect_language, extract_dates, extract_symbols, fingerprints, guess_title, guess_year,
                      passage_language)
from ..errors import IngestError
from ..normalise import normalise_blocks
from ..records import DocumentMeta, ProcessedDocument, RawDocument
from ..segment import segment
from ..segment.structure import drop_contents_pages
from ..settings import Settings
from .archive import check_zip
from .datafiles import AS_DOCUMENT, FileKind, recognise_before_reading, recognise_tables
from .sniff import sniff


def read_document(path: Path, data: bytes, settings: Settings, sha256: str | None = None) -> RawDocument:
    """Choose the reader from the content and run it."""
    fmt = sniff(path, data[:65536])
    if fmt == "pdf":
        from .pdf import read_pdf

        return read_pdf(path, data, settings.ocr, settings.ocr_languages, settings.ocr_dpi, settings.ocr_workers,
                        settings.ocr_cache or None, sha256)
    if fmt in ("docx", "xlsx"):
        check_zip(data, settings.max_unzipped_mb, settings.max_zip_ratio)
        if fmt == "docx":
            from .docx import read_docx

            return read_docx(path, data)
        from .tables import read_xlsx

        return read_xlsx(path, data)
    if fmt == "html":
        from .html import read_html

        return read_html(path, data, settings.text_encodings, settings.max_html_depth)
    if fmt == "csv":
        from .tables import read_csv

        return read_csv(path, data, settings.text_encodings)
    from .text import read_text

    return read_text(path, data, settings.text_encodings, markdown=(fmt == "md"), max_text_mb=settings.max_text_mb)


def _language_sample(passages, limit: int) -> str:
    """The first ``limit`` characters of the document's prose, without joining all of it first."""
    sample: list[str] = []
    size = 0
    for p in passages:
        if p.kind in ("heading", "table_row"):
            continue
        sample.append(p.text)
        size += len(p.text) + 1
        if size >= limit:
            break
    return " ".join(sample)[:limit]


def doc_id_for(sha256: str) -> str:
    return sha256[:16]


@dataclass(frozen=True)
class SkippedDataFile:
    """A file recognised as data about documents and, by the settings, not stored."""

    path: str
    size: int
    kind: FileKind


def process_file(
    path: str | Path, settings: Settings | None = None, data: bytes | None = None, sha256: str | None = None
) -> ProcessedDocument | SkippedDataFile:
    """Turn one file into passages with provenance and document metadata.

    A data file (catalogue JSON, export of records, folder note: ingest/datafiles.py) is, by
    ``settings.data_files``, skipped (a SkippedDataFile), stored as tables without passages (a
    ProcessedDocument whose ``metadata["data_kind"]`` names it), or read as a document.

    ``sha256`` is the file's digest when the caller has already computed it (the ingest loop
    hashes every file to skip unchanged ones); otherwise it is computed here.

    Raises IngestError with a one-line reason for anything that makes the file unusable.
    """
    settings = settings or Settings()
    path = Path(path)
    try:
        size = path.stat().st_size if data is None else len(data)
    except OSError as exc:
        raise IngestError(f"cannot read file ({exc.strerror or exc})") from None
    limit = settings.max_file_mb * 1024 * 1024
    if size > limit:
        raise IngestError(f"file is {size / 1048576:.1f} MB, over the {settings.max_file_mb:g} MB limit (max_file_mb)")
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise IngestError(f"cannot read file ({exc.strerror or exc})") from None
    sha = sha256 or hashlib.sha256(data).hexdigest()
    doc_id = doc_id_for(sha)
    recognised = recognise_before_reading(path, data) if settings.data_files != "passages" else None
    if recognised is not None:  # nothing of a catalogue or a note is stored as a table
        return SkippedDataFile(str(path.resolve()), size, recognised)
    try:
        raw = read_document(path, data, settings, sha)
    except IngestError:
        raise
    except MemoryError:
        raise IngestError("out of memory while reading the file") from None
    except RecursionError:
        raise IngestError("document structure too deeply nested to read") from None
    except Exception as exc:  # a reader library failed on malformed input
        raise IngestError(f"unreadable {path.suffix.lstrip('.') or 'file'} ({type(exc).__name__}: {str(exc)[:100]})") from None

    if raw.format in ("csv", "xlsx") and settings.data_files != "passages":
        kind = recognise_tables(raw.tables)
        if kind.is_data:
            if settings.data_files == "skip":
                return SkippedDataFile(str(path.resolve()), size, kind)
            return _tables_only(path, raw, kind, doc_id, sha, size, settings)

    data = None  # the bytes and the reader's blocks are not needed past this point: on a 100 MB file
    raw_blocks, raw.blocks = raw.blocks, []  # each is another 100 MB held to the end
    blocks, removed = normalise_blocks(raw_blocks, paged=raw.pages is not None, min_share=settings.header_min_share,
                                       consume=True)
    del raw_blocks
    for key, value in raw.removed.items():
        removed[key] = removed.get(key, 0) + value
    if raw.pages is not None:
        blocks, contents_lines = drop_contents_pages(blocks)
        if contents_lines:
            removed["contents_lines"] = contents_lines
    passages, sections, text = segment(blocks, doc_id, settings.max_passage_chars, removed, consume=True)
    if not passages:
        raise IngestError("no text found in the document")
    if raw.ocr_pages:  # a passage from a scanned page carries the page's OCR confidence (the lowest of its pages)
        for p in passages:
            confs = [raw.ocr_pages[n] for n in range(p.page or 0, (p.page_end or p.page or 0) + 1) if n in raw.ocr_pages]
            p.ocr = min(confs) if confs else None
    if len(passages) > settings.max_passages:
        raise IngestError(f"{len(passages):,} passages, over the limit of {settings.max_passages:,} (max_passages)")

    dates = extract_dates(text[:20000])
    language, language_score = detect_language(_language_sample(passages, 4000) or text[:4000])
    for p in passages:
        p.language = passage_language(p.text, language)
    headings = [s.title if not s.label else f"{s.label}. {s.title}" for s in sections]
    first_lines = [p.text for p in passages[:8] if len(p.text) <= 200 and p.kind != "table_row"]
    meta = DocumentMeta(
        title=guess_title(raw.title, headings, first_lines, path.name),
        language=language,
        language_score=language_score,
        symbols=extract_symbols(text),
        dates=dates,
        year=guess_year(raw.date, path.stem, dates),
    )
    attribution = None
    if settings.attribute:
        from ..attribute import attribute_document
        from ..attribute.tables import structure_table

        attribution = attribute_document(path.name, passages, text)
        for t in raw.tables:
            t.structure = structure_table(t.rows)
    metadata = dict(raw.metadata)
    if raw.date:
        metadata["date"] = raw.date
    if raw.ocr_pages:
        metadata["ocr_pages"] = len(raw.ocr_pages)
    mixed = Counter(p.language for p in passages if p.language)
    if len(mixed) > 1:  # a report in several languages: how many passages of each
        metadata["passage_languages"] = dict(mixed.most_common())
    return ProcessedDocument(
        doc_id=doc_id,
        path=str(path.resolve()),
        name=path.name,
        sha256=sha,
        size=size,
        format=raw.format,
        pages=raw.pages,
        text=text,
        passages=passages,
        sections=sections,
        tables=raw.tables,
        meta=meta,
        removed=removed,
        warnings=raw.warnings,
        fingerprints=fingerprints(text),
        metadata=metadata,
        attribution=attribution,
    )


def _tables_only(path: Path, raw: RawDocument, kind: FileKind, doc_id: str, sha: str, size: int,
                 settings: Settings) -> ProcessedDocument:
    """An export of records stored as its tables, with no passages: searchable and mappable it is not,
    ``evimap tables`` lists it."""
    if settings.attribute:
        from ..attribute.tables import structure_table

        for t in raw.tables:
            t.structure = structure_table(t.rows)
    title = guess_title(raw.title, [], [], path.name)
    return ProcessedDocument(
        doc_id=doc_id, path=str(path.resolve()), name=path.name, sha256=sha, size=size, format=raw.format,
        pages=None, text="", passages=[], sections=[], tables=raw.tables,
        meta=DocumentMeta(title=title, language=None, language_score=None, symbols=[], dates=[],
                          year=guess_year(raw.date, path.stem, [])),
        removed={}, warnings=raw.warnings, fingerprints=b"",
        metadata={**raw.metadata, "data_kind": kind.kind, "data_why": kind.why},
    )


def recognise_file(path: Path, settings: Settings | None = None) -> FileKind:
    """What ``process_file`` would take ``path`` for: a document, or data (records, catalogue, notes).

    With ``data_files: passages`` everything is a document. A file that cannot be read is called a
    document here; reading it is where its failure is reported."""
    settings = settings or Settings()
    if settings.data_files == "passages":
        return AS_DOCUMENT
    try:
        data = path.read_bytes()
        early = recognise_before_reading(path, data)
        if early is not None:
            return early
        if sniff(path, data[:65536]) in ("csv", "xlsx"):
            return recognise_tables(read_document(path, data, settings).tables)
    except Exception:  # noqa: BLE001 - ingest itself reports why the file cannot be read
        return AS_DOCUMENT
    return AS_DOCUMENT
