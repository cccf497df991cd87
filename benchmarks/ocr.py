"""OCR of scanned pages: word accuracy against the born-digital text layer, speed, and the mapping of the page.

Pages of the IOM evaluation PDFs (English, and the two French documents) are rendered to images at 300 dpi,
given a little noise and a skew of 0.3–1.2 degrees (as a scanner would), put back into a PDF as images, and
read by evimap's PDF reader with OCR (``read_pdf``, one Tesseract thread: pages per second per core). The
reference is the same page's own text layer as evimap reads it.

- word accuracy: the share of the reference's words found in the OCR text (as a multiset: blind to reading
  order, which differs where a page has columns or boxes), words lower-cased, letters and digits only; and the
  order-sensitive 1 − (word-level edit distance / reference words) beside it;
- speed: scanned pages per second with ``ocr_workers=1`` (the OCR of one core; rendering included);
- mapping: the GCM objectives given to the page's text from OCR and from the text layer (Jaccard, pages with a
  label on either side).

    python benchmarks/ocr.py [--pages 12] [--languages eng+fra+spa] [--dpi 300] [--ocr-dpi 200] [--no-write]
"""

from __future__ import annotations

import argparse
import io
import platform
import random
import re
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"
ENGLISH = ["aap-evaluation-report.pdf", "hoa-joint-initiative-final-evaluation.pdf", "rdh-asia-pacific-case-study.pdf",
           "return-reintegration-case-management-review.pdf", "meta-evaluation-2020-2024-report.pdf"]
FRENCH = ["cs1137-inception-report-fr.pdf", "cs1137-evaluation-brief-fr.pdf"]


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def word_accuracy(ref: list[str], hyp: list[str]) -> float:
    """1 − Levenshtein distance over words / len(ref)."""
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h))
        prev = cur
    return 1 - prev[-1] / max(1, len(ref))


def bag_accuracy(ref: list[str], hyp: list[str]) -> float:
    """The share of the reference's words (as a multiset) that the OCR text holds: blind to reading order, which
    differs between a text layer and a recognised page where a page has columns, boxes or captions."""
    from collections import Counter

    r, h = Counter(ref), Counter(hyp)
    return sum(min(n, h[w]) for w, n in r.items()) / max(1, sum(r.values()))


def scanned_copy(pdf_bytes: bytes, index: int, dpi: int, rng: random.Random) -> bytes:
    """One page as a scanner gives it back: an image at ``dpi``, slightly rotated, with speckle noise."""
    import numpy as np
    import pypdfium2 as pdfium
    from fpdf import FPDF
    from PIL import Image

    src = pdfium.PdfDocument(pdf_bytes)
    page = src[index]
    w, h = page.get_size()
    image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    image = image.rotate(rng.uniform(0.3, 1.2) * rng.choice((-1, 1)), resample=Image.BILINEAR, fillcolor=255)
    pixels = np.asarray(image, dtype=np.int16)
    noise = np.random.default_rng(rng.randrange(1 << 30)).normal(0, 12, pixels.shape)
    image = Image.fromarray(np.clip(pixels + noise, 0, 255).astype(np.uint8))
    out = FPDF(unit="pt")
    out.add_page(format=(w, h))
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    out.image(buf, x=0, y=0, w=w, h=h)
    return bytes(out.output())


def layer_text(pdf_bytes: bytes, index: int) -> str:
    import pypdfium2 as pdfium

    from evimap.ingest.pdf import page_text

    page = pdfium.PdfDocument(pdf_bytes)[index]
    return page_text(page.get_textpage())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=12, help="pages per language")
    ap.add_argument("--languages", default="eng+fra+spa")
    ap.add_argument("--dpi", type=int, default=300, help="resolution of the scanned images")
    ap.add_argument("--ocr-dpi", type=int, default=200, help="resolution evimap renders a scanned page at for OCR")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    from evimap.ingest import ocr
    from evimap.ingest.pdf import read_pdf
    from evimap.map import classify

    if ocr.available():
        sys.exit(ocr.available())
    rng = random.Random("ocr-benchmark")
    rows = []
    for lang, names in (("English", ENGLISH), ("French", FRENCH)):
        candidates = []
        for name in names:
            data = (SHARED / "corpus" / "iom-evaluations" / name).read_bytes()
            import pypdfium2 as pdfium

            n = len(pdfium.PdfDocument(data))
            for i in range(n):
                text = layer_text(data, i)
                if len(words(text)) >= 150:  # a page of prose, not a cover or a chart
                    candidates.append((name, data, i, text))
        for name, data, i, text in rng.sample(candidates, min(args.pages, len(candidates))):
            scan = scanned_copy(data, i, args.dpi, rng)
            t0 = time.perf_counter()
            raw = read_pdf(Path(name), scan, "auto", args.languages, args.ocr_dpi, 1)
            seconds = time.perf_counter() - t0
            got = " ".join(b.text for b in raw.blocks)
            acc = bag_accuracy(words(text), words(got))
            ordered = word_accuracy(words(text), words(got))
            labels = [{lab["code"] for lab in r["labels"] if lab.get("assigned", True)} for r in classify([{"id": "layer", "text": text}, {"id": "ocr", "text": got}], "gcm")]
            union = labels[0] | labels[1]
            rows.append((lang, name, i + 1, acc, seconds, raw.ocr_pages.get(1, 0.0),
                         len(labels[0] & labels[1]) / len(union) if union else None, ordered))
            print(f"{lang:8} {name[:40]:40} p.{i + 1:<4} accuracy {acc:.3f} (in order {ordered:.3f})  {seconds:.1f} s  "
                  f"confidence {raw.ocr_pages.get(1, 0.0):.2f}", flush=True)
    lines = [f"OCR of rendered pages ({args.dpi} dpi → image with skew and noise → PDF; `read_pdf` at {args.ocr_dpi} dpi "
             f"with Tesseract {args.languages}, one thread; machine {platform.machine()}, Python {platform.python_version()}):", "",
             "| language | pages | word accuracy (mean) | worst page | in reading order (mean) | pages/s per core | mean confidence | GCM labels, Jaccard (pages with labels) |",
             "|---|---|---|---|---|---|---|---|"]
    for lang in ("English", "French"):
        sel = [r for r in rows if r[0] == lang]
        if not sel:
            continue
        jac = [r[6] for r in sel if r[6] is not None]
        lines.append(f"| {lang} | {len(sel)} | {sum(r[3] for r in sel) / len(sel):.3f} | {min(r[3] for r in sel):.3f} | "
                     f"{sum(r[7] for r in sel) / len(sel):.3f} | "
                     f"{len(sel) / sum(r[4] for r in sel):.2f} | {sum(r[5] for r in sel) / len(sel):.2f} | "
                     f"{(sum(jac) / len(jac)) if jac else float('nan'):.3f} ({len(jac)}) |")
    print("\n".join(lines))
    if not args.no_write:
        sys.path.insert(0, str(HERE))
        from mapping import publish

        publish("## ocr.py — " + __import__("datetime").date.today().isoformat() + "\n\n" + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
