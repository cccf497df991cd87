"""Similar documents and document profiles.

Similarity of two documents combines (a) the cosine of their embeddings — the mean of the static
embeddings of up to ``SAMPLE_PASSAGES`` passages spread evenly through the document, computed on first
use and cached in the store (``doc_vectors``), centred on the store's mean document vector (raw
averages of static embeddings are all alike, cosine ≈ 0.9) — and (b) shingle containment: the share of the smaller
document's sampled 5-word shingles found in the other (the fingerprints kept for near-duplicates).
``score = max(cosine, containment)``: a copy is similar even when its topic words are common, and two
documents on the same topic are similar without sharing sentences."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import EvimapError
from .base import HTML_HEAD, Provenance, Report, citation, counted, esc, framework_info, frameworks_of, md_cell

SAMPLE_PASSAGES = 40
# Document vectors computed for read-only stores, per (store path, model): {doc id: (sha256, vector bytes)}
_MEMO: dict[tuple[str, str], dict[str, tuple[str, bytes]]] = {}


def _doc_vectors(corpus: Any, model: str = "static") -> tuple[list[str], np.ndarray]:
    from ..map.embed import get_embedder

    store = corpus.store
    docs = corpus.documents()
    cached = {**store.doc_vectors(model), **_MEMO.get((store.path, model), {})}
    todo = [d for d in docs if cached.get(d.id, ("",))[0] != d.sha256]
    if todo:
        emb = get_embedder(model)
        rows = []
        for d in todo:
            texts = [p["text"] for p in store.passages(d.id) if p["kind"] != "heading"] or [d.title or d.name]
            if len(texts) > SAMPLE_PASSAGES:
                texts = [texts[int(i)] for i in np.linspace(0, len(texts) - 1, SAMPLE_PASSAGES)]
            v = emb.encode(texts).mean(0)
            v = v / (np.linalg.norm(v) or 1.0)
            rows.append((d.id, d.sha256, v.astype(np.float32).tobytes()))
        if getattr(store, "readonly", False):  # a read-only store (the web app): keep them for this process
            memo = _MEMO.setdefault((store.path, model), {})
            memo.update({i: (sha, v) for i, sha, v in rows})
            cached.update(memo)
        else:
            store.put_doc_vectors(model, rows)
            cached = store.doc_vectors(model)
    ids = [d.id for d in docs]
    return ids, np.stack([np.frombuffer(cached[i][1], dtype=np.float32) for i in ids]) if ids else np.zeros((0, 1))


def similar_documents(corpus: Any, ref: str, limit: int = 10, model: str = "static") -> list[dict[str, Any]]:
    doc = corpus.document(ref)
    ids, vecs = _doc_vectors(corpus, model)
    me = ids.index(doc.id)
    # centre on the store's mean document: averaged static embeddings share a large common direction
    centred = vecs - vecs.mean(0)
    centred /= np.maximum(np.linalg.norm(centred, axis=1, keepdims=True), 1e-9)
    cos = centred @ centred[me]
    fps = dict(corpus.store.doc_fingerprints())
    mine = np.frombuffer(fps[doc.id], dtype="<u8")
    by_id = {d.id: d for d in corpus.documents()}
    out = []
    for i, did in enumerate(ids):
        if did == doc.id:
            continue
        other = np.frombuffer(fps[did], dtype="<u8")
        small = min(len(mine), len(other))
        contain = len(np.intersect1d(mine, other, assume_unique=True)) / small if small >= 8 else 0.0
        d = by_id[did]
        out.append({"document": d.name, "title": d.title, "year": d.year, "score": round(max(float(cos[i]), contain), 4),
                    "cosine": round(float(cos[i]), 4), "containment": round(contain, 4),
                    "duplicate": d.duplicate_of == doc.id or doc.duplicate_of == did})
    out.sort(key=lambda r: (-r["score"], r["document"]))
    # a document closer to the store's average than to this one (centred cosine ≤ 0, no shared shingles) is not similar
    return [r for r in out if r["score"] > 0][:limit]


@dataclass
class DocumentProfile(Report):
    document: dict[str, Any]
    profiles: dict[str, list[dict[str, Any]]]  # framework → [{code, title, passages, share, max_score, top: [...]}]
    duplicates: list[dict[str, Any]]
    similar: list[dict[str, Any]]
    provenance: Provenance
    kind = "document"
    formats = ("md", "html", "json", "png", "svg")
    n_passages: int = 0
    _fw_names: dict[str, str] = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {"document": self.document, "passages": self.n_passages, "profiles": self.profiles,
                "duplicates": self.duplicates, "similar": self.similar}

    def _title(self) -> str:
        return f"Document profile — {self.document['title']} ({self.document['name']})"

    def to_markdown(self) -> str:
        d = self.document
        out = [f"# {self._title()}", "", f"Format {d['format']}, year {d['year']}, language {d['language']}, "
               f"{counted(self.n_passages, 'passage')}.", ""]
        for fw, rows in self.profiles.items():
            out += [f"## {self._fw_names.get(fw, fw)}", "", "| code | category | passages | share | max score |",
                    "|---|---|---:|---:|---:|"]
            out += [f"| {r['code']} | {md_cell(r['title'][:70])} | {r['passages']} | {r['share']:.1%} | {r['max_score']:.2f} |"
                    for r in rows]
            out.append("")
            for r in rows[:5]:
                if r["top"]:
                    out += [f"**{r['code']}** {r['title']}", ""]
                    for p in r["top"]:
                        out += [f"> {p['text']}", f"> — *{citation(p)}* (score {p['score']:.2f})", ""]
        out += ["## Duplicates", ""] + ([f"- {x['document']} ({x['relation']}, similarity {x['similarity']})"
                                         for x in self.duplicates] or ["None."])
        out += ["", "## Similar documents", "", "| document | title | score | cosine | shingle containment |",
                "|---|---|---:|---:|---:|"]
        out += [f"| {s['document']} | {md_cell(s['title'])} | {s['score']:.2f} | {s['cosine']:.2f} | {s['containment']:.2f} |"
                for s in self.similar]
        out += ["", f"*{self.provenance.line()}*", ""]
        return "\n".join(out)

    def to_html(self) -> str:
        parts = [HTML_HEAD.format(title=esc(self._title())), f"<h1>{esc(self._title())}</h1>"]
        for fw, rows in self.profiles.items():
            parts.append(f"<h2>{esc(self._fw_names.get(fw, fw))}</h2><table><tr><th>category</th><th>passages</th>"
                         "<th>share</th><th>max score</th></tr>")
            parts += [f"<tr><td>{esc(r['code'])} {esc(r['title'][:70])}</td><td>{r['passages']}</td>"
                      f"<td>{r['share']:.1%}</td><td>{r['max_score']:.2f}</td></tr>" for r in rows]
            parts.append("</table>")
            for r in rows[:5]:
                for p in r["top"]:
                    parts.append(f'<blockquote>{esc(p["text"])}<div class="cite">— {esc(citation(p))} · {esc(r["code"])}'
                                 f"</div></blockquote>")
        parts.append("<h2>Similar documents</h2><table><tr><th>document</th><th>score</th></tr>")
        parts += [f"<tr><td>{esc(s['document'])} — {esc(s['title'])}</td><td>{s['score']:.2f}</td></tr>" for s in self.similar]
        parts.append(f'</table><p class="prov">{esc(self.provenance.line())}</p></body></html>\n')
        return "".join(parts)

    def _chart(self, path: Path, fmt: str) -> None:
        from .charts import bars

        labels, values = [], []
        for fw, rows in self.profiles.items():
            for r in rows:
                if r["passages"]:
                    labels.append(f"{fw} {r['code']} {r['title']}")
                    values.append(r["share"] * 100)
        if not labels:
            raise EvimapError(f"{self.document['name']}: no assigned labels to chart (run `evimap map` first)")
        bars(labels, values, f"{self.document['title'][:60]} — share of passages per category", path, fmt,
             "% of the document's passages")

    def to_png(self, path: Path) -> None:
        self._chart(path, "png")

    def to_svg(self, path: Path) -> None:
        self._chart(path, "svg")


def document_profile(corpus: Any, ref: str, frameworks: str = "gcm,sdg,themes", *, top: int = 2,
                     similar: int = 8, model: str = "static") -> DocumentProfile:
    doc = corpus.document(ref)
    store = corpus.store
    passages = [p for p in store.passages(doc.id) if p["kind"] != "heading"]
    n = len(passages)
    profiles: dict[str, list[dict[str, Any]]] = {}
    fws = frameworks_of(corpus, frameworks)
    for fw in fws:
        level = fw.levels[0] if fw.levels else None
        main = next(iter(fw.facets), None) if fw.facets else None
        cats = [c for c in fw.at_level(level) if main is None or c.facet == main]
        rows = store.document_label_summary(doc.id, fw.id)
        prof = []
        for c in cats:
            r = rows.get(c.code)
            cnt = int(r["passages"] or 0) if r else 0
            tops = store.labelled_passages(fw.id, c.code, limit=top, doc_ids=[doc.id], originals=False) if cnt else []
            prof.append({"code": c.code, "title": c.title, "passages": cnt, "share": cnt / n if n else 0.0,
                         "max_score": round(float(r["max_score"]), 4) if r else 0.0, "top": tops})
        prof.sort(key=lambda x: (-x["passages"], -x["max_score"]))
        profiles[fw.id] = prof
    by_id = {d.id: d for d in corpus.documents()}
    dups = []
    if doc.duplicate_of and doc.duplicate_of in by_id:
        dups.append({"document": by_id[doc.duplicate_of].name, "relation": "copy of", "similarity": doc.duplicate_similarity})
    dups += [{"document": d.name, "relation": "copied by", "similarity": d.duplicate_similarity}
             for d in by_id.values() if d.duplicate_of == doc.id]
    return DocumentProfile(
        document={"name": doc.name, "title": doc.title, "format": doc.format, "year": doc.year, "language": doc.language},
        profiles=profiles, duplicates=dups, similar=similar_documents(corpus, doc.id, similar, model),
        provenance=Provenance(str(corpus.path), [framework_info(f, model) for f in fws], {"document": doc.name}),
        n_passages=n, _fw_names={f.id: f.name for f in fws})
