"""Export a stored table as CSV, XLSX or JSON — as laid out (header + rows) or tidy (long form),
with its caption and source so the numbers keep their provenance."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from ..attribute.tables import tidy
from ..errors import EvimapError
from .base import xml_safe


def table_rows(table: dict[str, Any], tidy_form: bool) -> tuple[list[str], list[list[Any]]]:
    s = table["structure"]
    if tidy_form:
        recs = tidy(s)
        header = list(recs[0]) if recs else ["row", "column", "value"]
        return header, [[r.get(h) for h in header] for r in recs]
    lc = s["label_columns"]
    header = [" | ".join(s["columns"][:lc]) or "row", *s["columns"][lc:]]
    return header, [[label, *vals] for label, vals in zip(s["row_labels"], s["values"])]


EXPORT_FORMATS = ("csv", "xlsx", "json")


def export_table(table: dict[str, Any], fmt: str, path: str | Path, tidy: bool = False) -> None:
    path = Path(path)
    header, rows = table_rows(table, tidy)
    source = f"{table['name']}: {table.get('caption') or ''} (source: {table.get('source') or ''})"
    if fmt == "csv":
        with open(path, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            w.writerows(rows)
    elif fmt == "json":
        path.write_text(json.dumps({"name": table["name"], "caption": table.get("caption"), "source": table.get("source"),
                                    "unit": table["structure"].get("unit"), "columns": header, "rows": rows,
                                    "checks": table.get("checks", [])}, indent=2, ensure_ascii=False), encoding="utf-8")
    elif fmt == "xlsx":
        from openpyxl import Workbook
        from openpyxl.styles import Font

        wb = Workbook()
        ws = wb.active
        ws.title = "table"
        ws.append([xml_safe(source)])
        ws.append([xml_safe(f"unit: {table['structure'].get('unit') or ''}")])
        ws.append([xml_safe(str(h)) for h in header])
        for cell in ws[3]:
            cell.font = Font(bold=True)
        for r in rows:
            ws.append([xml_safe(v) if isinstance(v, str) else v for v in r])
        if table.get("checks"):
            wc = wb.create_sheet("totals check")
            wc.append(["kind", "label", "stated", "sum", "difference", "ok"])
            for c in table["checks"]:
                wc.append([c["kind"], xml_safe(c["label"]), c["stated"], c["sum"], c["difference"], c["ok"]])
        wb.save(path)
    else:
        raise EvimapError(f"--export {fmt!r}: choose {', '.join(EXPORT_FORMATS)}")
