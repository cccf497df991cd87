"""Evidence map: categories × groups (documents, years, formats, countries …) with passage and
document counts, mean scores, gaps, a chart and exports (CSV, XLSX, JSON, EPPI-Mapper JSON)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import EvimapError
from .base import HTML_HEAD, Provenance, Report, counted, esc, md_cell, require_mapped, xml_safe


def _said(column: str) -> str:
    """Who said a passage, as SQL: the claim of its whole document (doc_claims: a UNGDC speech is its state's),
    else the passage's first claim with that column set (most passages have one actor)."""
    return (f"COALESCE((SELECT dc.{column} FROM doc_claims dc WHERE dc.doc_id = p.doc_id), "
            f"(SELECT c.{column} FROM claims c WHERE c.passage_id = p.id AND c.{column} IS NOT NULL "
            "ORDER BY c.rowid LIMIT 1))")


# Group dimensions → SQL over documents d / passages p. Actor dimensions come with attribution.
GROUPS = {
    "document": "d.name",
    "year": "CAST(d.year AS TEXT)",
    "format": "d.format",
    "language": "d.language",
    "actor": _said("actor"),
    "actor-type": _said("actor_type"),
    # the state that said it (a Member State's statement, a UNGDC file, a delegate of that state)
    "country": _said("country"),
    "region": _said("region"),
    # the country a passage names first (what it is about, rather than who said it)
    "mentioned-country": "(SELECT m.code FROM mentions m WHERE m.passage_id = p.id AND m.kind = 'country' "
                         "ORDER BY m.rowid LIMIT 1)",
    "event": "(SELECT e.name FROM event_passages ep JOIN events e ON e.id = ep.event_id "
             "WHERE ep.passage_id = p.id LIMIT 1)",
}


def group_sql(by: str) -> str:
    if by in GROUPS:
        return GROUPS[by]
    raise EvimapError(f"--by {by!r}: unknown grouping (choose from: {', '.join(GROUPS)})")


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
    weak: int = 3
    kind = "map"
    formats = ("md", "html", "json", "csv", "xlsx", "png", "svg", "eppi")
    _chart_groups: int = field(default=30, repr=False)

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
                "gaps": self.gaps}

    # ---- text formats -------------------------------------------------------------------------
    def _title(self) -> str:
        t = f"Evidence map — {self.framework['name']} by {self.by}"
        return t + (f" (theme: {self.theme})" if self.theme else "")

    def to_markdown(self) -> str:
        groups = self.groups[: self._chart_groups]
        lines = [f"# {self._title()}", "",
                 f"{len(self.categories)} categories × {len(self.groups)} groups; cells give passages "
                 f"(distinct documents). " + (f"First {len(groups)} groups by size shown; all are in the "
                                             f"JSON/CSV/XLSX exports." if len(groups) < len(self.groups) else ""), "",
                 "| code | category | " + " | ".join(md_cell(g["name"]) for g in groups) + " | total |",
                 "|---|---|" + "---:|" * (len(groups) + 1)]
        tot = self.totals
        for c in self.categories:
            cells = [self.cells.get((c["code"], g["name"])) for g in groups]
            lines.append(f"| {c['code']} | {md_cell(c['title'][:70])} | " + " | ".join(
                f"{x.passages} ({x.documents})" if x else "·" for x in cells) +
                f" | {tot.get(c['code'], Cell()).passages} |")
        lines += ["", "## Gaps", ""]
        if not self.gaps:
            lines.append(f"Every category has at least {counted(self.weak, 'passage')}.")
        for gp in self.gaps:
            silent = ", ".join(gp["silent_groups"][:10]) + (" …" if len(gp["silent_groups"]) > 10 else "")
            lines.append(f"- **{gp['code']}** {gp['title']} — {gp['status']}: "
                         f"{counted(gp['passages'], 'passage')} in "
                         f"{counted(gp['documents'], 'document')}; silent: {len(gp['silent_groups'])} of "
                         f"{counted(len(self.groups), 'group')}" + (f" ({silent})" if silent else ""))
        lines += ["", f"*{self.provenance.line()}*", ""]
        return "\n".join(lines)

    def to_html(self) -> str:
        groups = self.groups[: self._chart_groups]
        tot = self.totals
        top = max([c.passages for c in self.cells.values()] or [1])
        rows = []
        for c in self.categories:
            tds = []
            for g in groups:
                x = self.cells.get((c["code"], g["name"]))
                shade = 0 if not x else 0.15 + 0.85 * x.passages / top
                tds.append(f'<td style="background:rgba(0,84,147,{shade:.2f});color:{"#fff" if shade > .5 else "#000"}">'
                           f'{f"{x.passages} ({x.documents})" if x else "·"}</td>')
            rows.append(f"<tr><td>{esc(c['code'])} {esc(c['title'][:70])}</td>{''.join(tds)}"
                        f"<td>{tot.get(c['code'], Cell()).passages}</td></tr>")
        gaps = "".join(f"<li><b>{esc(g['code'])}</b> {esc(g['title'])} — {esc(g['status'])}: "
                       f"{counted(g['passages'], 'passage')}; "
                       f"silent groups: {len(g['silent_groups'])}</li>" for g in self.gaps)
        return (HTML_HEAD.format(title=esc(self._title())) + f"<h1>{esc(self._title())}</h1>"
                "<p>Cells: passages (distinct documents).</p><table><tr><th>category</th>"
                + "".join(f"<th>{esc(g['name'])}</th>" for g in groups) + "<th>total</th></tr>" + "".join(rows)
                + f"</table><h2>Gaps</h2><ul>{gaps or '<li>none</li>'}</ul>"
                f'<p class="prov">{esc(self.provenance.line())}</p></body></html>\n')

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
        sheet("gaps", ["code", "category", "status", "passages", "documents", "silent groups"],
              [[g["code"], g["title"], g["status"], g["passages"], g["documents"], ", ".join(g["silent_groups"])]
               for g in self.gaps], {2: 48, 6: 80})
        sheet("cell passages", ["code", "group", "rank", "score", "document", "page", "section", "paragraph",
                                "passage id", "text"],
              [[p["code"], p["grp"], p["rank"], round(p["score"], 4), p["document"], p["page"], p["section"],
                p["paragraph"], p["passage_id"], p["text"]] for p in self.cell_passages], {5: 30, 10: 100})
        sheet("about", ["key", "value"], [[k, json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v]
                                          for k, v in self.provenance.to_dict().items()], {1: 18, 2: 100})
        del wb["Sheet"]
        wb.save(path)

    def to_dataframe(self):
        try:
            import pandas as pd
        except ImportError:
            raise EvimapError("to_dataframe needs pandas: pip install pandas") from None
        return pd.DataFrame([{"code": code, "group": g, "passages": c.passages, "documents": c.documents,
                              "mean_score": c.mean_score} for (code, g), c in sorted(self.cells.items())])


def build(corpus: Any, framework: str = "gcm", by: str = "document", *, theme: str | None = None,
          level: str | None = None, documents: list[str] | None = None, weak: int = 3, per_cell: int = 20,
          model: str = "static") -> CoverageMap:
    """Evidence map of ``framework`` (top level, main facet unless ``level``) grouped ``by``."""
    from ..frameworks import BUILTIN
    from ..map import load_frameworks
    from .base import framework_info

    fw = load_frameworks(framework)[0]
    gsql = group_sql(by)
    level = level or (fw.levels[0] if fw.levels else None)
    main_facet = next(iter(fw.facets), None) if fw.facets else None
    cats = map_categories(fw, level)
    store = corpus.store
    require_mapped(store, fw.id)
    theme_key = parse_theme(theme)
    if theme_key and theme_key[0] in BUILTIN:  # an unknown theme names the valid ones, not an empty map
        theme_key = (theme_key[0], load_frameworks(theme_key[0])[0].category(theme_key[1]).code)
    doc_ids = [corpus.document(d).id for d in documents] if documents else None
    wanted = {c.code for c in cats}
    cells = {(r["code"], str(r["grp"]) if r["grp"] is not None else "(none)"): Cell(r["passages"], r["documents"], r["mean_score"])
             for r in store.coverage(fw.id, gsql, theme=theme_key, doc_ids=doc_ids) if r["code"] in wanted}
    sizes = store.group_sizes(gsql, theme=theme_key, doc_ids=doc_ids)
    covered: dict[str, int] = {}
    for (_, g), c in cells.items():
        covered[g] = covered.get(g, 0) + c.passages
    groups = sorted(({"name": str(s["grp"]) if s["grp"] is not None else "(none)", "passages": s["passages"],
                      "documents": s["documents"]} for s in sizes), key=lambda g: (-covered.get(g["name"], 0), g["name"]))
    cmap = CoverageMap(
        framework={**framework_info(fw, model), "level": level, "facet": main_facet}, by=by,
        categories=[{"code": c.code, "title": c.title} for c in cats], groups=groups, cells=cells, gaps=[],
        cell_passages=[p for p in store.cell_passages(fw.id, gsql, per_cell, theme=theme_key, doc_ids=doc_ids)
                       if p["code"] in wanted],
        provenance=Provenance(str(corpus.path), [framework_info(fw, model)],
                              {"by": by, "theme": theme, "level": level, "documents": documents, "weak": weak}),
        theme=theme, weak=weak)
    for p in cmap.cell_passages:
        p["grp"] = str(p["grp"]) if p["grp"] is not None else "(none)"
    tot = cmap.totals
    for c in cats:
        t = tot.get(c.code, Cell())
        if t.passages >= weak and t.documents >= 2:
            continue
        cmap.gaps.append({"code": c.code, "title": c.title,
                          "status": "no evidence" if t.passages == 0 else "weak evidence",
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
