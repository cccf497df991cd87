"""Evidence map: categories × groups (documents, years, formats, countries …) with passage and
document counts, mean scores, gaps, a chart and exports (CSV, XLSX, JSON, EPPI-Mapper JSON)."""

from __future__ import annotations

import csv
import io
import json
import math
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import EvimapError
from ..store.groups import NAMES, Grouping
from .base import HTML_HEAD, Provenance, Report, counted, esc, md_cell, require_mapped, xml_safe


# Group dimensions (the store turns each into its query: store/groups.py).
GROUPS = NAMES
# What each grouping means, for help texts and docs (every key of GROUPS has one).
GROUP_MEANINGS = {
    "document": "the document, near-duplicates merged into the one they copy",
    "year": "the document's year, in date order",
    "format": "the file format",
    "language": "the passage's language (its document's for passages stored before passages had one)",
    "actor": "who said it",
    "actor-type": "the type of who said it, e.g. Member State",
    "country": "the state that said it, else the country it names, else the country its document is about",
    "region": "the M49 region of the state that said it",
    "mentioned-country": "the country it names first",
    "event": "the event it reports on",
}
SEVERAL_COUNTRIES = "(several countries)"
# How a passage got its country under --by country, in the order the rules are tried.
COUNTRY_RULES = {
    "said": "said by that state",
    "named": "named in the passage",
    "title": "named in its document's title",
    "most-named": "the country most of its document's passages name",
    "several": "its document names several countries, none in most passages",
    "none": "no country",
}


def grouping(by: str, corpus: Any = None) -> Grouping:
    """The ``by`` grouping of passages. ``country`` needs ``corpus`` to fall back on the country each document
    is about; without it, passages that name no country have none."""
    if by not in GROUPS:
        raise EvimapError(f"--by {by!r}: unknown grouping (choose from: {', '.join(GROUPS)})")
    if by == "country" and corpus is not None:
        return Grouping("country", document_countries(corpus))
    return Grouping(by)


def document_countries(corpus: Any, min_passages: int = 3) -> dict[str, tuple[str, str]]:
    """The country each document is about, with the rule that gave it: the one country its title names
    ("title"), else the country named first in most (over half) of its passages that name one, and in at
    least ``min_passages`` ("most-named"); a document naming several countries that often, none in most
    passages, gets SEVERAL_COUNTRIES ("several"). Documents a state said as a whole (a UNGDC speech) are
    left out: their passages already have the state's country."""
    from ..attribute.gazetteer import gazetteer

    gaz = gazetteer()
    found: dict[str, tuple[str, str]] = {}
    for d in corpus.documents():
        countries = {m.entry.code for m in gaz.find(d.title or "") if m.entry.kind == "country"}
        if len(countries) == 1:
            found[d.id] = (countries.pop(), "title")
    counts: dict[str, dict[str, int]] = {}
    for row in corpus.store.group_sizes(Grouping("document-mentioned-country")):
        if row["grp"] is not None:
            doc_id, code = str(row["grp"]).split(" ", 1)
            counts.setdefault(doc_id, {})[code] = row["passages"]
    for doc_id, per_country in counts.items():
        if doc_id in found:
            continue
        code, n = max(per_country.items(), key=lambda kv: (kv[1], kv[0]))
        if n >= min_passages and n * 2 > sum(per_country.values()):
            found[doc_id] = (code, "most-named")
        elif sum(v >= min_passages for v in per_country.values()) >= 2:
            found[doc_id] = (SEVERAL_COUNTRIES, "several")
    return found


# A category is weak evidence below this share of the passages of the median category with evidence: half
# the median flags the thin tail of a map (GCM objectives 11, 13, 14, 16 and 22 over the seeds and IOM
# evaluations, 3-6 passages against a median of 18) whatever the corpus size, where a fixed count flags
# nothing in a large corpus and everything in a small one.
WEAK_SHARE = 0.5


@dataclass(frozen=True)
class GapRule:
    """When a category of a map is a gap: no passage ("no evidence"), or fewer passages than ``share`` of the
    median category with evidence, or passages from one document only when the map has several ("weak
    evidence"). The one rule the Markdown, HTML, JSON and XLSX reports, the CLI and the web state."""

    share: float
    median: float  # passages of the median category with at least one
    min_documents: int = 2

    @property
    def min_passages(self) -> int:
        """The fewest passages a category needs not to be weak (passages are whole numbers)."""
        return max(1, math.ceil(self.share * self.median))

    def status(self, passages: int, documents: int) -> str | None:
        if passages == 0:
            return "no evidence"
        if passages < self.min_passages or documents < self.min_documents:
            return "weak evidence"
        return None

    def describe(self) -> str:
        single = " or passages from a single document" if self.min_documents > 1 else ""
        return (f"A category is a gap when it has no passage (no evidence), or fewer than "
                f"{counted(self.min_passages, 'passage')} ({self.share:g} × the {self.median:g} of the median "
                f"category with evidence){single} (weak evidence).")

    def to_dict(self) -> dict[str, Any]:
        return {"share": self.share, "median_passages": self.median, "min_passages": self.min_passages,
                "min_documents": self.min_documents, "text": self.describe()}


def check_share(share: float) -> None:
    if not 0 < share <= 1:
        raise EvimapError(f"--weak {share:g}: give a share of the median category's passages between 0 and 1 "
                          f"(default {WEAK_SHARE:g})")


def gap_rule(passages_per_category: list[int], documents_in_map: int, share: float = WEAK_SHARE) -> GapRule:
    """The gap rule of a map whose categories have these passage counts."""
    check_share(share)
    with_evidence = [n for n in passages_per_category if n > 0]
    return GapRule(share, float(statistics.median(with_evidence)) if with_evidence else 0.0,
                   2 if documents_in_map > 1 else 1)


@dataclass
class Cell:
    passages: int = 0
    documents: int = 0
    mean_score: float = 0.0


@dataclass
class CoverageMap(Report):
    framework: dict[str, Any]
    by: str
    categories: list[dict[str, str]]  # code, title
    groups: list[dict[str, Any]]  # name, passages, documents (denominators)
    cells: dict[tuple[str, str], Cell]
    gaps: list[dict[str, Any]]
    cell_passages: list[dict[str, Any]]
    provenance: Provenance
    theme: str | None = None
    rule: GapRule = field(default_factory=lambda: GapRule(WEAK_SHARE, 0.0))
    # near-duplicate documents counted as the document they copy: document, into, similarity
    merged: list[dict[str, Any]] = field(default_factory=list)
    # --by country: passages per rule of COUNTRY_RULES that gave them their country
    country_rules: dict[str, int] = field(default_factory=dict)
    kind = "map"
    formats = ("md", "html", "json", "csv", "xlsx", "png", "svg", "eppi")
    _chart_groups: int = field(default=30, repr=False)

    def shown_groups(self, limit: int | None = None) -> list[dict[str, Any]]:
        """The groups a table or chart shows: the ``limit`` with most evidence, in the map's order (years by date)."""
        limit = self._chart_groups if limit is None else limit
        if len(self.groups) <= limit:
            return list(self.groups)
        keep = {g["name"] for g in sorted(self.groups, key=lambda g: -g.get("covered", 0))[:limit]}
        return [g for g in self.groups if g["name"] in keep]

    def gap_summary(self) -> str:
        """The gaps in one sentence, the same in every format and in the web app."""
        if not self.gaps:
            return f"No gaps: every one of the {len(self.categories)} categories has evidence above the rule."
        weak = sum(g["status"] == "weak evidence" for g in self.gaps)
        return (f"{len(self.gaps)} of {len(self.categories)} categories are gaps "
                f"({len(self.gaps) - weak} with no evidence, {weak} with weak evidence).")

    def notes(self) -> list[str]:
        """What a reader must know to read the columns: merged near-duplicates, where countries come from."""
        out = []
        if self.merged:
            where = "column" if self.by == "document" else "group"
            out.append(f"Near-duplicate documents merged into the {where} of the document they duplicate "
                       "(their passages counted once, as that document's): "
                       + "; ".join(f"{m['document']} → {m['into']} (containment {m['similarity']:.2f})"
                                   for m in self.merged) + ".")
        if self.country_rules:
            total = sum(self.country_rules.values())
            parts = [f"{COUNTRY_RULES[k]} {n:,}" for k, n in self.country_rules.items() if n]
            out.append(f"Country of each of the {total:,} passages, first rule that gives one: " + "; ".join(parts) + ".")
        return out

    # ---- views ----------------------------------------------------------------------------
    def matrix(self, value: str = "passages") -> list[list[Any]]:
        """Rows: category code, title, then one value per group, then the row total."""
        out = []
        for c in self.categories:
            vals = [getattr(self.cells.get((c["code"], g["name"]), Cell()), value) for g in self.groups]
            total = self.totals.get(c["code"], Cell())
            out.append([c["code"], c["title"], *vals, getattr(total, value)])
        return out

    @property
    def totals(self) -> dict[str, Cell]:
        tot: dict[str, Cell] = {}
        for (code, _), cell in self.cells.items():
            t = tot.setdefault(code, Cell())
            t.mean_score = (t.mean_score * t.passages + cell.mean_score * cell.passages) / max(1, t.passages + cell.passages)
            t.passages += cell.passages
            t.documents += cell.documents  # a document belongs to one group, so per-group counts add up
        return tot

    def ranking(self) -> list[tuple[str, int]]:
        """Categories by passages, best covered first."""
        tot = self.totals
        return sorted(((c["code"], tot.get(c["code"], Cell()).passages) for c in self.categories),
                      key=lambda kv: (-kv[1], kv[0]))

    def to_dict(self) -> dict[str, Any]:
        return {"framework": self.framework, "by": self.by, "theme": self.theme,
                "categories": self.categories, "groups": self.groups,
                "cells": [{"code": code, "group": g, "passages": c.passages, "documents": c.documents,
                           "mean_score": round(c.mean_score, 4)} for (code, g), c in sorted(self.cells.items())],
                "totals": {code: {"passages": c.passages, "documents": c.documents}
                           for code, c in self.totals.items()},
                "gap_rule": self.rule.to_dict(), "gap_summary": self.gap_summary(), "gaps": self.gaps,
                "merged": self.merged, "country_rules": self.country_rules, "notes": self.notes()}

    # ---- text formats -------------------------------------------------------------------------
    def _title(self) -> str:
        t = f"Evidence map — {self.framework['name']} by {self.by}"
        return t + (f" (theme: {self.theme})" if self.theme else "")

    def to_markdown(self) -> str:
        groups = self.shown_groups()
        lines = [f"# {self._title()}", "",
                 f"{len(self.categories)} categories × {len(self.groups)} groups; cells give passages "
                 f"(distinct documents). " + (f"The {len(groups)} groups with most evidence shown; all are in the "
                                             f"JSON/CSV/XLSX exports." if len(groups) < len(self.groups) else ""), "",
                 *[line for note in self.notes() for line in (note, "")],
                 "| code | category | " + " | ".join(md_cell(g["name"]) for g in groups) + " | total |",
                 "|---|---|" + "---:|" * (len(groups) + 1)]
        tot = self.totals
        for c in self.categories:
            cells = [self.cells.get((c["code"], g["name"])) for g in groups]
            lines.append(f"| {c['code']} | {md_cell(c['title'][:70])} | " + " | ".join(
                f"{x.passages} ({x.documents})" if x else "·" for x in cells) +
                f" | {tot.get(c['code'], Cell()).passages} |")
        lines += ["", "## Gaps", "", self.rule.describe(), "", self.gap_summary(), ""]
        for gp in self.gaps:
            silent = ", ".join(gp["silent_groups"][:10]) + (" …" if len(gp["silent_groups"]) > 10 else "")
            lines.append(f"- **{gp['code']}** {gp['title']} — {gp['status']}: "
                         f"{counted(gp['passages'], 'passage')} in "
                         f"{counted(gp['documents'], 'document')}; silent: {len(gp['silent_groups'])} of "
                         f"{counted(len(self.groups), 'group')}" + (f" ({silent})" if silent else ""))
        lines += ["", f"*{self.provenance.line()}*", ""]
        return "\n".join(lines)

    def to_html(self) -> str:
        groups = self.shown_groups()
        tot = self.totals
        top = max([c.passages for c in self.cells.values()] or [1])
        rows = []
        for c in self.categories:
            tds = []
            for g in groups:
                x = self.cells.get((c["code"], g["name"]))
                shade = 0 if not x else 0.15 + 0.85 * log_share(x.passages, top)
                tds.append(f'<td style="background:rgba(0,84,147,{shade:.2f});color:{"#fff" if shade > .5 else "#000"}">'
                           f'{f"{x.passages} ({x.documents})" if x else "·"}</td>')
            rows.append(f"<tr><td>{esc(c['code'])} {esc(c['title'][:70])}</td>{''.join(tds)}"
                        f"<td>{tot.get(c['code'], Cell()).passages}</td></tr>")
        gaps = "".join(f"<li><b>{esc(g['code'])}</b> {esc(g['title'])} — {esc(g['status'])}: "
                       f"{counted(g['passages'], 'passage')}; "
                       f"silent groups: {len(g['silent_groups'])}</li>" for g in self.gaps)
        return (HTML_HEAD.format(title=esc(self._title())) + f"<h1>{esc(self._title())}</h1>"
                "<p>Cells: passages (distinct documents); shading on a log scale.</p>"
                + "".join(f"<p>{esc(n)}</p>" for n in self.notes()) + "<table><tr><th>category</th>"
                + "".join(f"<th>{esc(g['name'])}</th>" for g in groups) + "<th>total</th></tr>" + "".join(rows)
                + f"</table><h2>Gaps</h2><p>{esc(self.rule.describe())}</p><p>{esc(self.gap_summary())}</p>"
                + (f"<ul>{gaps}</ul>" if gaps else "")
                + f'<p class="prov">{esc(self.provenance.line())}</p></body></html>\n')

    def to_csv(self) -> str:
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["code", "category", "group", "passages", "documents", "mean_score"])
        titles = {c["code"]: c["title"] for c in self.categories}
        for (code, g), c in sorted(self.cells.items()):
            w.writerow([code, titles.get(code, ""), g, c.passages, c.documents, round(c.mean_score, 4)])
        return buf.getvalue()

    def to_eppi(self) -> str:
        """JSON in the shape of an EPPI-Reviewer export (CodeSets + References), which EPPI-Mapper reads:
        one code set for the framework's categories, one for the grouping; each document a reference
        coded with the categories it has evidence for, the best quote as the code's additional text."""
        cat_ids = {c["code"]: 1000 + i for i, c in enumerate(self.categories)}
        grp_ids = {g["name"]: 5000 + i for i, g in enumerate(self.groups)}
        codesets = [
            {"SetId": 1, "SetName": self.framework["name"], "SetType": {"SetTypeName": "Standard"},
             "Attributes": {"AttributesList": [{"AttributeId": cat_ids[c["code"]], "AttributeName": f"{c['code']} {c['title']}",
                                                "AttributeType": "Selectable (show checkbox)"} for c in self.categories]}},
            {"SetId": 2, "SetName": f"by {self.by}", "SetType": {"SetTypeName": "Standard"},
             "Attributes": {"AttributesList": [{"AttributeId": grp_ids[g["name"]], "AttributeName": str(g["name"]),
                                                "AttributeType": "Selectable (show checkbox)"} for g in self.groups]}},
        ]
        refs: dict[str, dict[str, Any]] = {}
        for p in self.cell_passages:
            r = refs.setdefault(p["document"], {"ItemId": len(refs) + 1, "Title": p["title"], "ShortTitle": p["document"],
                                                "Codes": [], "_seen": set()})
            if p["code"] not in r["_seen"]:
                r["_seen"].add(p["code"])
                r["Codes"].append({"AttributeId": cat_ids[p["code"]], "AdditionalText": p["text"][:500]})
            if p["grp"] is not None and ("g", p["grp"]) not in r["_seen"]:
                r["_seen"].add(("g", p["grp"]))
                r["Codes"].append({"AttributeId": grp_ids[p["grp"]], "AdditionalText": ""})
        for r in refs.values():
            r.pop("_seen")
        return json.dumps({"CodeSets": codesets, "References": list(refs.values()),
                           "evimap": self.provenance.to_dict()}, ensure_ascii=False, indent=1)

    # ---- binary formats -------------------------------------------------------------------------
    def to_png(self, path: Path) -> None:
        from .charts import heatmap

        heatmap(self, Path(path), "png")

    def to_svg(self, path: Path) -> None:
        from .charts import heatmap

        heatmap(self, Path(path), "svg")

    def to_xlsx(self, path: Path) -> None:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font, PatternFill

        wb = Workbook()
        bold = Font(bold=True)
        head_fill = PatternFill("solid", fgColor="DDE5F0")

        def sheet(title: str, header: list[str], rows: list[list[Any]], widths: dict[int, int] | None = None):
            ws = wb.create_sheet(title[:31])
            ws.append(header)
            for cell in ws[1]:
                cell.font, cell.fill = bold, head_fill
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            for r in rows:
                ws.append([xml_safe(v) for v in r])
            ws.freeze_panes = "C2" if header[:2] == ["code", "category"] else "A2"
            for col, width in (widths or {}).items():
                ws.column_dimensions[ws.cell(1, col).column_letter].width = width
            return ws

        names = [str(g["name"]) for g in self.groups]
        for value, title in (("passages", "passages"), ("documents", "documents"), ("mean_score", "mean score")):
            rows = self.matrix(value)
            if value == "mean_score":
                rows = [r[:2] + [round(v, 3) if v else None for v in r[2:]] for r in rows]
            sheet(title, ["code", "category", *names, "total"], rows, {2: 48})
        gaps = sheet("gaps", ["code", "category", "status", "passages", "documents", "silent groups"],
                     [[g["code"], g["title"], g["status"], g["passages"], g["documents"], ", ".join(g["silent_groups"])]
                      for g in self.gaps], {2: 48, 6: 80})
        gaps.append([])
        for line in (self.rule.describe(), self.gap_summary(), *self.notes()):
            gaps.append([line])
        sheet("cell passages", ["code", "group", "rank", "score", "document", "page", "section", "paragraph",
                                "passage id", "text"],
              [[p["code"], p["grp"], p["rank"], round(p["score"], 4), p["document"], p["page"], p["section"],
                p["paragraph"], p["passage_id"], p["text"]] for p in self.cell_passages], {5: 30, 10: 100})
        sheet("about", ["key", "value"], [[k, json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v]
                                          for k, v in self.provenance.to_dict().items()]
              + [["gap rule", self.rule.describe()], ["gaps", self.gap_summary()]]
              + [["note", n] for n in self.notes()], {1: 18, 2: 100})
        del wb["Sheet"]
        wb.save(path)

    def to_dataframe(self):
        try:
            import pandas as pd
        except ImportError:
            raise EvimapError("to_dataframe needs pandas: pip install pandas") from None
        return pd.DataFrame([{"code": code, "group": g, "passages": c.passages, "documents": c.documents,
                              "mean_score": c.mean_score} for (code, g), c in sorted(self.cells.items())])


def log_share(value: float, top: float) -> float:
    """Where ``value`` sits between 0 and ``top`` on a log scale (0…1): 1 and 111 passages must look apart
    in a map whose biggest cell has 800, which a linear scale does not do."""
    if value <= 0 or top <= 0:
        return 0.0
    return min(1.0, math.log1p(value) / math.log1p(top))


def _year_key(name: str) -> tuple[int, str]:
    return (0, f"{int(name):08d}") if name.lstrip("-").isdigit() else (1, name)


def build(corpus: Any, framework: str = "gcm", by: str = "document", *, theme: str | None = None,
          level: str | None = None, documents: list[str] | None = None, weak: float = WEAK_SHARE,
          per_cell: int = 20, model: str = "static") -> CoverageMap:
    """Evidence map of ``framework`` (top level, main facet unless ``level``) grouped ``by``. ``weak``: a
    category with fewer passages than this share of the median category's is a gap (GapRule)."""
    from ..frameworks import BUILTIN
    from .base import framework_info, frameworks_of

    fw = frameworks_of(corpus, framework)[0]  # a built-in, a file, or a codebook kept with the store
    check_share(weak)  # a bad share fails before any work
    doc_countries = document_countries(corpus) if by == "country" else {}
    grp = Grouping("country", doc_countries) if by == "country" else grouping(by)
    level = level or (fw.levels[0] if fw.levels else None)
    main_facet = next(iter(fw.facets), None) if fw.facets else None
    cats = map_categories(fw, level)
    store = corpus.store
    require_mapped(store, fw.id)
    theme_key = parse_theme(theme)
    if theme_key and theme_key[0] in BUILTIN:  # an unknown theme names the valid ones, not an empty map
        theme_key = (theme_key[0], frameworks_of(corpus, theme_key[0])[0].category(theme_key[1]).code)
    doc_ids = [corpus.document(d).id for d in documents] if documents else None
    wanted = {c.code for c in cats}
    cells = {(r["code"], str(r["grp"]) if r["grp"] is not None else "(none)"): Cell(r["passages"], r["documents"], r["mean_score"])
             for r in store.coverage(fw.id, grp, theme=theme_key, doc_ids=doc_ids) if r["code"] in wanted}
    sizes = store.group_sizes(grp, theme=theme_key, doc_ids=doc_ids)
    covered: dict[str, int] = {}
    for (_, g), c in cells.items():
        covered[g] = covered.get(g, 0) + c.passages
    groups = [{"name": str(s["grp"]) if s["grp"] is not None else "(none)", "passages": s["passages"],
               "documents": s["documents"]} for s in sizes]
    for g in groups:
        g["covered"] = covered.get(g["name"], 0)
    if by == "year":  # a timeline reads left to right in date order, undated last
        groups.sort(key=lambda g: _year_key(g["name"]))
    else:
        groups.sort(key=lambda g: (-g["covered"], g["name"]))
    all_docs = corpus.documents()
    names = {d.id: d.name for d in all_docs}
    in_map = set(doc_ids) if doc_ids is not None else set(names)
    merged = [{"document": d.name, "into": names.get(d.duplicate_of, d.duplicate_of),
               "similarity": round(d.duplicate_similarity or 0.0, 2)}
              for d in all_docs if d.duplicate_of and d.id in in_map]
    if by == "document":
        by_name = {g["name"]: g for g in groups}
        for m in merged:
            if m["into"] in by_name:
                by_name[m["into"]].setdefault("merged", []).append(m["document"])
    country_rules: dict[str, int] = {}
    if by == "country":
        counts = {str(r["grp"]): r["passages"] for r in store.group_sizes(Grouping("country-rule", doc_countries),
                                                                           theme=theme_key, doc_ids=doc_ids)}
        country_rules = {k: counts.get(k, 0) for k in COUNTRY_RULES}
    cmap = CoverageMap(
        framework={**framework_info(fw, model), "level": level, "facet": main_facet}, by=by,
        categories=[{"code": c.code, "title": c.title} for c in cats], groups=groups, cells=cells, gaps=[],
        cell_passages=[p for p in store.cell_passages(fw.id, grp, per_cell, theme=theme_key, doc_ids=doc_ids)
                       if p["code"] in wanted],
        provenance=Provenance(str(corpus.path), [framework_info(fw, model)],
                              {"by": by, "theme": theme, "level": level, "documents": documents, "weak": weak}),
        theme=theme, merged=merged, country_rules=country_rules)
    for p in cmap.cell_passages:
        p["grp"] = str(p["grp"]) if p["grp"] is not None else "(none)"
    tot = cmap.totals
    cmap.rule = gap_rule([tot.get(c.code, Cell()).passages for c in cats],
                         len(in_map - {d.id for d in all_docs if d.duplicate_of}), weak)
    for c in cats:
        t = tot.get(c.code, Cell())
        status = cmap.rule.status(t.passages, t.documents)
        if status is None:
            continue
        cmap.gaps.append({"code": c.code, "title": c.title, "status": status,
                          "passages": t.passages, "documents": t.documents,
                          "silent_groups": [g["name"] for g in groups if (c.code, g["name"]) not in cells]})
    return cmap


def map_categories(fw: Any, level: str | None = None) -> list[Any]:
    """The rows of a map of ``fw``: its top level (or ``level``), main facet only (e.g. the GCM's 23 objectives)."""
    level = level or (fw.levels[0] if fw.levels else None)
    main_facet = next(iter(fw.facets), None) if fw.facets else None
    return [c for c in fw.at_level(level) if main_facet is None or c.facet == main_facet]


def parse_theme(theme: str | None) -> tuple[str, str] | None:
    """"data" → ("themes", "data"); "gcm:1" and "GCM:1" → ("gcm", "1") (framework ids are lowercase)."""
    if not theme:
        return None
    fw, _, code = theme.strip().rpartition(":")
    is_file = "/" in fw or fw.endswith((".yaml", ".yml"))
    return ((fw if is_file else fw.lower()) or "themes", code)
