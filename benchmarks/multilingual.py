"""Mapping and search across languages: does a French, Spanish or Portuguese paragraph get the labels of its English
counterpart, and does an English query find it?

    python benchmarks/multilingual.py [--no-write]

1. Cross-lingual agreement of the labels. Parallel texts, each mapped alone by evimap as a user's passage would be
   (``Mapper.score``: English text by the English model, the others routed to the multilingual model):
   - the Los Angeles Declaration on Migration and Protection in English, French, Spanish and Portuguese
     (../shared/corpus/la-declaration/), paragraphs aligned by position (the four versions have the same paragraph
     structure), the 18 English paragraphs of 120 characters or more and their counterparts: GCM objectives and
     SDG goals;
   - the official SDG goal, target and indicator texts in the six UN languages
     (../shared/frameworks/sdg-translations/), only the half ``sdg_translation_split`` calls test (the other half
     trained the multilingual SDG classifier and chose its vocabulary): SDG goals.
   Jaccard of the label sets of each pair (two empty sets agree: 1), averaged per language; also the average over
   the pairs where either side has a label, and each side's labels against the blind annotation of the English
   declaration (benchmarks/data/la-declaration-gcm.jsonl: GCM objectives, two annotators).
2. Cross-lingual retrieval. A store of the whole Los Angeles Declaration folder (12 files, four languages); English
   queries written from the 23 GCM objective titles; for each query and language, the relevant paragraphs are the
   counterparts of the English paragraphs the annotators gave that objective; recall@10 of a semantic and a hybrid
   search filtered to that language (and, for reference, of the same searches on the English text).
Nothing here is fitted: the multilingual model and its settings come from scripts/distill_multilingual.py and
scripts/train_multilingual.py, which never read the Los Angeles Declaration folder nor the test half.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import shutil
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
SHARED = ROOT.parent / "shared"
LA = SHARED / "corpus" / "la-declaration"
VERSIONS = {"en": "2022-06-10-los-angeles-declaration-on-migration-and-protection.md",
            "fr": "2022-06-10-declaration-de-los-angeles-sur-les-migrations-et-la-protection.md",
            "es": "2022-06-10-declaracion-sobre-migracion-y-proteccion-de-los-angeles.md",
            "pt": "2022-06-10-declaracao-de-los-angeles-sobre-migracao-e-protecao.md"}


def paragraphs(path: Path) -> list[str]:
    body = path.read_text(encoding="utf-8").split("---", 2)[2]
    return [" ".join(p.split()).lstrip("- ").strip() for p in re.split(r"\n\s*\n", body) if p.strip()]


def aligned() -> dict[str, list[str]]:
    """The declaration's paragraphs per language, aligned by position: those whose English text has 120 characters or
    more (the annotated ones)."""
    rows = [json.loads(line) for line in open(ROOT / "benchmarks" / "data" / "la-declaration-gcm.jsonl", encoding="utf-8")]
    out = {}
    for lang, name in VERSIONS.items():
        ps = paragraphs(LA / name)
        out[lang] = [ps[r["paragraph"]] for r in rows]
    assert [p[:60] for p in out["en"]] == [r["text"][:60] for r in rows], "the English declaration changed"
    return out


def jaccard(a: set, b: set) -> float:
    return 1.0 if not a and not b else len(a & b) / len(a | b)


def label_sets(mapper, texts: list[str], level_of=None) -> list[set[str]]:
    out = []
    for labs in mapper.score(texts, evidence=False):
        codes = {lab.code for lab in labs if lab.assigned}
        if level_of:
            codes = {c for c in codes if level_of(c)}
        out.append(codes)
    return out


def micro_f1(pred: list[set[str]], gold: list[set[str]]) -> float:
    tp = sum(len(p & g) for p, g in zip(pred, gold))
    fp = sum(len(p - g) for p, g in zip(pred, gold))
    fn = sum(len(g - p) for p, g in zip(pred, gold))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def agreement(mappers: dict, report: list[str]) -> dict:
    from evimap.map.multilingual import sdg_translation_split

    figures: dict = {}
    gcm, sdg = mappers["gcm"], mappers["sdg"]
    goal = lambda c: "." not in c  # noqa: E731
    # the Los Angeles Declaration
    para = aligned()
    gold = [set(json.loads(line)["labels"]) for line in open(ROOT / "benchmarks/data/la-declaration-gcm.jsonl")]
    gold_b = [set(json.loads(line)["labels_b"]) for line in open(ROOT / "benchmarks/data/la-declaration-gcm.jsonl")]
    report.append(f"Annotators of the English declaration (GCM): micro-F1 {micro_f1(gold_b, gold):.3f} between A and B, "
                  f"{sum(len(g) for g in gold)} labels (A) on {len(gold)} paragraphs.")
    en = {"gcm": label_sets(gcm, para["en"]), "sdg": label_sets(sdg, para["en"], goal)}
    report.append("")
    report.append("| Los Angeles Declaration | GCM Jaccard (all / labelled) | SDG goals Jaccard (all / labelled) | "
                  "GCM micro-F1 vs annotator A | labels (GCM, SDG) |")
    report.append("|---|---|---|---|---|")
    report.append(f"| en (itself) | — | — | {micro_f1(en['gcm'], gold):.3f} | "
                  f"{sum(map(len, en['gcm']))}, {sum(map(len, en['sdg']))} |")
    for lang in ("fr", "es", "pt"):
        got = {"gcm": label_sets(gcm, para[lang]), "sdg": label_sets(sdg, para[lang], goal)}
        cells = []
        for fw in ("gcm", "sdg"):
            js = [jaccard(a, b) for a, b in zip(en[fw], got[fw])]
            lab = [jaccard(a, b) for a, b in zip(en[fw], got[fw]) if a or b]
            figures[f"la-{lang}-{fw}"] = float(np.mean(js))
            cells.append(f"{np.mean(js):.3f} / {np.mean(lab) if lab else float('nan'):.3f} (n={len(lab)})")
        report.append(f"| {lang} | {cells[0]} | {cells[1]} | {micro_f1(got['gcm'], gold):.3f} | "
                      f"{sum(map(len, got['gcm']))}, {sum(map(len, got['sdg']))} |")
    # the official SDG texts, test half
    texts: dict[str, dict[str, str]] = {}
    for f in sorted((SHARED / "frameworks" / "sdg-translations").glob("*.csv")):
        for r in csv.DictReader(open(f, encoding="utf-8")):
            if sdg_translation_split(r["code"]) == "test":
                texts.setdefault(f.stem, {})[r["code"]] = r["text"]
    codes = sorted(texts["en"])
    en_sdg = label_sets(sdg, [texts["en"][c] for c in codes], goal)
    truth = [{c.split(".")[0]} for c in codes]
    report.append("")
    report.append(f"| official SDG texts, test half ({len(codes)} goals, targets, indicators) | SDG goals Jaccard with "
                  "English (all / labelled) | goal accuracy (own goal among the labels) | labels |")
    report.append("|---|---|---|---|")
    report.append(f"| en (itself) | — | {np.mean([bool(t & p) for t, p in zip(truth, en_sdg)]):.3f} | "
                  f"{sum(map(len, en_sdg))} |")
    for lang in ("fr", "es", "ar", "ru", "zh"):
        got = label_sets(sdg, [texts[lang][c] for c in codes], goal)
        js = [jaccard(a, b) for a, b in zip(en_sdg, got)]
        lab = [jaccard(a, b) for a, b in zip(en_sdg, got) if a or b]
        figures[f"sdg-{lang}"] = float(np.mean(js))
        report.append(f"| {lang} | {np.mean(js):.3f} / {np.mean(lab):.3f} (n={len(lab)}) | "
                      f"{np.mean([bool(t & p) for t, p in zip(truth, got)]):.3f} | {sum(map(len, got))} |")
    return figures


def retrieval(report: list[str]) -> dict:
    from evimap import Corpus
    from evimap.frameworks import load

    tmp = Path(tempfile.mkdtemp(prefix="evimap-ml-"))
    try:
        corpus = Corpus(str(tmp / "la.db"))
        t0 = time.perf_counter()
        corpus.ingest([str(LA)])
        corpus.map(["gcm"], workers=1)
        build_s = time.perf_counter() - t0
        gold_rows = [json.loads(line) for line in open(ROOT / "benchmarks/data/la-declaration-gcm.jsonl")]
        para = aligned()
        fw = load("gcm")
        figures = {}
        report.append("")
        report.append(f"Retrieval: store of the {len(list(LA.glob('*.md')))} files of the folder, ingested and mapped "
                      f"in {build_s:.1f} s; English queries = the GCM objective titles with at least one annotated "
                      "paragraph; a paragraph counts as found when a hit of the language holds its first 80 characters "
                      "(passages may split a long paragraph).")
        report.append("")
        report.append("| language | queries | relevant paragraphs | recall@10 semantic | recall@10 hybrid | recall@10 lexical |")
        report.append("|---|---|---|---|---|---|")
        for lang in ("en", "fr", "es", "pt"):  # English: the same queries on the English text, for reference
            counts = {m: [0, 0] for m in ("semantic", "hybrid", "lexical")}
            n_q = 0
            for c in fw.categories:
                if c.facet == "principle" or c.parent:
                    continue
                relevant = [para[lang][k] for k, r in enumerate(gold_rows) if c.code in r["labels"]]
                if not relevant:
                    continue
                n_q += 1
                for mode in counts:
                    hits = corpus.search(c.title, mode=mode, language=lang, limit=10, collapse=False)
                    found_text = " ".join(" ".join(h.text.split()) for h in hits)
                    counts[mode][0] += sum(" ".join(p.split())[:80] in found_text for p in relevant)
                    counts[mode][1] += len(relevant)
            for mode, (f, n) in counts.items():
                figures[f"recall-{lang}-{mode}"] = f / n if n else float("nan")
            report.append(f"| {lang} | {n_q} | {counts['semantic'][1]} | {figures[f'recall-{lang}-semantic']:.3f} | "
                          f"{figures[f'recall-{lang}-hybrid']:.3f} | {figures[f'recall-{lang}-lexical']:.3f} |")
        # the other way round: French and Spanish queries (the same titles, translated: benchmarks/data/
        # gcm-titles-fr-es.json) finding the English paragraphs; with the map into the English space, and without it
        # (the query's words through the English model, as before the map) in the same run
        from evimap.map.multilingual import MultilingualEmbedder

        titles = json.loads((ROOT / "benchmarks/data/gcm-titles-fr-es.json").read_text(encoding="utf-8"))
        report.append("")
        report.append("French and Spanish queries (the same objective titles in those languages) → English paragraphs:")
        report.append("")
        report.append("| query language | queries | relevant paragraphs | recall@10 semantic, mapped | recall@10 hybrid, mapped | "
                      "recall@10 semantic, English model | recall@10 hybrid, English model |")
        report.append("|---|---|---|---|---|---|---|")
        saved = MultilingualEmbedder.to_static
        for qlang in ("fr", "es"):
            row = {}
            for variant in ("mapped", "english"):
                if variant == "english":
                    MultilingualEmbedder.to_static = lambda self, vecs: None
                try:
                    counts = {m: [0, 0] for m in ("semantic", "hybrid")}
                    n_q = 0
                    for c in fw.categories:
                        if c.facet == "principle" or c.parent:
                            continue
                        relevant = [para["en"][k] for k, r in enumerate(gold_rows) if c.code in r["labels"]]
                        if not relevant:
                            continue
                        n_q += 1
                        for mode in counts:
                            hits = corpus.search(titles[qlang][c.code], mode=mode, language="en", limit=10, collapse=False)
                            found_text = " ".join(" ".join(h.text.split()) for h in hits)
                            counts[mode][0] += sum(" ".join(p.split())[:80] in found_text for p in relevant)
                            counts[mode][1] += len(relevant)
                finally:
                    MultilingualEmbedder.to_static = saved
                for mode, (f, n) in counts.items():
                    row[(variant, mode)] = f / n if n else float("nan")
                    figures[f"recall-{qlang}-query-{variant}-{mode}"] = row[(variant, mode)]
            report.append(f"| {qlang} | {n_q} | {counts['semantic'][1]} | {row[('mapped', 'semantic')]:.3f} | "
                          f"{row[('mapped', 'hybrid')]:.3f} | {row[('english', 'semantic')]:.3f} | {row[('english', 'hybrid')]:.3f} |")
        corpus.close()
        return figures
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    from evimap.frameworks import load
    from evimap.map.engine import Mapper

    report: list[str] = []
    t0 = time.perf_counter()
    mappers = {fw: Mapper(load(fw)) for fw in ("gcm", "sdg")}
    figures = agreement(mappers, report)
    figures.update(retrieval(report))
    report.append("")
    report.append(f"({time.perf_counter() - t0:.0f} s)")
    text = "\n".join(report)
    print(text)
    if not args.no_write:
        with open(ROOT / "benchmarks" / "RESULTS.md", "a", encoding="utf-8") as f:
            f.write(f"\n## multilingual.py — {datetime.now():%Y-%m-%d %H:%M}\n\n{text}\n")


if __name__ == "__main__":
    main()
