"""Words in evimap's PDF text against pdftotext's, page by page, on the IOM evaluations.

Run: apt-get install poppler-utils && python benchmarks/pdf_text.py [--before REV] [--show N] [FILES…]

For every page, both texts are cut into tokens at whitespace, with punctuation and symbols stripped from
each token's ends (so "data.The" stays one token, "(data)," becomes "data"). Ligatures and compatibility
characters are folded (NFKC) on both sides. Then, on the same page:

* a **glued** token is an evimap token that pdftotext never writes on that page but that equals two or
  three consecutive pdftotext tokens written together ("Thissystem" = "This" + "system",
  "withHQstaff" = "with" + "HQ" + "staff");
* a **split** token is the reverse: a pdftotext token that evimap never writes on that page but that
  equals two or three consecutive evimap tokens written together.

evimap's text is what the store keeps: the PDF reader's lines after normalise_blocks (repairs, running
headers and footers removed, line-end hyphenation joined). The glued rate is glued tokens (every
occurrence) over pdftotext's tokens. "Before" is the PDF reader at git revision --before (default HEAD),
"after" the working tree. Both are timed in the same run, best of --repeat: read_pdf alone, and a whole ingest
of the files into a new store in this process (--no-ingest skips it); wall and CPU seconds.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from pathlib import Path

from evimap.ingest import pdf as current_reader
from evimap.normalise.layout import normalise_blocks

HERE = Path(__file__).resolve().parent
IOM = HERE.parent.parent / "shared" / "corpus" / "iom-evaluations"
MAX_PARTS = 3


def reader_at(revision: str):
    """The read_pdf of ingest/pdf.py as it was at a git revision, loaded beside the current one."""
    source = subprocess.run(["git", "show", f"{revision}:src/evimap/ingest/pdf.py"], cwd=HERE.parent,
                            check=True, capture_output=True, text=True).stdout
    spec = importlib.util.spec_from_loader("evimap.ingest._pdf_at_revision", loader=None)
    module = importlib.util.module_from_spec(spec)
    module.__package__ = "evimap.ingest"
    exec(compile(source, f"{revision}:ingest/pdf.py", "exec"), module.__dict__)
    return module.read_pdf


def _strip(token: str) -> str:
    start, end = 0, len(token)
    while start < end and unicodedata.category(token[start])[0] in "PSZC":
        start += 1
    while end > start and unicodedata.category(token[end - 1])[0] in "PSZC":
        end -= 1
    return token[start:end]


def tokens(text: str) -> list[str]:
    """Raw whitespace tokens of the folded text (folded: NFKC, pdfium's soft-hyphen markers dropped)."""
    text = unicodedata.normalize("NFKC", text.replace("\ufffe", "").replace("\x02", "").replace("\u00ad", ""))
    return text.split()


def _is_word(token: str) -> bool:
    return sum(ch.isalpha() for ch in token) >= 2


def joined_runs(raw: list[str], words_only: bool) -> set[str]:
    """Runs of 2..MAX_PARTS consecutive tokens written together. With words_only, only runs in which at
    least two tokens hold a letter: "This"+"system", not "Netherlands"+"4" (a footnote number) or
    "Efficiency"+"....24" (a dot leader), which are joins of another kind."""
    runs: set[str] = set()
    for i in range(len(raw)):
        for n in range(2, MAX_PARTS + 1):
            parts = raw[i:i + n]
            if len(parts) == n and (not words_only or sum(any(ch.isalpha() for ch in p) for p in parts) >= 2):
                runs.add(_strip("".join(parts)))
    return runs


def mismatches(ours: list[str], theirs: list[str], words_only: bool = True) -> list[str]:
    """Tokens of `ours` absent from `theirs` that equal consecutive tokens of `theirs` written together."""
    their_words = {_strip(t) for t in theirs}
    runs = joined_runs(theirs, words_only)
    found = []
    for raw in ours:
        token = _strip(raw)
        if _is_word(token) and token not in their_words and token in runs:
            found.append(token)
    return found


def pdftotext_pages(path: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True).stdout
    return out.decode("utf-8").split("\f")


def evimap_pages(read_pdf, path: Path) -> tuple[dict[int, str], float, float]:
    data = path.read_bytes()
    started, cpu_started = time.perf_counter(), time.process_time()
    raw = read_pdf(path, data)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    blocks, _ = normalise_blocks(raw.blocks, paged=True)
    pages: dict[int, list[str]] = {}
    for block in blocks:
        pages.setdefault(block.page, []).append(block.text)
    return {page: "\n".join(lines) for page, lines in pages.items()}, seconds, cpu


def compare(read_pdf, path: Path, reference: list[str]) -> dict:
    pages, seconds, cpu = evimap_pages(read_pdf, path)
    words, glued, split, other = 0, Counter(), Counter(), 0
    for number, their_text in enumerate(reference, start=1):
        theirs = tokens(their_text)
        words += sum(_is_word(_strip(t)) for t in theirs)
        ours = tokens(pages.get(number, ""))
        glued.update((number, t) for t in mismatches(ours, theirs))
        split.update((number, t) for t in mismatches(theirs, ours))
        other += len(mismatches(ours, theirs, words_only=False))
    return {"words": words, "glued": glued, "split": split, "other": other - sum(glued.values()), "seconds": seconds,
            "cpu": cpu, "pages": len(reference) - 1}


def ingest_seconds(read_pdf, files: list[Path]) -> tuple[float, float]:
    """Wall and CPU seconds of ingesting the files into a new store in this process, with `read_pdf`
    as the PDF reader."""
    import evimap

    saved = current_reader.read_pdf
    current_reader.read_pdf = read_pdf  # the pipeline imports the reader when it reads a PDF
    try:
        with tempfile.TemporaryDirectory() as folder:
            corpus = evimap.open(Path(folder) / "bench.db")
            started, cpu_started = time.perf_counter(), time.process_time()
            report = corpus.ingest(files, workers=1)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
            corpus.close()
            assert not report.failed, report.failed
    finally:
        current_reader.read_pdf = saved
    return seconds, cpu


def _long_distinct(found: Counter, letters: int = 7) -> int:
    return len({t for _, t in found if sum(ch.isalpha() for ch in t) >= letters})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--before", default="HEAD", help="git revision of the reader to compare with")
    parser.add_argument("--repeat", type=int, default=2, help="read each file this many times; keep the best time")
    parser.add_argument("--no-ingest", action="store_true", help="skip timing a whole ingest with each reader")
    parser.add_argument("--show", type=int, default=0, help="print up to N glued and N split tokens per document")
    args = parser.parse_args()
    files = args.files or sorted(IOM.glob("*.pdf"))
    readers = {"before": reader_at(args.before), "after": current_reader.read_pdf}
    totals = {name: {"words": 0, "glued": 0, "split": 0, "other": 0, "seconds": 0.0, "cpu": 0.0, "long": 0}
              for name in readers}
    new_splits: list[tuple[str, int, str]] = []
    pages = 0
    print(f"{'document':52} {'words':>7} | {'glued before':>12} {'after':>6} | {'split before':>12} {'after':>6}"
          f" | {'read s before':>13} {'after':>6}")
    for path in files:
        reference = pdftotext_pages(path)
        results = {}
        for name, read_pdf in readers.items():
            runs = [compare(read_pdf, path, reference) for _ in range(args.repeat)]
            results[name] = runs[0] | {key: min(r[key] for r in runs) for key in ("seconds", "cpu")}
            for key in ("glued", "split"):
                totals[name][key] += sum(results[name][key].values())
            totals[name]["words"] += results[name]["words"]
            totals[name]["other"] += results[name]["other"]
            totals[name]["seconds"] += results[name]["seconds"]
            totals[name]["cpu"] += results[name]["cpu"]
        pages += results["after"]["pages"]
        before, after = results["before"], results["after"]
        new = after["split"] - before["split"]
        new_splits += [(path.name, page, token) for (page, token), n in new.items() for _ in range(n)]
        print(f"{path.name[:52]:52} {after['words']:>7} | {sum(before['glued'].values()):>12}"
              f" {sum(after['glued'].values()):>6} | {sum(before['split'].values()):>12}"
              f" {sum(after['split'].values()):>6} | {before['seconds']:>13.2f} {after['seconds']:>6.2f}")
        for name in readers:
            totals[name]["long"] += _long_distinct(results[name]["glued"])
        if args.show:
            for name in readers:
                for label in ("glued", "split"):
                    shown = [f"p{p} {t}" for (p, t) in sorted(results[name][label])[: args.show]]
                    if shown:
                        print(f"    {name} {label}: " + ", ".join(shown))
    words = totals["after"]["words"]
    print()
    for name in readers:
        t = totals[name]
        print(f"{name:6}: glued {t['glued']:,} of {words:,} words = {100 * t['glued'] / words:.3f}%"
              f" ({t['long']} distinct glued tokens of 7+ letters, counted per document);"
              f" split {t['split']:,}; joins to numbers or dot leaders {t['other']:,}")
    for name in readers:
        t = totals[name]
        print(f"{name:6}: reading {len(files)} PDFs, {pages} pages (read_pdf, 1 process, best of {args.repeat}):"
              f" {t['seconds']:.2f} s wall, {t['cpu']:.2f} s CPU = {1000 * t['cpu'] / pages:.1f} ms CPU per page")
    if not args.no_ingest:
        for name, read_pdf in readers.items():
            seconds, cpu = min(ingest_seconds(read_pdf, files) for _ in range(args.repeat))
            print(f"{name:6}: whole ingest of the {len(files)} PDFs (1 process, best of {args.repeat}):"
                  f" {seconds:.2f} s wall, {cpu:.2f} s CPU")
    print(f"new split tokens (split after, not before): {len(new_splits)}")
    for name, page, token in new_splits:
        print(f"    {name} p{page} {token}")


if __name__ == "__main__":
    sys.exit(main())
