"""Thematic synthesis: for one theme, what each source said — verbatim, cited quotes grouped by source,
findings and recommendations before methods and formalities — then the recurring recommendations,
clustered by similarity and named by a phrase of their most central member.

Extractive only: every sentence in the body is a passage from the store, quoted with its citation
(document, page, section, paragraph). Near-duplicates (the same paragraph in two versions of a
document) are shown once, with the other places listed. How quotes are ranked: substance.py and
data/synthesis.yaml."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..frameworks.rules import _WORD, stem
from .base import HTML_HEAD, Provenance, Report, citation, counted, esc, framework_info, frameworks_of, require_mapped, xml_safe
from .coverage import grouping, parse_theme
from .substance import is_recommendation, load_lexicon, recommendation_phrase, substance

STOP = frozenset("""a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had has have having he
her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now of
off on once only or other our ours ourselves out over own same she should so some such than that the their theirs them
themselves then there these they this those through to too under until up very was we were what when where which while
who whom why will with would you your yours yourself yourselves shall may might must need needs also including
within among well per cent ensure order support use used using make made one two three new""".split())
DUP_SIMILARITY = 0.93  # embedding cosine above which two passages count as the same statement
DUP_CANDIDATE = 0.75  # below this cosine two passages are not compared word by word
DUP_CONTAINMENT = 0.6  # share of the shorter passage's word 5-grams found in the other: the same statement


@dataclass
class Quote:
    qid: str
    passage: dict[str, Any]
    codes: list[str] = field(default_factory=list)
    also_in: list[str] = field(default_factory=list)

    @property
    def cite(self) -> str:
        """The citation, with the quote's language when it is not English: quotes stay verbatim in theirs."""
        lang = self.passage.get("language")
        return citation(self.passage) + (f" · [{lang}]" if lang and lang != "en" else "")

    def to_dict(self) -> dict[str, Any]:
        p = self.passage
        why = p.get("substance")
        return {"id": self.qid, "passage_id": p["passage_id"], "text": p["text"], "citation": self.cite,
                "document": p["document"], "page": p["page"], "section": p["section"], "paragraph": p["paragraph"],
                "language": p.get("language"), "score": round(p["score"], 4), "substance": why.score if why else None,
                "why": why.explain() if why else "", "codes": self.codes, "also_in": self.also_in}


@dataclass
class Synthesis(Report):
    theme: dict[str, Any]
    by: str
    groups: list[dict[str, Any]]  # name, passages, quotes: [Quote]
    clusters: list[dict[str, Any]]  # name, terms, passages, sources, quotes: [Quote], members: [qid]
    provenance: Provenance
    n_passages: int = 0
    n_collapsed: int = 0
    n_weak: int = 0  # passages whose theme label scores below min_relevance: not quoted
    min_relevance: float = 0.0
    set_aside: list[dict[str, Any]] = field(default_factory=list)  # passage_id, citation, substance, reasons
    kind = "synthesis"
    formats = ("md", "html", "json", "docx", "xlsx")

    def quotes(self) -> list[Quote]:
        return [q for g in self.groups for q in g["quotes"]]

    def to_dict(self) -> dict[str, Any]:
        return {"theme": self.theme, "by": self.by, "passages": self.n_passages, "collapsed_duplicates": self.n_collapsed,
                "weakly_linked": self.n_weak, "min_relevance": self.min_relevance, "set_aside": self.set_aside,
                "groups": [{"name": g["name"], "passages": g["passages"], "quotes": [q.to_dict() for q in g["quotes"]]}
                           for g in self.groups],
                "recommendations": [{**{k: v for k, v in c.items() if k != "quotes"},
                                     "quotes": [q.to_dict() for q in c["quotes"]]} for c in self.clusters]}

    def _title(self) -> str:
        return f"Thematic synthesis — {self.theme['title']}"

    def _intro(self) -> str:
        address = "addresses" if self.n_passages == 1 else "address"
        were = "was" if self.n_collapsed == 1 else "were"
        return (f"{counted(self.n_passages, 'passage')} in the store {address} this theme ({self.theme['framework']}:"
                f"{self.theme['code']}); {counted(self.n_collapsed, 'near-duplicate')} {were} collapsed and "
                f"{counted(len(self.set_aside), 'passage')} on methods, indicators or procedure, or naming the theme only in "
                f"passing, set aside; "
                f"{counted(self.n_weak, 'passage')} linked to it only weakly (label score below {self.min_relevance:.2f}) "
                f"{'is' if self.n_weak == 1 else 'are'} not quoted. Quotes are "
                f"verbatim, findings and recommendations first, spread across sources; grouped by {self.by}, strongest first.")

    def to_markdown(self) -> str:
        out = [f"# {self._title()}", "", self._intro(), ""]
        for g in self.groups:
            out += [f"## {g['name']}", "", f"{counted(g['passages'], 'passage')}; {len(g['quotes'])} quoted.", ""]
            for q in g["quotes"]:
                out.append(f'<a id="{q.qid}"></a>')
                out += ["> " + line for line in q.passage["text"].splitlines() if line.strip()]
                extra = (f" · {', '.join(q.codes)}" if q.codes else "") + \
                        (f" · also in: {'; '.join(q.also_in)}" if q.also_in else "")
                out += [f"> — *{q.cite}*{extra} [{q.qid}]", ""]
        out += ["## Recurring recommendations", ""]
        if not self.clusters:
            out.append("No recommendation was made by two or more passages on this theme.")
        for i, c in enumerate(self.clusters, 1):
            links = ", ".join(f"[{m}](#{m})" if m in self._shown() else m for m in c["members"][:12])
            out += [f"{i}. **{c['name']}** ({' · '.join(c['terms'])}) — {counted(c['passages'], 'passage')} from "
                    f"{counted(c['sources'], 'source')}: {links}"]
            for q in c["quotes"]:
                out += [f"   > {q.passage['text']}", f"   > — *{q.cite}*", ""]
        out += ["", f"*{self.provenance.line()}*", ""]
        return "\n".join(out)

    def _shown(self) -> set[str]:
        return {q.qid for q in self.quotes()}

    def to_html(self) -> str:
        parts = [HTML_HEAD.format(title=esc(self._title())), f"<h1>{esc(self._title())}</h1><p>{esc(self._intro())}</p>"]
        for g in self.groups:
            parts.append(f"<h2>{esc(g['name'])}</h2><p>{counted(g['passages'], 'passage')}; "
                         f"{len(g['quotes'])} quoted.</p>")
            for q in g["quotes"]:
                extra = (f" · {esc(', '.join(q.codes))}" if q.codes else "") + \
                        (f" · also in: {esc('; '.join(q.also_in))}" if q.also_in else "")
                parts.append(f'<blockquote id="{q.qid}">{esc(q.passage["text"])}<div class="cite">— {esc(q.cite)}'
                             f"{extra} [{q.qid}]</div></blockquote>")
        parts.append("<h2>Recurring recommendations</h2><ol>")
        shown = self._shown()
        for c in self.clusters:
            links = ", ".join(f'<a href="#{m}">{m}</a>' if m in shown else m for m in c["members"][:12])
            quotes = "".join(f'<blockquote>{esc(q.passage["text"])}<div class="cite">— {esc(q.cite)}</div></blockquote>'
                             for q in c["quotes"])
            parts.append(f"<li><b>{esc(c['name'])}</b> ({esc(' · '.join(c['terms']))}) — {counted(c['passages'], 'passage')} from "
                         f"{counted(c['sources'], 'source')}: {links}{quotes}</li>")
        parts.append(f'</ol><p class="prov">{esc(self.provenance.line())}</p></body></html>\n')
        return "".join(parts)

    def to_docx(self, path: Path) -> None:
        from docx import Document
        from docx.shared import Pt

        doc = Document()
        doc.add_heading(self._title(), 0)
        doc.add_paragraph(self._intro())
        for g in self.groups:
            doc.add_heading(xml_safe(str(g["name"])), 1)
            for q in g["quotes"]:
                doc.add_paragraph(xml_safe(q.passage["text"]), style="Quote")
                cite = doc.add_paragraph()
                run = cite.add_run(xml_safe(f"— {q.cite}") + (f" · {', '.join(q.codes)}" if q.codes else "") +
                                   (f" · also in: {'; '.join(q.also_in)}" if q.also_in else "") + f" [{q.qid}]")
                run.italic = True
                run.font.size = Pt(9)
        doc.add_heading("Recurring recommendations", 1)
        for c in self.clusters:
            doc.add_paragraph(xml_safe(f"{c['name']} ({' · '.join(c['terms'])})") + f" — {counted(c['passages'], 'passage')} from "
                              f"{counted(c['sources'], 'source')} ({', '.join(c['members'][:12])})",
                              style="List Number")
            for q in c["quotes"]:
                doc.add_paragraph(xml_safe(q.passage["text"]), style="Quote")
                doc.add_paragraph().add_run(xml_safe(f"— {q.cite}")).italic = True
        p = doc.add_paragraph()
        r = p.add_run(self.provenance.line())
        r.font.size = Pt(8)
        doc.save(str(path))


    def to_xlsx(self, path: Path) -> None:
        """One row per quote (group, verbatim text, citation, codes), one per recurring recommendation,
        and the provenance — for analysts who sort and annotate quotes in a spreadsheet."""
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font

        wb = Workbook()
        ws = wb.active
        ws.title = "quotes"
        ws.append(["group", "quote id", "quote", "citation", "document", "page", "section", "paragraph", "score",
                   "codes", "also in", "passage id"])
        for g in self.groups:
            for q in g["quotes"]:
                d = q.to_dict()
                ws.append([xml_safe(str(g["name"])), q.qid, xml_safe(d["text"]), xml_safe(d["citation"]), d["document"],
                           d["page"], d["section"], d["paragraph"], d["score"], ", ".join(q.codes),
                           xml_safe("; ".join(q.also_in)), d["passage_id"]])
        recs = wb.create_sheet("recommendations")
        recs.append(["rank", "recommendation", "key words", "passages", "sources", "quote ids", "example quote",
                     "example citation"])
        for i, c in enumerate(self.clusters, 1):
            first = c["quotes"][0] if c["quotes"] else None
            recs.append([i, xml_safe(c["name"]), " · ".join(c["terms"]), c["passages"], c["sources"], ", ".join(c["members"]),
                         xml_safe(first.passage["text"]) if first else None, xml_safe(first.cite) if first else None])
        about = wb.create_sheet("about")
        about.append(["key", "value"])
        about.append(["title", self._title()])
        about.append(["summary", self._intro()])
        for k, v in self.provenance.to_dict().items():
            about.append([k, v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)])
        for sheet, widths in ((ws, {"A": 24, "C": 90, "D": 50}), (recs, {"B": 60, "C": 30, "G": 90}), (about, {"B": 100})):
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            for col, w in widths.items():
                sheet.column_dimensions[col].width = w
            sheet.freeze_panes = "A2"
        for row in ws.iter_rows(min_row=2, min_col=3, max_col=3):
            row[0].alignment = Alignment(wrap_text=True, vertical="top")
        wb.save(str(path))

def _shingles(text: str, n: int = 5) -> set[tuple[str, ...]]:
    words = [w.lower() for w in _WORD.findall(text)]
    return {tuple(words[i:i + n]) for i in range(max(1, len(words) - n + 1))}


def _dedupe(rows: list[dict[str, Any]], vecs: np.ndarray) -> tuple[list[int], dict[int, list[int]]]:
    """Indices kept (in the order given, so the best-ranked copy is the one quoted) and, per kept index,
    the near-duplicates folded into it: the same text, an embedding cosine of DUP_SIMILARITY or more, or
    most of the shorter passage's word 5-grams in the other (a summary sentence repeated inside a
    longer paragraph, which the embedding alone scores lower)."""
    kept: list[int] = []
    folded: dict[int, list[int]] = {}
    seen_hash: dict[str, int] = {}
    shingles: dict[int, set[tuple[str, ...]]] = {}
    for i, r in enumerate(rows):
        h = r["text_hash"]
        if h in seen_hash:
            folded[seen_hash[h]].append(i)
            continue
        match = None
        if kept:
            sims = vecs[kept] @ vecs[i]
            j = int(np.argmax(sims))
            if sims[j] >= DUP_SIMILARITY:
                match = kept[j]
            else:
                mine = shingles.setdefault(i, _shingles(r["text"]))
                for j in np.flatnonzero(sims >= DUP_CANDIDATE):
                    other = shingles.setdefault(kept[j], _shingles(rows[kept[j]]["text"]))
                    if len(mine & other) >= DUP_CONTAINMENT * min(len(mine), len(other)):
                        match = kept[j]
                        break
        if match is not None:
            folded[match].append(i)
            seen_hash[h] = match
            continue
        kept.append(i)
        folded[i] = []
        seen_hash[h] = i
    return kept, folded


def _diverse(order: list[int], rows: list[dict[str, Any]], penalty: float, per_group: int,
             max_quotes: int) -> list[int]:
    """Quotes picked greedily by rank, each further quote from the same source costing ``penalty``,
    at most ``per_group`` per group and ``max_quotes`` in all."""
    from_source: Counter = Counter()
    in_group: Counter = Counter()
    left = list(order)
    chosen: list[int] = []
    while left and len(chosen) < max_quotes:
        # max keeps the first of equal keys, and ``left`` is in rank order: ties go to the better-ranked quote
        best = max(left, key=lambda i: rows[i]["rank"] - penalty * from_source[rows[i]["document"]])
        left.remove(best)
        if in_group[rows[best]["grp"]] >= per_group:
            continue
        chosen.append(best)
        from_source[rows[best]["document"]] += 1
        in_group[rows[best]["grp"]] += 1
    return chosen


def _features(store: Any, framework: str, code: str, rows: list[dict[str, Any]], claim_methods: set[str]) -> None:
    """What the substance scorer reads beyond the passage row: the theme label's mapping evidence and
    whether the passage carries an attribution claim of its own."""
    for r in rows:
        label = next((lab for lab in store.labels(r["passage_id"], framework) if lab["code"] == code), None)
        ev = label.get("evidence") if label else None
        r["evidence"] = json.loads(ev) if isinstance(ev, str) and ev else (ev or [])
        r["claimed"] = any(c.get("method") in claim_methods for c in store.claims(r["passage_id"]))


def _kmeans(x: np.ndarray, k: int, iters: int = 30) -> np.ndarray:
    """Deterministic spherical k-means: farthest-point initialisation from the first (best-scored) row."""
    centres = [0]
    d = 1 - x @ x[0]
    for _ in range(1, k):
        nxt = int(np.argmax(d))
        centres.append(nxt)
        d = np.minimum(d, 1 - x @ x[nxt])
    c = x[centres].copy()
    assign = np.zeros(len(x), dtype=int)
    for _ in range(iters):
        new = np.argmax(x @ c.T, axis=1)
        if (new == assign).all() and _ > 0:
            break
        assign = new
        for j in range(k):
            m = x[assign == j]
            if len(m):
                v = m.sum(0)
                c[j] = v / (np.linalg.norm(v) or 1)
    return assign


def _terms(texts: list[str], background: Counter, n_docs: int, top: int = 4) -> list[str]:
    """Key terms of a cluster: stems frequent in it and rarer in the theme as a whole; shown as the most
    common written form."""
    tf: Counter = Counter()
    forms: dict[str, Counter] = {}
    for t in texts:
        for w in set(w.lower() for w in _WORD.findall(t)):
            if len(w) < 3 or w in STOP or w.isdigit():
                continue
            s = stem(w)
            tf[s] += 1
            forms.setdefault(s, Counter())[w] += 1
    scored = sorted(tf, key=lambda s: (-(tf[s] / len(texts)) * np.log((1 + n_docs) / (1 + background[s])), s))
    return [forms[s].most_common(1)[0][0] for s in scored[:top]]


def build(corpus: Any, theme: str = "data", *, framework: str | None = None, by: str = "document",
          per_group: int = 8, max_quotes: int = 40, max_passages: int = 600, min_chars: int = 80,
          model: str = "static", lexicon: str | None = None, min_relevance: float | None = None) -> Synthesis:
    """The synthesis of ``theme``: passages carrying its label, ranked by relevance (the label's score) plus
    substance (report/substance.py, lexicon ``lexicon`` or the built-in one), near-duplicates folded,
    those below the lexicon's ``min_substance`` set aside and those whose label scores below ``min_relevance``
    (the lexicon's unless given) left unquoted, then picked across sources; recurring
    recommendations clustered from the recommendation passages among them."""
    from ..map.embed import get_embedder

    fw_id, code = parse_theme(theme)
    fw = frameworks_of(corpus, fw_id)[0]
    cat = fw.category(code)
    code = cat.code  # as the framework spells it ("DATA" → "data")
    store = corpus.store
    require_mapped(store, fw.id)
    rows = [r for r in store.labelled_passages(fw.id, code, limit=max_passages * 3, grouping=grouping(by, corpus))
            if len(r["text"]) >= min_chars and r["kind"] != "reference"][:max_passages]  # bibliographies are no findings
    lex = load_lexicon(lexicon)
    _features(store, fw.id, code, rows, set(lex.data["claim"]["methods"]))
    for r in rows:
        r["category_title"] = cat.title
        r["substance"] = substance(r, lex)
        r["rank"] = r["score"] + lex.number("substance_weight") * r["substance"].score
    rows.sort(key=lambda r: (-r["rank"], r["passage_id"]))
    emb = get_embedder(model)
    vecs = emb.encode([r["text"] for r in rows]) if rows else np.zeros((0, 1))
    kept, folded = _dedupe(rows, vecs)
    # one floor for every framework: a themes label (rules and similarity) and a classifier's calibrated
    # probability alike reach some passages weakly, and a synthesis filled with them is mostly marginal
    floor = float(min_relevance) if min_relevance is not None else lex.number("min_relevance")
    weak = [i for i in kept if rows[i]["score"] < floor]
    strong = [i for i in kept if rows[i]["score"] >= floor]
    def quotable(i: int) -> bool:
        return rows[i]["substance"].score >= lex.number("min_substance") and not rows[i]["substance"].passing

    usable = [i for i in strong if quotable(i)]
    set_aside = [i for i in strong if not quotable(i)]
    chosen = _diverse(usable, rows, lex.number("diversity_penalty"), per_group, max_quotes)
    codes: dict[str, list[str]] = {}
    extra_fws = []
    if framework:
        for other in frameworks_of(corpus, framework):
            extra_fws.append(other)
            for pid, cs in store.assigned_codes([rows[i]["passage_id"] for i in usable], other.id).items():
                codes.setdefault(pid, []).extend(f"{other.id.upper()} {c}" for c in cs[:4])
    quotes: dict[int, Quote] = {}
    for n, i in enumerate(usable, 1):
        r = rows[i]
        quotes[i] = Quote(f"q{n}", r, codes.get(r["passage_id"], []), [citation(rows[j]) for j in folded[i]])
    passages_in: Counter = Counter(str(rows[i]["grp"]) if rows[i]["grp"] is not None else "(unknown)" for i in kept)
    by_group: dict[str, list[int]] = {}
    for i in chosen:
        g = rows[i]["grp"]
        by_group.setdefault(str(g) if g is not None else "(unknown)", []).append(i)
    titles = {r["document"]: r["title"] for r in rows} if by == "document" else {}
    usable_at = {i: k for k, i in enumerate(usable)}
    chosen_at = {i: k for k, i in enumerate(chosen)}
    groups = [{"name": f"{titles.get(g, g)} ({g})" if titles.get(g) and titles[g] != g else g,
               "passages": passages_in[g], "quotes": [quotes[i] for i in sorted(ix, key=usable_at.__getitem__)]}
              for g, ix in sorted(by_group.items(), key=lambda kv: min(chosen_at[i] for i in kv[1]))]
    clusters = _recommendation_clusters(rows, vecs, usable, folded, quotes, lex)
    infos = [framework_info(fw, model)] + [framework_info(f, model) for f in extra_fws]
    return Synthesis(theme={"framework": fw.id, "code": code, "title": f"{cat.title}"}, by=by, groups=groups,
                     clusters=clusters,
                     provenance=Provenance(str(corpus.path), infos, {"theme": theme, "framework": framework, "by": by,
                                                                     "per_group": per_group, "max_quotes": max_quotes,
                                                                     "max_passages": max_passages,
                                                                     "lexicon": lexicon, "min_relevance": floor}),
                     n_passages=len(rows), n_collapsed=len(rows) - len(kept), n_weak=len(weak), min_relevance=floor,
                     set_aside=[{"passage_id": rows[i]["passage_id"], "citation": citation(rows[i]),
                                 "substance": rows[i]["substance"].score, "reasons": rows[i]["substance"].explain()}
                                for i in set_aside])


def _recommendation_clusters(rows: list[dict[str, Any]], vecs: np.ndarray, usable: list[int],
                             folded: dict[int, list[int]], quotes: dict[int, Quote], lex: Any) -> list[dict[str, Any]]:
    """Recurring recommendations: the recommendation passages (a sentence that recommends, see
    substance.recommendation_sentence) clustered by embedding; a cluster of two or more passages is named
    by the recommended action of its most central member, in that member's words."""
    rec = [i for i in usable if is_recommendation(rows[i]["text"], lex)]
    if len(rec) < 2:
        return []
    k = int(min(12, max(2, round(np.sqrt(len(rec))))))
    assign = _kmeans(vecs[rec], k)
    background: Counter = Counter()
    for i in usable:
        background.update({stem(w.lower()) for w in _WORD.findall(rows[i]["text"])})
    clusters: list[dict[str, Any]] = []
    for j in range(k):
        members = [rec[m] for m in np.flatnonzero(assign == j)]
        if len(members) < 2:
            continue
        centre = vecs[members].mean(0)
        order = sorted(members, key=lambda i: -float(vecs[i] @ centre))
        name_from = next(i for i in order if recommendation_phrase(rows[i]["text"], lex))
        sources = {rows[i]["document"] for i in members} | {rows[f]["document"] for i in members for f in folded[i]}
        clusters.append({"name": recommendation_phrase(rows[name_from]["text"], lex), "named_from": quotes[name_from].qid,
                         "terms": _terms([rows[i]["text"] for i in members], background, len(usable)),
                         "passages": len(members), "sources": len(sources),
                         "members": [quotes[i].qid for i in order], "quotes": [quotes[i] for i in order[:2]]})
    clusters.sort(key=lambda c: (-c["sources"], -c["passages"], c["name"]))
    return clusters
