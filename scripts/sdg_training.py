"""SDG goal classifier from externally labelled data, and its leave-one-source-out evaluation.

Used by ``scripts/train_classifier.py sdg`` (training the shipped ``sdg.npz`` and fitting its weights) and by
``benchmarks/mapping.py --loso`` (the honest figures). Needs scikit-learn; nothing here ships.

Sources (each one a unit of the leave-one-source-out evaluation):

- ``aurora-survey`` — paper titles (and 1,420 abstracts) judged relevant to one SDG in the Aurora survey;
- ``swisstext-train`` — research abstracts, one SDG or "no SDG" (AGPL: read at training time only);
- ``zora`` — 34 abstracts with the SDG their repository lists them under;
- ``qu-sentences`` — 2,515 sentences with one SDG (a few two);
- ``evimap-dev`` — benchmarks/data/sdg-dev.jsonl, UN statements and reports, every goal addressed;
- ``blind-un`` — benchmarks/data/sdg-blind.jsonl, UN statements and migration reports annotated blind.

``sdg-test.jsonl`` (our same-source split) is kept out of training so that its figure stays a held-out one.
The framework's own texts (goal, target and indicator titles, our descriptions and terms) are training data in
every run; they are never a test source.

Model: a one-vs-rest logistic regression over the passage embedding plus a lexical layer (stem tf-idf), as for the
GCM; each source weighs the same in training whatever its size (a source of 5,693 titles does not drown one of 300
paragraphs). The framework's six signals (rules, terms, similarity, relative, classifier, lexical) are then
combined by calibration weights fitted on cross-fitted scores of the training sources (every passage's classifier
signals come from a model that did not see it), and each goal gets its own threshold (chosen on those scores,
shrunk towards the global one).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
EXTERNAL = SHARED / "train" / "sdg-external"
DATA = ROOT / "benchmarks" / "data"

# kind of text per source: targets differ (macro accuracy on paragraphs, micro-F1 on abstracts)
KINDS = {"aurora-survey": "abstract", "swisstext-train": "abstract", "zora": "abstract",
         "qu-sentences": "paragraph", "evimap-dev": "paragraph", "blind-un": "paragraph"}
GOALS = [str(g) for g in range(1, 18)]


@dataclass
class Item:
    id: str
    text: str
    goals: list[str]
    source: str


def _external(name: str) -> list[Item]:
    path = EXTERNAL / name / "data.jsonl"
    return [Item(r["id"], r["text"], [str(g) for g in r["sdgs"]], name)
            for r in map(json.loads, open(path, encoding="utf-8"))]


def _ours(name: str, file: str) -> list[Item]:
    path = DATA / file
    if not path.exists():
        return []
    return [Item(r["id"], r["text"], list(r["goals"]), name) for r in map(json.loads, open(path, encoding="utf-8"))]


def load_sources(names: list[str] | None = None) -> dict[str, list[Item]]:
    out = {}
    for name in names or list(KINDS):
        if name == "evimap-dev":
            items = _ours(name, "sdg-dev.jsonl")
        elif name == "blind-un":
            items = _ours(name, "sdg-blind.jsonl")
        else:
            items = _external(name)
        if items:
            out[name] = items
    return out


def framework_items(fw) -> list[Item]:
    """The framework's own texts labelled with their goal (titles, descriptions, terms, indicators)."""
    out = []
    for c in fw.categories:
        g = c
        while g.parent:
            g = fw.category(g.parent)
        texts = list(c.texts()) + [i["title"] for i in c.indicators if i.get("title")]
        out += [Item(f"fw-{c.code}-{k}", t, [g.code], "framework") for k, t in enumerate(texts)]
    return out


@dataclass
class Pool:
    """Every text of every source prepared once (tokens, stems, embedding) with the signals that do not depend on
    the classifier (rules, terms, similarity, relative)."""

    items: list[Item]
    y: np.ndarray  # texts × goals
    source: np.ndarray
    batch: object
    base: np.ndarray  # texts × goals × signals, classifier and lexical columns 0
    goal_idx: list[int]
    mapper: object
    weight: np.ndarray = field(default=None)

    @classmethod
    def build(cls, fw, items: list[Item], embedder="static") -> "Pool":
        from evimap.map.engine import Mapper, prepare

        plain = type(fw)(**{**fw.__dict__, "classifier": "", "models": {}})
        mapper = Mapper(plain, embedder)
        batch = prepare([it.text for it in items], mapper.embedder)
        goal_idx = [i for i, c in enumerate(fw.categories) if not c.parent]
        codes = [fw.categories[i].code for i in goal_idx]
        base = mapper.compute(batch).features[:, goal_idx, :].copy()
        y = np.array([[c in it.goals for c in codes] for it in items], dtype=bool)
        return cls(items, y, np.array([it.source for it in items]), batch, base, goal_idx, mapper)

    def source_weights(self, rows: np.ndarray) -> np.ndarray:
        """Each source of ``rows`` weighs the same in total (the framework's texts count as one source)."""
        src = self.source[rows]
        names, counts = np.unique(src, return_counts=True)
        per = dict(zip(names, len(rows) / (len(names) * counts)))
        return np.array([per[s] for s in src])


def fit_classifier(pool: Pool, rows: np.ndarray, c: float = 1.0, lexical_c: float | None = 1.0,
                   balance_sources: bool = True):
    """One-vs-rest logistic regression over embeddings (+ the lexical layer) on ``rows`` of the pool."""
    from scipy import sparse
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.linear_model import LogisticRegression

    from evimap.map.classifier import Classifier, lexical_features

    rows = np.asarray(rows)
    y = pool.y[rows]
    sw = pool.source_weights(rows) if balance_sources else np.ones(len(rows))
    codes = GOALS

    def one_vs_rest(x, c_):
        coefs, icpts = [], []
        for k in range(y.shape[1]):
            pos = y[:, k]
            if pos.all() or not pos.any():  # a goal the training rows never (or always) have: a constant
                coefs.append(np.zeros(x.shape[1]))
                icpts.append(10.0 if pos.all() else -10.0)
                continue
            w = sw * np.where(pos, 0.5 / max(sw[pos].sum(), 1e-9), 0.5 / max(sw[~pos].sum(), 1e-9)) * len(rows)
            f = LogisticRegression(C=c_, max_iter=3000).fit(x, pos, sample_weight=w)
            coefs.append(f.coef_[0])
            icpts.append(f.intercept_[0])
        return np.array(coefs), np.array(icpts)

    coef, icpt = one_vs_rest(pool.batch.vecs[rows], c)
    lexical = {}
    if lexical_c:
        dv = DictVectorizer()
        counts = dv.fit_transform([lexical_features(pool.batch.parsed[i]) for i in rows])
        keep = np.asarray((counts > 0).sum(axis=0)).ravel() >= 2
        tfidf = TfidfTransformer(sublinear_tf=True)
        lx = tfidf.fit_transform(sparse.csr_matrix(counts[:, keep]))
        lcoef, licpt = one_vs_rest(lx, lexical_c)
        lexical = {"lex_terms": [str(t) for t in np.array(dv.get_feature_names_out())[keep]], "lex_idf": tfidf.idf_,
                   "lex_coef": lcoef, "lex_intercept": licpt}
    return Classifier(codes, coef, icpt, pool.mapper.embedder.name, **lexical)


def signals(pool: Pool, rows: np.ndarray, clf) -> np.ndarray:
    """The six signals of ``rows`` with ``clf`` as the classifier."""
    from evimap.map.engine import SIGNALS

    rows = np.asarray(rows)
    x = pool.base[rows].copy()
    x[:, :, SIGNALS.index("classifier")] = clf.predict(pool.batch.vecs[rows], GOALS)
    if clf.has_lexical:
        x[:, :, SIGNALS.index("lexical")] = clf.predict_lexical([pool.batch.parsed[i] for i in rows], GOALS)
    return x


def cross_fitted(pool: Pool, rows: np.ndarray, always: np.ndarray, folds: int = 5, seed: int = 0, **kw) -> np.ndarray:
    """Signals of ``rows`` where each row's classifier signals come from a model trained without it (folds drawn by
    source document id, so two passages of one document never straddle a fold), ``always`` rows in every fold's
    training data."""
    rows = np.asarray(rows)
    x = np.zeros((len(rows), len(pool.goal_idx), pool.base.shape[-1]))
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    fold_of = np.empty(len(rows), dtype=int)
    first: dict[str, int] = {}  # a text and its translations (same id) share a fold
    for n, i in enumerate(order):
        fold_of[i] = first.setdefault(pool.items[rows[i]].id, n % folds)
    for f in range(folds):
        te = np.flatnonzero(fold_of == f)
        tr = np.concatenate([always, rows[fold_of != f]])
        x[te] = signals(pool, rows[te], fit_classifier(pool, tr, **kw))
    return x


@dataclass
class Calibration:
    weights: dict
    threshold: float
    per_goal: dict  # goal code → threshold

    def scores(self, x: np.ndarray) -> np.ndarray:
        from evimap.map.engine import SIGNALS

        return 1 / (1 + np.exp(-(self.weights["bias"] + x @ np.array([self.weights[k] for k in SIGNALS]))))

    def predict(self, x: np.ndarray) -> np.ndarray:
        t = np.array([self.per_goal.get(g, self.threshold) for g in GOALS])
        return self.scores(x) >= t


def fit_calibration_thresholds(x: np.ndarray, y: np.ndarray, sw: np.ndarray, per_goal: bool = True,
                               shrink: int = 30) -> Calibration:
    """Weights of the signals (weighted logistic regression) and thresholds maximising micro-F1 (weighted by source)
    on cross-fitted signals; a goal's own threshold moves from the global one only as far as its positives allow
    (``shrink`` pseudo-positives at the global threshold)."""
    from evimap.map.engine import fit_calibration

    w = fit_calibration(x.reshape(-1, x.shape[-1]), y.reshape(-1).astype(float), sample_weight=np.repeat(sw, y.shape[1]))
    cal = Calibration(w, 0.5, {})
    s = cal.scores(x)
    grid = np.round(np.arange(0.05, 0.91, 0.01), 2)

    def f1(pred, yy, ww):
        tp = (ww[:, None] * (pred & yy)).sum()
        fp = (ww[:, None] * (pred & ~yy)).sum()
        fn = (ww[:, None] * (~pred & yy)).sum()
        return 2 * tp / (2 * tp + fp + fn) if tp else 0.0

    cal.threshold = float(max(grid, key=lambda t: f1(s >= t, y, sw)))
    if per_goal:
        for k, g in enumerate(GOALS):
            def gain(t, k=k):
                pred = s[:, k] >= t
                yy = y[:, k]
                tp = (sw * (pred & yy)).sum()
                fp = (sw * (pred & ~yy)).sum()
                fn = (sw * (~pred & yy)).sum()
                return 2 * tp / (2 * tp + fp + fn) if tp else 0.0
            best = float(max(grid, key=gain))
            npos = int(y[:, k].sum())
            cal.per_goal[g] = round((npos * best + shrink * cal.threshold) / (npos + shrink), 2)
    return cal


# ---- measures ----------------------------------------------------------------------------------------------------

def judgements(items: list[Item], seed: int = 71313) -> list[tuple[int, str, bool]]:
    """One present/absent judgement per text, the protocol of the public SDG benchmark and of sdg-test.jsonl: a
    text with goals is judged for one of them half of the time, otherwise for a goal it does not have (fixed seed)."""
    rng = random.Random(seed)
    out = []
    for i, it in enumerate(items):
        if it.goals and rng.random() < 0.5:
            out.append((i, rng.choice(sorted(it.goals)), True))
        else:
            out.append((i, rng.choice([g for g in GOALS if g not in it.goals]), False))
    return out


def measures(items: list[Item], y: np.ndarray, pred: np.ndarray) -> dict:
    tp, fp, fn = int((pred & y).sum()), int((pred & ~y).sum()), int((~pred & y).sum())
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    out = {"n": len(items), "P": p, "R": r, "F1": 2 * p * r / (p + r) if p + r else 0.0}
    per = {}
    for k, g in enumerate(GOALS):
        a, b, c = int((pred[:, k] & y[:, k]).sum()), int((pred[:, k] & ~y[:, k]).sum()), int((~pred[:, k] & y[:, k]).sum())
        per[g] = (a, b, c, int(y[:, k].sum()))
    out["per"] = per
    none = ~y.any(1)
    out["none_kept"] = (int((~pred[none].any(1)).sum()), int(none.sum()))
    acc: dict[str, list[bool]] = {}
    for i, g, present in judgements(items):
        acc.setdefault(g, []).append(bool(pred[i, GOALS.index(g)]) == present)
    out["judged"] = sum(len(v) for v in acc.values())
    out["accuracy"] = float(np.mean([x for v in acc.values() for x in v]))
    out["macro_accuracy"] = float(np.mean([np.mean(v) for v in acc.values()]))
    return out


def train(pool: Pool, rows: np.ndarray, folds: int = 5, per_goal: bool = True, **kw):
    """The classifier on the framework's texts + ``rows``, and its calibration fitted on cross-fitted signals of
    ``rows`` (each source weighing the same)."""
    always = np.flatnonzero(pool.source == "framework")
    x = cross_fitted(pool, rows, always, folds=folds, **kw)
    cal = fit_calibration_thresholds(x, pool.y[rows], pool.source_weights(rows), per_goal=per_goal)
    return fit_classifier(pool, np.concatenate([always, rows]), **kw), cal


def leave_one_source_out(pool: Pool, sources: list[str] | None = None, **kw) -> dict[str, dict]:
    """For each source: train on every other source (and the framework's texts), test on it."""
    out = {}
    names = [s for s in dict.fromkeys(pool.source) if s != "framework" and (not sources or s in sources)]
    for name in names:
        test = np.flatnonzero(pool.source == name)
        rows = np.flatnonzero((pool.source != name) & (pool.source != "framework"))
        clf, cal = train(pool, rows, **kw)
        pred = cal.predict(signals(pool, test, clf))
        out[name] = measures([pool.items[i] for i in test], pool.y[test], pred)
        out[name]["calibration"] = cal
    return out
