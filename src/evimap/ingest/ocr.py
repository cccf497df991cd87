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


# A text layer is garbled when at least GARBLED_MIN_WORDS of its words have three letters or more and fewer than
# GARBLED_SHARE of them are words of the seven languages evimap reads (the multilingual model's vocabulary): a broken
# font encoding ("Wkh hydoxdwlrq whdp") or a bad OCR layer left by a scanner. A page in another language is not
# called garbled when the language identifier names that language confidently.
GARBLED_MIN_WORDS = 30
GARBLED_SHARE = 0.35
_LETTERS_RE = re.compile(r"[^\W\d_]{3,}")


def known_share(text: str) -> tuple[float, int]:
    """Share of the words (three letters or more) of ``text`` that the vocabulary knows, and how many words."""
    from ..map.multilingual import vocabulary

    words = _LETTERS_RE.findall(text.lower())
    if not words:
        return 0.0, 0
    vocab = vocabulary()
    return sum(w in vocab for w in words) / len(words), len(words)


def garbled(layer_text: str) -> float | None:
    """The share of known words when the page's text layer looks garbled, else None."""
    share, n = known_share(layer_text)
    if n < GARBLED_MIN_WORDS or share >= GARBLED_SHARE:
        return None
    from ..enrich.metadata import detect_language
    from ..map.multilingual import LANGUAGES

    lang, prob = detect_language(layer_text)
    if lang and len(lang) == 2 and lang not in LANGUAGES and (prob or 0) >= 0.9:  # ("zxx": no language)
        return None  # a language the vocabulary does not cover, confidently identified
    return share


class PageCache:
    """Recognised pages kept on disk (one small JSON file a page, keyed by the file's SHA-256, the page, the
    languages and the resolution), so that an interrupted OCR of a long scan resumes where it stopped."""

    def __init__(self, folder: str | os.PathLike | None, sha256: str, lang: str, dpi: int):
        from pathlib import Path

        self.folder = Path(folder) if folder else None
        self.key = f"{sha256[:32]}-{lang}-{dpi}"

    def _file(self, index: int):
        return self.folder / f"{self.key}-{index}.json"

    def get(self, index: int) -> OcrPage | None:
        if self.folder is None:
            return None
        import json

        try:
            d = json.loads(self._file(index).read_text(encoding="utf-8"))
            return OcrPage(index, list(d["lines"]), float(d["confidence"]), int(d["words"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, page: OcrPage) -> None:
        if self.folder is None:
            return
        import json

        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = self._file(page.index).with_suffix(f".tmp{os.getpid()}")
            tmp.write_text(json.dumps({"lines": page.lines, "confidence": page.confidence, "words": page.words}),
                           encoding="utf-8")
            os.replace(tmp, self._file(page.index))
        except OSError:
            pass  # a cache that cannot be written only costs a rerun its time


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
              progress: Callable[[int, int], None] | None = None, cache: PageCache | None = None) -> Iterator[OcrPage]:
    """Recognise the pages ``indices``: ``render(index)`` gives a page image (called here, in this thread),
    Tesseract reads them in ``workers`` threads (0: one per core). At most two images per thread wait, so
    memory stays bounded on a scan of hundreds of pages. Pages come back in order; with a ``cache``, pages it
    holds are not recognised again and each recognised page is kept in it as soon as it is read."""
    todo = list(indices)
    workers = workers or max(1, os.cpu_count() or 1)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # each tesseract process on one core: the threads parallelise
    done = 0

    def finished(item: tuple[int, Future | OcrPage]) -> OcrPage:
        nonlocal done
        page = item[1] if isinstance(item[1], OcrPage) else _finish(item)
        if cache is not None and not isinstance(item[1], OcrPage):
            cache.put(page)
        done += 1
        if progress:
            progress(done, len(todo))
        return page

    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending: list[tuple[int, Future | OcrPage]] = []
        for index in todo:
            kept = cache.get(index) if cache is not None else None
            pending.append((index, kept if kept is not None else pool.submit(recognise, render(index), lang)))
            while len(pending) >= 2 * workers:
                yield finished(pending.pop(0))
        while pending:
            yield finished(pending.pop(0))


def _finish(item: tuple[int, Future]) -> OcrPage:
    index, fut = item
    lines, conf, words = fut.result()
    return OcrPage(index, lines, round(conf, 3), words)
