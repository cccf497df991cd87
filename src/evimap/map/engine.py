"""Score passages against a framework: rules + semantic similarity (+ a supervised classifier where one
is shipped), combined into a calibrated 0–1 score.

For each passage and category six signals are computed:

- ``rules``: how many of the category's rules match (after removing spans that an ``exclude``
  rule covers), capped at 2;
- ``terms``: how many of its vocabulary terms occur, as a share of 3;
- ``similarity``: cosine between the passage embedding and the closest of the category's
  defining texts (title, description, examples, term list);
- ``relative``: that similarity minus the passage's mean similarity over the framework's
  categories at the same level (a passage close to everything is close to nothing);
- ``classifier``: the probability from the framework's supervised model over the embedding (``classifier:``
  in the framework file; 0 when it has none);
- ``lexical``: the probability from that model's lexical layer over the passage's stems (0 without one).

A parent category (an SDG goal) also counts the rule and term matches and the defining texts of its
children (its targets): a passage that addresses target 10.7 addresses goal 10.

The score is a logistic function of these with per-framework weights (``calibration``), fitted on
annotated development data (``fit_calibration``), so scores are calibrated probabilities. A
category is assigned when its score reaches the framework threshold; a child category only when its
parent is assigned too, and, with a framework ``relative_threshold`` r, only when it scores at least r times the
passage's best category of the same level and facet. Evidence: the matched rule/term spans and the closest
defining text.

A passage with fewer content words than the framework's ``min_words`` (a table cell, a lone label, a short
row) is too short to carry evidence: the embedding and supervised signals alone do not label it. A category
is still assigned to it when one of the category's rules matches and the passage has a content word beyond
the words its rules and terms matched ("Remittances must be cheaper."); otherwise its score is what the rules
and terms alone give and it is not assigned ("Migration data": the words are the topic, not a statement about
it). :meth:`Mapper.reasons` says which.

Work that does not depend on the framework — tokenising, stemming, embedding, language check — is
done once per passage by :func:`prepare` and shared by every framework's ``Mapper``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import numpy as np

from ..frameworks import CALIBRATION_KEYS, Category, Framework
from ..frameworks.rules import Span, Text
from ..memory import paused_gc
from .classifier import Classifier, load_classifier
from .embed import Embedder, get_embedder

# Weights used when a framework file carries no calibration of its own.
DEFAULT_CALIBRATION = {"bias": -5.2, "rules": 2.2, "terms": 1.6, "similarity": 4.0, "relative": 9.0,
                       "classifier": 0.0, "lexical": 0.0}
SIGNALS = tuple(k for k in CALIBRATION_KEYS if k != "bias")
MAX_CHARS = 20_000  # a passage longer than this is scored on its first MAX_CHARS characters

# Frequent English function words: a passage where they are rare is checked with the language
# identifier and, if it is not English, flagged (rules and the embedding model are English).
_ENGLISH = frozenset("the of and to in a is that for on are with as be by this it from which have has was "
                     "were not or their its an at all we our".split())
# Function words, numbers and single characters are not content words: a fragment's length is what remains.
_FUNCTION_WORDS = frozenset("""a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from further had has have having
he her here hers him his how i if in into is it its itself just me more most my no nor not now of off on once only or
other our ours out over own same she should so some such than that the their theirs them then there these they this
those through to too under until up very was we were what when where which while who whom why will with would you
your shall may might must per via etc""".split())
# Languages other than English that the multilingual model reads (map/multilingual.py).
FOREIGN = frozenset({"fr", "es", "pt", "ar", "ru", "zh"})
_LANG_NAMES = {"fr": "French", "es": "Spanish", "ar": "Arabic", "ru": "Russian", "zh": "Chinese", "pt": "Portuguese",
               "de": "German", "it": "Italian"}


@dataclass
class Prepared:
    """Passages made ready for scoring: cleaned text, tokens/stems, embeddings, language flags and, for passages
    in a language other than English, its code (``langs``; None for English)."""

    texts: list[str]
    parsed: list[Text]
    vecs: np.ndarray
    flags: list[str | None]
    langs: list[str | None] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.langs:
            self.langs = [None] * len(self.texts)

    def __len__(self) -> int:
        return len(self.texts)

    def foreign_vecs(self, rows: Sequence[int]) -> np.ndarray:
        """Multilingual vectors of ``rows`` (computed once per passage and kept)."""
        cache = self.__dict__.setdefault("_mvecs", {})
        missing = [i for i in rows if i not in cache]
        if missing:
            from .multilingual import get_multilingual

            for i, v in zip(missing, get_multilingual().encode([self.texts[i] for i in missing],
                                                               [self.langs[i] for i in missing])):
                cache[i] = v
        return np.array([cache[i] for i in rows], dtype=np.float32)

    def subset(self, rows: Sequence[int]) -> "Prepared":
        return Prepared([self.texts[i] for i in rows], [self.parsed[i] for i in rows], self.vecs[list(rows)],
                        [self.flags[i] for i in rows], [self.langs[i] for i in rows])


def foreign_language(t: Text) -> str | None:
    """The language code of a passage that is not English (py3langid, p ≥ 0.7); None for English, for passages too
    short to tell (under eight words) and when the identifier is unsure."""
    n = len(t.tokens)
    if n < 8 and sum("\u4e00" <= ch <= "\u9fff" for ch in t.text[:200]) < 10:  # Chinese has no spaces: characters
        return None
    if n and sum(len(t.by_token.get(w, ())) for w in _ENGLISH) / n >= 0.12:
        return None
    from ..enrich.metadata import detect_language

    lang, prob = detect_language(t.text)
    if lang is None or lang == "en" or (prob or 0) < 0.7:
        return None
    return lang


def language_flag(lang: str | None) -> str | None:
    """None for English and the languages the multilingual model reads; otherwise a one-line reason the scores are
    unreliable."""
    if lang is None or lang in FOREIGN:
        return None
    name = _LANG_NAMES.get(lang, lang)
    return (f"passage appears to be {name} ({lang}); evimap reads English, and French, Spanish, Portuguese, Arabic, "
            f"Russian and Chinese through its multilingual model, not {name}, so its scores are unreliable — "
            f"translate it or review by hand")


def content_positions(t: Text, limit: int | None = None) -> list[int]:
    """Token positions of ``t``'s content words (not function words, numbers or single characters), the first
    ``limit`` of them at most."""
    out: list[int] = []
    for i, w in enumerate(t.tokens):
        if len(w) > 1 and not w[0].isdigit() and w not in _FUNCTION_WORDS:
            out.append(i)
            if limit is not None and len(out) >= limit:
                break
    return out


NO_RULE, TOPIC_ONLY = 1, 2  # why a short passage holds no label: no rule matched; its rules matched all its words


def too_short(words: int, min_words: int) -> str:
    """The reason a passage of ``words`` content words holds no label from the embedding and supervised layers."""
    return f"too short to carry evidence: {words} word{'' if words == 1 else 's'} (under {min_words})"


def prepare(texts: Sequence[str], embedder: Embedder | str = "static") -> Prepared:
    """Tokenise, stem, embed and language-check passages once, for any number of frameworks."""
    emb = get_embedder(embedder) if isinstance(embedder, str) else embedder
    clean = [(t or "")[:MAX_CHARS] for t in texts]
    with paused_gc():
        parsed = [Text.of(t) for t in clean]
        vecs = emb.encode([t if t.strip() else "." for t in clean])
        langs = [foreign_language(t) for t in parsed]
        return Prepared(clean, parsed, vecs, [language_flag(lang) for lang in langs], langs)


@dataclass
class Label:
    framework: str
    code: str
    score: float
    assigned: bool
    features: dict[str, float] = field(default_factory=dict)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    held: str = ""  # why the short-passage gate held the label back ("" when it did not)

    def to_dict(self, features: bool = False) -> dict[str, Any]:
        d = {"code": self.code, "score": round(self.score, 4), "assigned": self.assigned,
             "evidence": self.evidence}
        if features:
            d["features"] = {k: round(v, 4) for k, v in self.features.items()}
        return d


Hits = tuple[list[tuple[str, list[Span]]], list[tuple[str, list[Span]]]]


@dataclass
class Scores:
    """Every signal and score of a batch as arrays (passages × categories)."""

    features: np.ndarray  # passages × categories × signals (SIGNALS order)
    score: np.ndarray
    assigned: np.ndarray
    sims: np.ndarray  # passages × Mapper.def_texts: cosine to each defining text (closest one: Mapper.closest)
    hits: list[dict[int, Hits]]  # per passage: category index → (rules, terms) matched
    held: np.ndarray  # passages × categories: held back by the short-passage gate (NO_RULE, TOPIC_ONLY) or 0
    words: np.ndarray  # per passage: content words when under the framework's min_words, else -1


class Mapper:
    """Scores texts against one framework. Build once; call ``score`` on batches."""

    def __init__(self, framework: Framework, embedder: Embedder | str = "static"):
        self.embedder = get_embedder(embedder) if isinstance(embedder, str) else embedder
        self.fw = framework = framework.for_model(self.embedder.name)
        self.weights = {**DEFAULT_CALIBRATION, **framework.calibration}
        self.w = np.array([self.weights[k] for k in SIGNALS])
        self.cats = framework.categories
        k = len(self.cats)
        index = self.index = {c.code: i for i, c in enumerate(self.cats)}
        self.parent = np.array([index[c.parent] if c.parent else -1 for c in self.cats])
        # a category's family: itself and every descendant
        self.family: list[list[int]] = [[j] for j in range(k)]
        for j in range(k):
            p = self.parent[j]
            while p >= 0:
                self.family[p].append(j)
                p = self.parent[p]
        texts, owner = [], []
        for i, c in enumerate(self.cats):
            for t in c.texts():
                texts.append(t)
                owner.append(i)
        self.def_texts = texts
        owner_arr = np.array(owner)
        self.def_vecs = self.embedder.encode(texts)
        self.def_cols = [np.flatnonzero(np.isin(owner_arr, fam)) for fam in self.family]
        # a category's own texts are contiguous (every category has its title): the best of each is one
        # np.maximum.reduceat; a category with descendants then takes the best over its family
        self.own_starts = np.searchsorted(owner_arr, np.arange(k))
        self.with_family = [(j, fam) for j, fam in enumerate(self.family) if len(fam) > 1]
        self.thresholds = np.array([framework.threshold_for(c) for c in self.cats])
        self.groups: dict[tuple[str, str], list[int]] = {}
        for i, c in enumerate(self.cats):
            self.groups.setdefault((framework.level_of(c), c.facet), []).append(i)
        self.depth_order = [int(j) for j in np.argsort([len(self._ancestors(j)) for j in range(k)], kind="stable")]
        self.classifier: Classifier | None = load_classifier(framework, self.embedder.name)
        self._build_gate()
        # passages in French, Spanish, Portuguese, Arabic, Russian or Chinese are scored by this framework's
        # multilingual settings (its ``models: multilingual:`` entry) over the multilingual word vectors
        from .multilingual import available

        self._plain = framework
        self.reads_foreign = (self.embedder.name != "multilingual" and "multilingual" in framework.models
                              and available())
        self._foreign: Mapper | None = None

    @property
    def foreign(self) -> "Mapper | None":
        """The mapper that scores this framework's non-English passages (built on first use), or None."""
        if self._foreign is None and self.reads_foreign:
            self._foreign = Mapper(self._plain, "multilingual")
        return self._foreign

    def _foreign_rows(self, batch: Prepared) -> list[int]:
        return [i for i, lang in enumerate(batch.langs) if lang in FOREIGN] if self.reads_foreign else []

    def _rescore_foreign(self, batch: Prepared, rows: list[int], s: "Scores") -> None:
        """Replace the scores of ``rows`` (passages in a language the multilingual model reads) by the multilingual
        mapper's: the labels their English translation would get, as far as the word vectors carry meaning."""
        fm = self.foreign
        sub = batch.subset(rows)
        sub.vecs = batch.foreign_vecs(rows)
        fs = fm.compute(sub)
        if fm.classifier:
            fm.classifier.forget_batch()
        s.features[rows] = fs.features
        s.score[rows] = fs.score
        s.assigned[rows] = fs.assigned
        s.sims[rows] = fs.sims
        s.held[rows] = fs.held
        s.words[rows] = fs.words
        for k, i in enumerate(rows):
            s.hits[i] = fs.hits[k]

    # ---- rule gating ----------------------------------------------------------------------
    def _build_gate(self) -> None:
        """Index each rule and term by the stems/prefixes one of which must occur for it to match, so a
        passage evaluates only the rules it can satisfy."""
        self.by_stem: dict[str, list[tuple[int, int]]] = {}  # stem → (category, rule number)
        by_prefix: dict[str, list[tuple[int, int]]] = {}
        self.always: list[tuple[int, int]] = []
        for j, c in enumerate(self.cats):
            for n, r in enumerate((*c.compiled_rules, *c.compiled_terms)):
                if r.keys is None:
                    self.always.append((j, n))
                    continue
                for key in r.keys:
                    if key[0] == "*":
                        by_prefix.setdefault(key[1:], []).append((j, n))
                    else:
                        self.by_stem.setdefault(key, []).append((j, n))
        # prefixes by their first three letters, as Text.by3 buckets tokens: a passage tests only the prefixes
        # whose bucket it has (one set intersection instead of a lookup per prefix)
        self.by_prefix3: dict[str, list[tuple[str, list[tuple[int, int]]]]] = {}
        for p, rules in by_prefix.items():
            self.by_prefix3.setdefault(p[:3], []).append((p, rules))

    def _candidates(self, t: Text) -> dict[int, set[int]]:
        """Category → numbers of its rules (rules first, then terms) that may match ``t``."""
        pairs: list[tuple[int, int]] = list(self.always)
        by_stem = self.by_stem
        for s in t.by_stem.keys() & by_stem.keys():
            pairs += by_stem[s]
        if self.by_prefix3:
            by3 = t.by3
            for p3 in by3.keys() & self.by_prefix3.keys():
                bucket = by3[p3]
                for p, rules in self.by_prefix3[p3]:
                    if len(p) == 3 or any(tok.startswith(p) for tok in bucket):
                        pairs += rules
        out: dict[int, set[int]] = {}
        for j, n in pairs:
            got = out.get(j)
            if got is None:
                out[j] = {n}
            else:
                got.add(n)
        return out

    @staticmethod
    def _rule_hits(c: Category, t: Text, numbers: Iterable[int] | None = None) -> Hits:
        """Rules and terms of ``c`` matching ``t`` with their spans, less spans inside an exclusion.
        ``numbers``: only these rules (see :meth:`_candidates`); all by default. Exclusions are evaluated only
        when something matched."""
        found: list[tuple[bool, str, list[Span]]] = []  # (is a rule, source, spans) in rule-number order
        n_rules = len(c.compiled_rules)
        for n in sorted(numbers) if numbers is not None else range(n_rules + len(c.compiled_terms)):
            if n < n_rules:
                r = c.compiled_rules[n]
                m = r.node.match(t)
                if m is not None:
                    found.append((True, r.source, m))
            else:
                r = c.compiled_terms[n - n_rules]
                m = r.node.match(t)
                if m:
                    found.append((False, r.source.strip('"'), m))
        if not found:
            return [], []
        excluded: list[Span] = []
        for r in c.compiled_exclude:
            m = r.match(t)
            if m:
                excluded.extend(m)
        covered = {p for a, b in excluded for p in range(a, b)}  # tokens inside some exclusion

        def keep(spans: list[Span]) -> list[Span]:
            if not excluded:
                return spans
            return [s for s in spans if not (all(p in covered for p in range(*s))
                                             and any(e[0] <= s[0] and s[1] <= e[1] for e in excluded))]

        rules, terms = [], []
        for is_rule, source, m in found:
            if is_rule:
                kept = keep(m) if m else m
                if m == [] or kept:
                    rules.append((source, kept))
            else:
                kept = keep(m)
                if kept:
                    terms.append((source, kept))
        return rules, terms

    # ---- scoring --------------------------------------------------------------------------
    def compute(self, batch: Prepared) -> Scores:
        """All signals, scores and assignments for a prepared batch, as arrays."""
        n, k = len(batch), len(self.cats)
        sims = batch.vecs @ self.def_vecs.T
        own = np.maximum.reduceat(sims, self.own_starts, axis=1) if n else np.zeros((0, k), dtype=sims.dtype)
        best = own.astype(np.float64)
        for j, fam in self.with_family:
            best[:, j] = own[:, fam].max(axis=1)
        rel = np.zeros_like(best)
        for idx in self.groups.values():
            block = best[:, idx]
            rel[:, idx] = block - block.mean(axis=1, keepdims=True)
        nrules = np.zeros((n, k))
        nterms = np.zeros((n, k))
        hits: list[dict[int, Hits]] = []
        for i, t in enumerate(batch.parsed):
            own: dict[int, Hits] = {}
            for j, numbers in sorted(self._candidates(t).items()):
                h = self._rule_hits(self.cats[j], t, numbers)
                if h[0] or h[1]:
                    own[j] = h
            fam: dict[int, Hits] = {}
            for j, h in own.items():  # a parent inherits its descendants' matches
                p = j
                while p >= 0:
                    r, tm = fam.setdefault(p, ([], []))
                    r.extend(h[0])
                    tm.extend(h[1])
                    p = self.parent[p]
            for j, (r, tm) in fam.items():
                nrules[i, j] = min(len({s for s, _ in r}), 2)
                nterms[i, j] = min(len({s for s, _ in tm}), 3) / 3
            hits.append(fam)
        clf = np.zeros((n, k))
        lex = np.zeros((n, k))
        if self.classifier:
            codes = [c.code for c in self.cats]
            clf = self.classifier.predict(batch.vecs, codes)
            if self.classifier.has_lexical:
                lex = self.classifier.predict_lexical(batch.parsed, codes)
            for j in self.depth_order:  # a category the classifier does not know takes its parent's probability
                if self.parent[j] >= 0 and self.cats[j].code not in self.classifier.codes:
                    clf[:, j] = clf[:, self.parent[j]]
                    lex[:, j] = lex[:, self.parent[j]]
        feats = np.stack([nrules, nterms, best, rel, clf, lex], axis=-1)
        z = self.weights["bias"] + feats @ self.w
        score = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        empty = np.array([not t.strip() for t in batch.texts], dtype=bool)
        score[empty] = 0.0
        if self.fw.min_words:
            held, words = self._hold_short(batch, nrules, nterms, hits, score)
        else:
            held, words = np.zeros(score.shape, dtype=np.int8), np.full(n, -1)
        assigned = (score >= self.thresholds) & (held == 0)
        if self.fw.relative_threshold > 0:  # and close enough to the passage's best in the same level and facet
            for idx in self.groups.values():
                block = score[:, idx]
                assigned[:, idx] &= block >= self.fw.relative_threshold * block.max(axis=1, keepdims=True)
        for j in self.depth_order:
            if self.parent[j] >= 0:  # ancestors are settled before their children
                assigned[:, j] &= assigned[:, self.parent[j]]
        out = Scores(feats, score, assigned, sims, hits, held, words)
        foreign = self._foreign_rows(batch)
        if foreign:
            self._rescore_foreign(batch, foreign, out)
        return out

    def _hold_short(self, batch: Prepared, nrules: np.ndarray, nterms: np.ndarray, hits: list[dict[int, Hits]],
                    score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Which (passage, category) pairs a passage under ``min_words`` content words cannot carry: ``held``
        (passages × categories; ``NO_RULE`` or ``TOPIC_ONLY``, 0 where not held) and each passage's content-word
        count (-1 when not short). A held pair's score becomes what the rules and terms alone give (``score`` is
        changed in place). A pair is kept when one of the category's rules matched and a content word lies
        outside every span its rules and terms matched: the passage then says something about what the rule
        found."""
        n_min = self.fw.min_words
        n, k = score.shape
        held = np.zeros((n, k), dtype=np.int8)
        words = np.full(n, -1)
        for i, t in enumerate(batch.parsed):
            content = content_positions(t, n_min)
            if len(content) >= n_min or not batch.texts[i].strip():
                continue
            words[i] = len(content)
            held[i] = NO_RULE
            for j, (rules, terms) in hits[i].items():
                if rules:
                    covered = {p for _, spans in (*rules, *terms) for a, b in spans for p in range(a, b)}
                    held[i, j] = 0 if any(p not in covered for p in content) else TOPIC_ONLY
        rows, cols = np.nonzero(held)
        if len(rows):
            w = self.weights
            z = w["bias"] + w["rules"] * nrules[rows, cols] + w["terms"] * nterms[rows, cols]
            score[rows, cols] = np.minimum(score[rows, cols], 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30))))
        return held, words

    def held_reason(self, s: Scores, i: int, j: int) -> str:
        """Why the short-passage gate held back category ``j`` of passage ``i`` ("" when it did not)."""
        if not s.held[i, j]:
            return ""
        why = (f"no rule of this {self.fw.kind_of(self.cats[j])} matches it" if s.held[i, j] == NO_RULE else
               "its rules and terms match all its words: it names the topic and says nothing about it")
        return f"{too_short(int(s.words[i]), self.fw.min_words)}; {why}"

    def reasons(self, labels: Sequence[Label]) -> list[str]:
        """Why each of one passage's labels (all categories, framework order) was or was not assigned, by the
        rules of :meth:`compute`: too short to carry it, the threshold, the relative cut within level and facet,
        the parent."""
        best: dict[int, float] = {}
        for idx in self.groups.values():
            top = max(labels[j].score for j in idx)
            best.update({j: top for j in idx})
        assigned = {lab.code for lab in labels if lab.assigned}
        out = []
        for j, lab in enumerate(labels):
            cut = self.fw.relative_threshold * best[j]
            if lab.assigned:
                out.append("assigned")
            elif lab.held:
                out.append(lab.held)
            elif lab.score < self.thresholds[j]:
                out.append("below the threshold")
            elif lab.score < cut:
                out.append(f"below {self.fw.relative_threshold:g} × the passage's best score ({cut:.2f})")
            elif self.cats[j].parent and self.cats[j].parent not in assigned:
                out.append(f"parent {self.cats[j].parent} not assigned")
            else:
                out.append("not assigned")
        return out

    @property
    def store_floor(self) -> np.ndarray:
        """Lowest score a store keeps, per category: assigned labels and near misses at half the category's own
        threshold (never under LABEL_FLOOR), for --min-score searches and coverage maxima. Per category, because a
        framework's thresholds can differ tenfold (an SDG goal at 0.06, its targets at 0.66): half the lowest one
        kept millions of target rows no search would ask for. A child category scored on its parent's classifier
        probabilities is kept as a near miss only when a rule or term of its own matches (see ``_labels``)."""
        from ..store.sqlite import LABEL_FLOOR

        return np.maximum(LABEL_FLOOR, self.thresholds / 2)

    def _ancestors(self, j: int) -> list[int]:
        out, p = [], self.parent[j]
        while p >= 0:
            out.append(p)
            p = self.parent[p]
        return out

    def score(self, texts: Sequence[str] | Prepared, *, evidence: bool | str = True, floor: float | np.ndarray = 0.0,
              vecs: np.ndarray | None = None) -> list[list[Label]]:
        """Labels per text, in framework order: every category, or with ``floor`` > 0 only those scoring at
        least ``floor`` (one number, or one per category such as :attr:`store_floor`) or assigned. Accepts raw texts or a :func:`prepare`d batch. ``evidence``: True (every
        label), False, or "assigned" (only assigned labels carry evidence — what a store keeps)."""
        batch = texts if isinstance(texts, Prepared) else prepare(texts, self.embedder)
        if vecs is not None:
            batch.vecs = vecs
        with paused_gc():
            try:
                return self._labels(batch, self.compute(batch), evidence, floor)
            finally:
                if self.classifier:
                    self.classifier.forget_batch()

    def _labels(self, batch: Prepared, s: Scores, evidence: bool | str,
                floor: float | np.ndarray) -> list[list[Label]]:
        out: list[list[Label]] = [[] for _ in range(len(batch))]
        if np.all(np.asarray(floor) <= 0):
            keep = np.ones_like(s.assigned)
        else:
            near = s.score >= floor
            if self.classifier:  # a child scored on its parent's probabilities is a near miss only on evidence of its own
                inherits = np.array([self.parent[j] >= 0 and c.code not in self.classifier.codes
                                     for j, c in enumerate(self.cats)])
                own = (s.features[:, :, SIGNALS.index("rules")] > 0) | (s.features[:, :, SIGNALS.index("terms")] > 0)
                near &= own | ~inherits
            keep = near | s.assigned
        rows, cols = np.nonzero(keep)  # row-major: each passage's labels in framework order
        for i, j, sc, a, f in zip(rows.tolist(), cols.tolist(), s.score[rows, cols].tolist(),
                                  s.assigned[rows, cols].tolist(), s.features[rows, cols].tolist()):
            ev: list[dict[str, Any]] = []
            if evidence and (evidence != "assigned" or a) and batch.texts[i].strip():
                ev = self._evidence(batch, s, i, j)
            out[i].append(Label(self.fw.id, self.cats[j].code, sc, a, dict(zip(SIGNALS, f)), ev,
                                self.held_reason(s, i, j)))
        return out

    def _evidence(self, batch: Prepared, s: Scores, i: int, j: int) -> list[dict[str, Any]]:
        t = batch.parsed[i]
        rules, terms = s.hits[i].get(j, ([], []))
        flag = self.passage_flag(batch, i)
        ev: list[dict[str, Any]] = [{"type": "flag", "reason": flag}] if flag else []
        if self.reads_foreign and batch.langs[i] in FOREIGN:
            ev.append({"type": "language", "language": batch.langs[i], "model": "multilingual"})
        seen: set[str] = set()
        for src, spans in rules:
            if src not in seen:
                seen.add(src)
                ev.append({"type": "rule", "rule": src, "quotes": sorted({t.quote(sp) for sp in spans})[:3]})
        for term, spans in terms:
            if term not in seen:
                seen.add(term)
                ev.append({"type": "term", "term": term, "quotes": sorted({t.quote(sp) for sp in spans})[:3]})
        ev.append({"type": "closest", "text": self.def_texts[self.closest(s, i, j)],
                   "similarity": round(float(s.features[i, j, SIGNALS.index("similarity")]), 4)})
        if s.features[i, j, SIGNALS.index("classifier")] > 0:
            ev.append({"type": "classifier", "probability": round(float(s.features[i, j, SIGNALS.index("classifier")]), 4)})
        if s.features[i, j, SIGNALS.index("lexical")] > 0 and self.classifier is not None:
            code = self.cats[j].code
            while code not in self.classifier.codes and self.cats[self.index[code]].parent:
                code = self.cats[self.index[code]].parent  # a target speaks through its goal's words
            ev.append({"type": "lexical", "probability": round(float(s.features[i, j, SIGNALS.index("lexical")]), 4),
                       "stems": self.classifier.lexical_terms(t, code)})
        return ev

    def passage_flag(self, batch: Prepared, i: int) -> str | None:
        """Why passage ``i``'s scores are unreliable (its language), or None."""
        lang = batch.langs[i]
        if lang in FOREIGN and self.embedder.name != "multilingual" and not self.reads_foreign:
            name = _LANG_NAMES.get(lang, lang)
            return (f"passage appears to be {name} ({lang}); the {self.fw.id} framework has no multilingual "
                    "settings, so its English rules and model scored it — unreliable; review by hand")
        return batch.flags[i]

    def closest(self, s: Scores, i: int, j: int) -> int:
        """Index into ``def_texts`` of the defining text of category ``j`` (or a descendant) closest to passage ``i``."""
        cols = self.def_cols[j]
        return int(cols[np.argmax(s.sims[i, cols])])

    def features(self, texts: Sequence[str] | Prepared) -> np.ndarray:
        """Signals as an array (texts × categories × signals), for calibration."""
        batch = texts if isinstance(texts, Prepared) else prepare(texts, self.embedder)
        return self.compute(batch).features


def fit_calibration(x: np.ndarray, y: np.ndarray, l2: float = 1e-3, iterations: int = 50,
                    use: Iterable[str] = SIGNALS, sample_weight: np.ndarray | None = None) -> dict[str, float]:
    """Logistic regression (Newton's method, numpy) of labels ``y`` on signals ``x`` (n × signals), rows weighted
    by ``sample_weight`` if given. Signals not in ``use`` get weight 0."""
    use = list(use)
    cols = [SIGNALS.index(k) for k in use]
    xb = np.hstack([np.ones((len(x), 1)), x[:, cols]])
    sw = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    w = np.zeros(xb.shape[1])
    reg = l2 * np.eye(xb.shape[1])
    reg[0, 0] = 0.0
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-np.clip(xb @ w, -30, 30)))
        g = xb.T @ (sw * (p - y)) + reg @ w * sw.sum()
        h = (xb * (sw * p * (1 - p))[:, None]).T @ xb + reg * sw.sum() + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(h, g)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    out = {"bias": float(w[0]), **{k: 0.0 for k in SIGNALS}}
    out.update({k: float(v) for k, v in zip(use, w[1:])})
    return out


def assigned_codes(labels: Iterable[Label]) -> list[str]:
    return [lab.code for lab in labels if lab.assigned]


