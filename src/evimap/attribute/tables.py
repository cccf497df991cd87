"""Tables as data: header rows (merged cells filled across), row-label columns, numeric cells, unit,
a tidy (long) form, and a check of stated totals.

    s = structure_table(rows)                 # rows: list of lists of cell strings, as stored
    s["columns"], s["row_labels"], s["values"], s["unit"]
    tidy(s)                                   # [{"Destination": "Asia", "column": "Origin | Africa", "value": 4.6}, …]
    check_totals(s)                           # which "Total" rows/columns add up, within rounding
"""

from __future__ import annotations

import re
from typing import Any

_NUM_RE = re.compile(r"^\(?-?[\d\s,]*\.?\d+\)?%?$")
_UNIT_RE = re.compile(r"^(?:\(?in\s+)?(thousands?|millions?|billions?|per ?cent(?:age)?|percentages?|%|number|"
                      r"US\$|USD|dollars)\)?$", re.I)
_MARKUP_RE = re.compile(r"</?[a-z]+>|\*\*")


def _clean(cell: Any) -> str:
    return _MARKUP_RE.sub("", "" if cell is None else str(cell)).strip()


def number(cell: str) -> float | None:
    """"1,234" -> 1234.0, "15.3" -> 15.3, "(2.0)" -> -2.0, "..", "" -> None."""
    c = cell.replace("\u00a0", " ").strip()
    if not c or not _NUM_RE.match(c) or not any(ch.isdigit() for ch in c):
        return None
    neg = c.startswith("(") and c.endswith(")")
    c = c.strip("()%").replace(",", "").replace(" ", "")
    try:
        v = float(c)
    except ValueError:
        return None
    return -v if neg else v


def structure_table(rows: list[list[Any]]) -> dict[str, Any]:
    """Find header rows, label columns and the numeric body of a table."""
    grid = [[_clean(c) for c in r] for r in rows]
    width = max((len(r) for r in grid), default=0)
    grid = [r + [""] * (width - len(r)) for r in grid]
    grid = [r for r in grid if any(r)]
    keep = [j for j in range(width) if any(r[j] for r in grid)]
    grid = [[r[j] for j in keep] for r in grid]
    width = len(keep)
    if not grid:
        return {"header": [], "columns": [], "label_columns": 0, "row_labels": [], "values": [], "unit": None,
                "notes": []}

    def numeric_share(r: list[str]) -> tuple[int, int]:
        filled = [c for c in r if c]
        return sum(number(c) is not None for c in filled), len(filled)

    def years_only(r: list[str]) -> bool:
        nums = [number(c) for c in r if c and number(c) is not None]
        return bool(nums) and all(v == int(v) and 1900 <= v <= 2100 for v in nums) and any(
            c and number(c) is None for c in r)

    first_data = len(grid)
    for i, r in enumerate(grid):
        n, filled = numeric_share(r)
        if n >= 2 and n * 2 >= filled and not years_only(r):
            first_data = i
            break
    header_rows, notes, unit = [], [], None
    for r in grid[:first_data]:
        filled = [c for c in r if c]
        if len(filled) == 1 and _UNIT_RE.match(filled[0]):
            unit = filled[0]
        elif len(filled) == 1 and not header_rows:
            notes.append(filled[0])
        else:
            header_rows.append(r)
    body = grid[first_data:]
    # label columns: everything before the block of columns that are numeric to the right edge
    def texty(j: int) -> bool:
        cells = [r[j] for r in body[:200] if r[j]]
        return bool(cells) and sum(number(c) is None for c in cells) * 2 > len(cells)

    label_cols = 0
    for j in range(width):
        if texty(j):
            label_cols = j + 1
    label_cols = max(label_cols, 1)
    # merged header cells: fill a label across to the right until the next label (never into label columns)
    filled_header = []
    for k, r in enumerate(header_rows):
        r = list(r)
        if k < len(header_rows) - 1 or len(header_rows) == 1:
            last = ""
            for j in range(label_cols, width):
                if r[j]:
                    last = r[j]
                elif last and not any(header_rows[x][j] for x in range(k + 1, len(header_rows))) is False:
                    r[j] = last
                elif last:
                    r[j] = last
        filled_header.append(r)
    columns = []
    for j in range(width):
        parts = [r[j] for r in filled_header if r[j]]
        dedup = [p for i, p in enumerate(parts) if p not in parts[:i]]
        columns.append(" | ".join(dedup) or (f"column {j + 1}"))
    labels = [r[:label_cols] for r in body]
    text_label_cols = [j for j in range(label_cols) if texty(j)] or [0]
    row_labels = [" ".join(r[j] for j in text_label_cols if r[j]) for r in body]
    values = [[number(c) for c in r[label_cols:]] for r in body]
    # trailing notes: body rows with text only in the first cell and nothing else
    while body and not any(v is not None for v in values[-1]) and sum(bool(c) for c in body[-1]) == 1:
        notes.append(row_labels.pop())
        values.pop()
        labels.pop()
        body.pop()
    return {"header": filled_header, "columns": columns, "label_columns": label_cols, "row_labels": row_labels,
            "labels": labels, "values": values, "unit": unit, "notes": notes}


def tidy(s: dict[str, Any]) -> list[dict[str, Any]]:
    """Long form: one record per (row, value column) with a number."""
    lc = s["label_columns"]
    names = [c.split(" | ")[-1] for c in s["columns"][:lc]]
    labels = s.get("labels") or [[r] for r in s["row_labels"]]
    out = []
    for cells, vals in zip(labels, s["values"]):
        for col, v in zip(s["columns"][lc:], vals):
            if v is not None:
                rec = {name: (number(c) if number(c) is not None else c) for name, c in zip(names, cells)}
                rec.update({"column": col, "value": v})
                if s.get("unit"):
                    rec["unit"] = s["unit"]
                out.append(rec)
    return out


def _is_total(label: str) -> bool:
    return bool(re.match(r"^\s*(?:grand\s+)?total\b|^\s*world\s*$|^\s*all\b", label, re.I))


def check_totals(s: dict[str, Any], tolerance: float | None = None) -> list[dict[str, Any]]:
    """Compare stated totals with sums: a "Total" row against the rows above it, and a "Total" column
    against the value columns before it. ``tolerance`` defaults to rounding: half a unit of the last
    decimal per added cell."""
    out: list[dict[str, Any]] = []
    lc = s["label_columns"]
    cols = s["columns"][lc:]
    rows, values = s["row_labels"], s["values"]
    total_col = next((j for j, c in enumerate(cols) if _is_total(c.split(" | ")[-1])), None)
    total_row = next((i for i, r in enumerate(rows) if _is_total(r)), None)
    if total_row is not None and total_row < 2:
        total_row = None  # a total stated first (WORLD, then regions and countries) mixes levels: not summed

    def tol(cells: list[float | None]) -> float:
        if tolerance is not None:
            return tolerance
        return 0.05 * (len([c for c in cells if c is not None]) + 1) + 1e-9

    if total_row is not None:
        last = total_col if total_col is not None else len(cols)
        for j in range(len(cols)):
            stated = values[total_row][j]
            if stated is None:
                continue
            parts = [values[i][j] for i in range(total_row)]
            got = sum(v for v in parts if v is not None)
            if j > last:
                continue
            out.append({"kind": "column", "label": cols[j], "stated": stated, "sum": round(got, 6),
                        "difference": round(stated - got, 6), "ok": abs(stated - got) <= tol(parts)})
    if total_col is not None:
        for i, label in enumerate(rows):
            stated = values[i][total_col]
            if stated is None:
                continue
            parts = values[i][:total_col]
            got = sum(v for v in parts if v is not None)
            out.append({"kind": "row", "label": label, "stated": stated, "sum": round(got, 6),
                        "difference": round(stated - got, 6), "ok": abs(stated - got) <= tol(parts)})
    return out


def cell(s: dict[str, Any], row: str, column: str) -> float | None:
    """The value at a row label and a column label (exact, or the last part of a merged header)."""
    lc = s["label_columns"]
    cols = s["columns"][lc:]
    for i, r in enumerate(s["row_labels"]):
        if r == row:
            for j, c in enumerate(cols):
                if c == column or c.split(" | ")[-1] == column:
                    return s["values"][i][j]
    return None
