"""Thematic synthesis: for one theme, what each source said — verbatim, cited quotes grouped by source —
then the recurring recommendations, clustered by similarity and named by their key terms.

Extractive only: every sentence in the body is a passage from the store, quoted with its citation
(document, page, section, paragraph). Near-duplicates (the same paragraph in two versions of a
document) are shown once, with the other places listed."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..frameworks.rules import _WORD, stem
from .base import HTML_HEAD, Provenance, Report, citation, counted, esc, framework_info, require_mapped, xml_safe
from .coverage import parse_theme, group_sql

RECOMMENDATION = re.compile(
    r"\b(should|must|recommend\w*|call(?:s|ed)? (?:for|on|upon)|urg(?:e|es|ed)|need(?:s|ed)? to|encourag\w+|"
    r"stress(?:es|ed)? the (?:need|importance)|propos\w+|invit(?:e|es|ed)|priorit\w+)\b", re.I)
STOP = frozenset("""a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had has have having he
her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now of
off on once only or other our ours ourselves out over own same she should so some such than that the their theirs them
themselves then there these they this those through to too under until up very was we were what when where which while
who whom why will with would you your yours yourself yourselves shall may might must need needs also including
within among well per cent ensure order support use used using make made one two three new""".split())
DUP_SIMILARITY = 0.93  # embedding cosine above which two passages count as the same statement


@dataclass
class Quote:
    qid: str
    passage: dict[str, Any]
    codes: list[str] = field(default_factory=list)
    also_in: list[str] = field(default_factory=list)

    @property
    def cite(self) -> str:
        return citation(self.passage)

    def to_dict(self) -> dict[str, Any]:
        p = self.passage
        return {"id": self.qid, "passage_id": p["passage_id"], "text": p["text"], "citation": self.cite,
                "document": p["document"], "page": p["page"], "section": p["section"], "paragraph": p["paragraph"],
                "score": round(p["score"], 4), "codes": self.codes, "also_in": self.also_in}


@dataclass
class Synthesis(Report):
    theme: dict[str, Any]
    by: str
    groups: list[dict[str, Any]]  # name, passages, quotes: [Quote]
    clusters: list[dict[str, Any]]  # name, terms, passages, sources, quotes: [Quote], members: [qid]
    provenance: Provenance
    n_passages: int = 0
    n_collapsed: int = 0
    kind = "synthesis"
    formats = ("md", "html", "json", "docx", "xlsx")

    def quotes(self) -> list[Quote]:
        return [q for g in self.groups for q in g["quotes"]]

    def to_dict(self) -> dict[str, Any]:
        return {"theme": self.theme, "by": self.by, "passages": self.n_passages, "collapsed_duplicates": self.n_collapsed,
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
                f"{self.theme['code']}); {counted(self.n_collapsed, 'near-duplicate')} {were} collapsed. Quotes are verbatim; "
                f"grouped by {self.by}, strongest first.")

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
            out.append("No recommendation-like passages were found for this theme.")
        for i, c in enumerate(self.clusters, 1):
            links = ", ".join(f"[{m}](#{m})" if m in self._shown() else m for m in c["members"][:12])
            out += [f"{i}. **{' · '.join(c['terms'])}** — {counted(c['passages'], 'passage')} from "
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
            parts.append(f"<li><b>{esc(' · '.join(c['terms']))}</b> — {counted(c['passages'], 'passage')} from "
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
            doc.add_paragraph(f"{' · '.join(c['terms'])} — {counted(c['passages'], 'passage')} from "
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
        recs.append(["rank", "terms", "passages", "sources", "quote ids", "example quote", "example citation"])
        for i, c in enumerate(self.clusters, 1):
            first = c["quotes"][0] if c["quotes"] else None
            recs.append([i, " · ".join(c["terms"]), c["passages"], c["sources"], ", ".join(c["members"]),
                         xml_safe(first.passage["text"]) if first else None, xml_safe(first.cite) if first else None])
        about = wb.create_sheet("about")
        about.append(["key", "value"])
        about.append(["title", self._title()])
        about.append(["summary", self._intro()])
        for k, v in self.provenance.to_dict().items():
            about.append([k, v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)])
        for sheet, widths in ((ws, {"A": 24, "C": 90, "D": 50}), (recs, {"B": 40, "F": 90}), (about, {"B": 100})):
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            for col, w in widths.items():
                sheet.column_dimensions[col].width = w
            sheet.freeze_panes = "A2"
        for row in ws.iter_rows(min_row=2, min_col=3, max_col=3):
            row[0].alignment = Alignment(wrap_text=True, vertical="top")
        wb.save(str(path))

def _dedupe(rows: list[dict[str, Any]], vecs: np.ndarray) -> tuple[list[int], dict[int, list[int]]]:
    """Indices kept (best first) and, per kept index, the near-duplicates folded into it."""
    kept: list[int] = []
    folded: dict[int, list[int]] = {}
    seen_hash: dict[str, int] = {}
    for i, r in enumerate(rows):
        h = r["text_hash"]
        if h in seen_hash:
            folded[seen_hash[h]].append(i)
            continue
        if kept:
            sims = vecs[kept] @ vecs[i]
            j = int(np.argmax(sims))
            if sims[j] >= DUP_SIMILARITY:
                folded[kept[j]].append(i)
                seen_hash[h] = kept[j]
                continue
        kept.append(i)
        folded[i] = []
        seen_hash[h] = i
    return kept, folded


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
          per_group: int = 8, max_passages: int = 600, min_chars: int = 80, model: str = "static") -> Synthesis:
    from ..map import load_frameworks
    from ..map.embed import get_embedder

    fw_id, code = parse_theme(theme)
    fw = load_frameworks(fw_id)[0]
    cat = fw.category(code)
    code = cat.code  # as the framework spells it ("DATA" → "data")
    store = corpus.store
    require_mapped(store, fw.id)
    rows = [r for r in store.labelled_passages(fw.id, code, limit=max_passages * 3, group_sql=group_sql(by))
            if len(r["text"]) >= min_chars][:max_passages]
    emb = get_embedder(model)
    vecs = emb.encode([r["text"] for r in rows]) if rows else np.zeros((0, 1))
    kept, folded = _dedupe(rows, vecs)
    codes: dict[str, list[str]] = {}
    extra_fws = []
    if framework:
        for other in load_frameworks(framework):
            extra_fws.append(other)
            for pid, cs in store.assigned_codes([rows[i]["passage_id"] for i in kept], other.id).items():
                codes.setdefault(pid, []).extend(f"{other.id.upper()} {c}" for c in cs[:4])
    quotes: dict[int, Quote] = {}
    for n, i in enumerate(kept, 1):
        r = rows[i]
        quotes[i] = Quote(f"q{n}", r, codes.get(r["passage_id"], []), [citation(rows[j]) for j in folded[i]])
    by_group: dict[str, list[int]] = {}
    for i in kept:
        g = rows[i]["grp"]
        by_group.setdefault(str(g) if g is not None else "(unknown)", []).append(i)
    titles = {r["document"]: r["title"] for r in rows} if by == "document" else {}
    groups = [{"name": f"{titles.get(g, g)} ({g})" if titles.get(g) and titles[g] != g else g,
               "passages": len(ix), "quotes": [quotes[i] for i in ix[:per_group]]}
              for g, ix in sorted(by_group.items(), key=lambda kv: (-len(kv[1]), kv[0]))]
    # recurring recommendations
    rec = [i for i in kept if RECOMMENDATION.search(rows[i]["text"])]
    clusters: list[dict[str, Any]] = []
    if len(rec) >= 2:
        k = int(min(12, max(2, round(np.sqrt(len(rec) / 2)))))
        assign = _kmeans(vecs[rec], k)
        background: Counter = Counter()
        for i in kept:
            background.update({stem(w.lower()) for w in _WORD.findall(rows[i]["text"])})
        for j in range(k):
            members = [rec[m] for m in np.flatnonzero(assign == j)]
            if not members:
                continue
            centre = vecs[members].mean(0)
            order = sorted(members, key=lambda i: -float(vecs[i] @ centre))
            sources = {rows[i]["document"] for i in members} | {rows[f]["document"] for i in members for f in folded[i]}
            clusters.append({"terms": _terms([rows[i]["text"] for i in members], background, len(kept)),
                             "passages": len(members), "sources": len(sources),
                             "members": [quotes[i].qid for i in order], "quotes": [quotes[i] for i in order[:2]]})
        clusters.sort(key=lambda c: (-c["sources"], -c["passages"]))
    infos = [framework_info(fw, model)] + [framework_info(f, model) for f in extra_fws]
    return Synthesis(theme={"framework": fw.id, "code": code, "title": f"{cat.title}"}, by=by, groups=groups,
                     clusters=clusters,
                     provenance=Provenance(str(corpus.path), infos, {"theme": theme, "framework": framework, "by": by,
                                                                     "per_group": per_group, "max_passages": max_passages}),
                     n_passages=len(rows), n_collapsed=len(rows) - len(kept))
