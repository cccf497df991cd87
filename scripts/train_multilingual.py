"""Train the multilingual settings of the GCM and SDG frameworks: the classifier over the multilingual word vectors
(map/multilingual.py), its calibration and thresholds — what scores passages in French, Spanish, Portuguese,
Arabic, Russian and Chinese (the ``models: multilingual:`` entry of gcm.yaml and sdg.yaml).

    python scripts/train_multilingual.py gcm      # writes classifiers/gcm-multilingual.npz, prints the entry
    python scripts/train_multilingual.py sdg      # writes classifiers/sdg-multilingual.npz, prints the entry

Only language-independent signals are weighed: the similarity to the categories' texts, its relative form and the
classifier; the English rules, terms and lexical layer get weight 0 (they cannot read a French passage, and a
weight fitted on English text would make French scores lower than their translation's).

Training data: as for the English classifiers (scripts/train_classifier.py: the GCM's own texts and actions and
the blind-annotated pool; the SDG sources of scripts/sdg_training.py); for the GCM also translations into French,
Spanish and Portuguese of 283 passages of that pool, made by helper sessions and labelled as their English passage
(benchmarks/data/gcm-train-translated.jsonl; cross-fitting keeps a passage and its translations in one fold, and
the threshold is chosen on the translations); for the SDGs the half of the official
goal, target and indicator texts in the six UN languages that ``sdg_translation_split`` calls dev (the other half
measures cross-lingual agreement in benchmarks/multilingual.py). Thresholds come from cross-fitted scores.
``--no-translations`` leaves the translations out; ``gcm --english-only`` measures on the GCM translations what a
model trained on English alone does with them (to compare designs).

A design tried and not kept (2026-12-06): the classifier as a student of the English pipeline (learning from the
multilingual vectors of 6,331 English texts which labels the English rules, terms and classifiers give them). On
the dev half of the official SDG texts, both trained without them, its labels agreed with the English pipeline's
less than this supervised design's: mean Jaccard over French, Spanish, Arabic, Russian and Chinese 0.308 against
0.439.
"""

from __future__ import annotations

import csv
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

from evimap import frameworks  # noqa: E402
from evimap.map.embed import get_embedder  # noqa: E402
from evimap.map.engine import SIGNALS, Mapper, fit_calibration  # noqa: E402
from evimap.map.multilingual import sdg_translation_split  # noqa: E402

SHARED = ROOT.parent / "shared"
OUT = ROOT / "src" / "evimap" / "map" / "model" / "classifiers"
USE = ("similarity", "relative", "classifier")


def entry(name: str, threshold: float, weights: dict, relative: float | None = None, per_goal: dict | None = None) -> str:
    lines = ["  multilingual:", f"    classifier: {name}", f"    threshold: {threshold}"]
    if relative is not None:
        lines.append(f"    relative_threshold: {relative}")
    if per_goal:
        lines.append("    thresholds: {" + ", ".join(f'"{g}": {t}' for g, t in per_goal.items()) + "}")
    lines.append("    calibration: {" + ", ".join(f"{k}: {weights[k]:.3f}" for k in ("bias", *SIGNALS)) + "}")
    return "\n".join(lines)


def translated_pool() -> list[tuple[str, list[str], str, str]]:
    """The translations of part of the blind-annotated pool (benchmarks/data/gcm-train-translated.jsonl): (text,
    labels of the English passage, that passage's id, language)."""
    import json

    path = ROOT / "benchmarks" / "data" / "gcm-train-translated.jsonl"
    if not path.exists() or "--no-translations" in sys.argv:
        return []
    return [(r["text"], r["labels"], r["id"], r["language"]) for r in map(json.loads, open(path, encoding="utf-8"))]


def train_gcm() -> None:
    import json

    import train_classifier as TC
    from sklearn.model_selection import KFold

    fw = frameworks.load("gcm")
    plain = type(fw)(**{**fw.__dict__, "classifier": "", "models": {}})
    emb = get_embedder("multilingual")
    codes, base = TC.gcm_training_base(fw)
    ids = [json.loads(line)["id"] for line in open(ROOT / "benchmarks/data/gcm-train-blind.jsonl", encoding="utf-8")]
    pool = [(t, labels, pid, "en") for (t, labels), pid in zip(TC.annotated("gcm-train-blind.jsonl"), ids)]
    pool += translated_pool()
    groups = sorted({g for _, _, g, _ in pool})  # a passage and its translations fall in one fold
    # --english-only: translations measured, never trained on (to compare with training on them)
    english_only = "--english-only" in sys.argv
    mapper = Mapper(plain, emb)
    idx = [i for i, c in enumerate(fw.categories) if c.code in codes]
    x = np.zeros((len(pool), len(idx), len(SIGNALS)))
    for tr, te in KFold(5, shuffle=True, random_state=0).split(groups):
        held = {groups[i] for i in te}
        train = [(t, labels) for t, labels, g, lang in pool if g not in held and (lang == "en" or not english_only)]
        rows_te = [k for k, r in enumerate(pool) if r[2] in held]
        mapper.classifier = TC.fit_ovr(base + train, codes, 2.0, emb)
        batch = [pool[k][0] for k in rows_te]
        x[rows_te] = mapper.compute(_prepared(mapper, batch, [pool[k][3] for k in rows_te])).features[:, idx, :]
    y = np.array([[c in labels for c in codes] for _, labels, _, _ in pool])
    w = fit_calibration(x.reshape(-1, len(SIGNALS)), y.reshape(-1).astype(float), use=USE)
    s = 1 / (1 + np.exp(-(w["bias"] + x @ np.array([w[k] for k in SIGNALS]))))
    # the threshold on the passages this route will read: the translations when there are any
    foreign = [k for k, r in enumerate(pool) if r[3] != "en"] or list(range(len(pool)))
    rows = TC.with_none_share(y, foreign)
    grid = [(round(float(t), 2), r) for t in np.arange(0.02, 0.9, 0.01) for r in (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)]
    top = max(TC.micro_f1(y[rows], s[rows], *g) for g in grid)
    best = max((g for g in grid if TC.micro_f1(y[rows], s[rows], *g) >= top - 0.01),
               key=lambda g: (g[0], TC.micro_f1(y[rows], s[rows], *g)))
    english = TC.with_none_share(y, [k for k, r in enumerate(pool) if r[3] == "en"])
    print(f"cross-fitted micro-F1 at threshold {best[0]} relative {best[1]}: {TC.micro_f1(y[rows], s[rows], *best):.3f} on "
          f"{len(rows)} {'translated' if foreign != list(range(len(pool))) else ''} passages, "
          f"{TC.micro_f1(y[english], s[english], *best):.3f} on {len(english)} English ones")
    out = Path(os.environ.get("EVIMAP_OUT") or OUT / "gcm-multilingual.npz")
    TC.fit_ovr(base + [(t, labels) for t, labels, _, _ in pool], codes, 2.0, emb).save(out)
    print(f"{len(base) + len(pool)} training texts ({len(pool) - len(ids)} translated) → {out}")
    print(entry("gcm-multilingual", best[0], w, relative=best[1]))


def _prepared(mapper, texts: list[str], langs: list[str]):
    """A batch prepared for the multilingual mapper, each text embedded in its own language."""
    from evimap.map.engine import prepare

    batch = prepare(texts, mapper.embedder)
    batch.vecs = mapper.embedder.encode(texts, langs)
    return batch


def translation_items(fw) -> list:
    import sdg_training as T

    out = []
    for f in sorted((SHARED / "frameworks" / "sdg-translations").glob("*.csv")):
        for r in csv.DictReader(open(f, encoding="utf-8")):
            if sdg_translation_split(r["code"]) != "dev":
                continue
            goal = r["code"].split(".")[0]
            out.append(T.Item(f"{f.stem}-{r['code']}", r["text"], [goal], "translations"))
    return out


def translated_paragraphs() -> list:
    """The blind-annotated and dev UN paragraphs translated into French, Spanish and Portuguese by helper sessions
    (benchmarks/data/sdg-train-translated.jsonl), with the goals of their English original; one source."""
    import json

    import sdg_training as T

    path = ROOT / "benchmarks" / "data" / "sdg-train-translated.jsonl"
    if not path.exists():
        return []
    return [T.Item(r["id"], r["text"], list(r["goals"]), "translated-paragraphs")
            for r in map(json.loads, open(path, encoding="utf-8"))]


def train_sdg() -> None:
    import sdg_training as T

    fw = frameworks.load("sdg")
    sources = T.load_sources()
    items = T.framework_items(fw) + [it for v in sources.values() for it in v]
    if "--no-translations" not in sys.argv:
        items += translation_items(fw) + translated_paragraphs()
    pool = T.Pool.build(fw, items, "multilingual")
    for k in ("rules", "terms"):  # the English rules cannot read other languages: not weighed
        pool.base[:, :, SIGNALS.index(k)] = 0.0
    rows = np.flatnonzero(pool.source != "framework")
    clf, cal = T.train(pool, rows, lexical_c=None)
    for k in SIGNALS:
        if k not in USE:
            cal.weights[k] = 0.0
    out = Path(os.environ.get("EVIMAP_OUT") or OUT / "sdg-multilingual.npz")
    clf.save(out)
    print(f"{len(pool.items)} training texts ({', '.join(f'{k} {len(v)}' for k, v in sources.items())}, "
          f"official translations {int((pool.source == 'translations').sum())}, translated paragraphs "
          f"{int((pool.source == 'translated-paragraphs').sum())}) → {out}")
    print(entry("sdg-multilingual", cal.threshold, cal.weights, per_goal=cal.per_goal))


if __name__ == "__main__":
    {"gcm": train_gcm, "sdg": train_sdg}[sys.argv[1]]()
