"""OCR of scanned PDF pages with Tesseract (through pytesseract).

A page is scanned when its text layer holds almost nothing (fewer than ``MIN_LAYER_CHARS`` letters or digits)
while it holds an image: a born-digital page that is blank stays blank, a scan becomes text. Pages are
rendered with pdfium (in the caller's thread: pdfium is not thread-safe) at ``dpi`` and recognised by the
``tesseract`` program in a few threads at once (each call is its own process, limited to one OpenMP thread so
the threads do not fight over the cores). Each recognised page gives its lines and the mean confidence of its
words (0–1), which passages of that page carry as their ``ocr`` provenance.

Without Tesseract (or pytesseract) nothing is recognised: ``available()`` says why in one line, the reader
keeps the born-digital pages and names the pages it could not read.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Iterable, Iterator

MIN_LAYER_CHARS = 20
INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-fra tesseract-ocr-spa; pip install 'evimap[ocr]'"


@dataclass
class OcrPage:
    index: int  # 0-based page index
    lines: list[str]
    confidence: float  # mean word confidence, 0–1 (0 when no word was found)
    words: int


@lru_cache(maxsize=1)
def available() -> str | None:
    """None when OCR can run, else the reason in one line (with how to install it)."""
    from importlib.util import find_spec

    if find_spec("pytesseract") is None or find_spec("PIL") is None:
        return f"OCR needs pytesseract and Pillow ({INSTALL_HINT})"
    if shutil.which("tesseract") is None:
        return f"OCR needs the tesseract program ({INSTALL_HINT})"
    return None


@lru_cache(maxsize=1)
def installed_languages() -> frozenset[str]:
    try:
        out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(line.strip() for line in out.splitlines()[1:] if line.strip() and line.strip() != "osd")


def languages(wanted: str) -> str:
    """The installed part of ``wanted`` ("eng+fra+spa"), in its order; "eng" when none of it is installed."""
    have = installed_languages()
    chosen = [lang for lang in wanted.split("+") if lang in have]
    return "+".join(chosen) or "eng"


def needs_ocr(layer_text: str, has_image: bool) -> bool:
    return has_image and sum(ch.isalnum() for ch in layer_text) < MIN_LAYER_CHARS


_SPACE_RE = re.compile(r"\s+")


def recognise(image: Any, lang: str) -> tuple[list[str], float, int]:
    """Lines, mean word confidence (0–1) and word count of one page image."""
    import pytesseract

    data = pytesseract.image_to_data(image, lang=lang, output_type=pytesseract.Output.DICT, config="--psm 3")
    lines: dict[tuple[int, int, int], list[str]] = {}
    confs: list[float] = []
    for i, word in enumerate(data["text"]):
        word = _SPACE_RE.sub(" ", word or "").strip()
        conf = float(data["conf"][i])
        if not word or conf < 0:
            continue
        lines.setdefault((data["block_num"][i], data["par_num"][i], data["line_num"][i]), []).append(word)
        confs.append(conf)
    ordered = []
    last_par = None
    for key in sorted(lines):
        if last_par is not None and key[:2] != last_par:
            ordered.append("")  # a new paragraph of the page: a blank line, as in a text layer
        ordered.append(" ".join(lines[key]))
        last_par = key[:2]
    return ordered, (sum(confs) / len(confs) / 100 if confs else 0.0), len(confs)


def ocr_pages(render: Callable[[int], Any], indices: Iterable[int], lang: str, workers: int = 0,
              progress: Callable[[int, int], None] | None = None) -> Iterator[OcrPage]:
    """Recognise the pages ``indices``: ``render(index)`` gives a page image (called here, in this thread),
    Tesseract reads them in ``workers`` threads (0: one per core). At most two images per thread wait, so
    memory stays bounded on a scan of hundreds of pages. Pages come back in order."""
    todo = list(indices)
    workers = workers or max(1, os.cpu_count() or 1)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # each tesseract process on one core: the threads parallelise
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending: list[tuple[int, Future]] = []
        done = 0
        for index in todo:
            pending.append((index, pool.submit(recognise, render(index), lang)))
            while len(pending) >= 2 * workers:
                yield _finish(pending.pop(0))
                done += 1
                if progress:
                    progress(done, len(todo))
        while pending:
            yield _finish(pending.pop(0))
            done += 1
            if progress:
                progress(done, len(todo))


def _finish(item: tuple[int, Future]) -> OcrPage:
    index, fut = item
    lines, conf, words = fut.result()
    return OcrPage(index, lines, round(conf, 3), words)
