"""One file -> ProcessedDocument: sniff, read, normalise, segment, enrich. Never touches the store."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..enrich import detect_language, extract_dates, extract_symbols, fingerprints, guess_title, guess_year
from ..errors import IngestError
from ..normalise import normalise_blocks
from ..records import DocumentMeta, ProcessedDocument, RawDocument
from ..segment import segment
from ..settings import Settings
from .archive import check_zip
from .sniff import sniff


def read_document(path: Path, data: bytes, settings: Settings) -> RawDocument:
    """Choose the reader from the content and run it."""
    fmt = sniff(path, data[:65536])
    if fmt == "pdf":
        from .pdf import read_pdf

        return read_pdf(path, data)
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

    return read_text(path, data, settings.text_encodings, markdown=(fmt == "md"))


def doc_id_for(sha256: str) -> str:
    return sha256[:16]


def process_file(
    path: str | Path, settings: Settings | None = None, data: bytes | None = None, sha256: str | None = None
) -> ProcessedDocument:
    """Turn one file into passages with provenance and document metadata.

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
    try:
        raw = read_document(path, data, settings)
    except IngestError:
        raise
    except MemoryError:
        raise IngestError("out of memory while reading the file") from None
    except RecursionError:
        raise IngestError("document structure too deeply nested to read") from None
    except Exception as exc:  # a reader library failed on malformed input
        raise IngestError(f"unreadable {path.suffix.lstrip('.') or 'file'} ({type(exc).__name__}: {str(exc)[:100]})") from None

    blocks, removed = normalise_blocks(raw.blocks, paged=raw.pages is not None, min_share=settings.header_min_share)
    for key, value in raw.removed.items():
        removed[key] = removed.get(key, 0) + value
    passages, sections, text = segment(blocks, doc_id, settings.max_passage_chars)
    if not passages:
        raise IngestError("no text found in the document")
    if len(passages) > settings.max_passages:
        raise IngestError(f"{len(passages):,} passages, over the limit of {settings.max_passages:,} (max_passages)")

    dates = extract_dates(text[:20000])
    language, language_score = detect_language(
        " ".join(p.text for p in passages if p.kind not in ("heading", "table_row"))[:4000] or text
    )
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
