"""Charts with matplotlib (Agg backend, no display): the evidence-map heatmap and profile bars.

Palette: ``cividis`` (designed to be readable with colour-vision deficiencies); counts are also
written in the cells, so nothing depends on colour alone."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import numpy as np


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def heatmap(cmap: Any, path: Path, fmt: str, max_groups: int = 30) -> tuple[int, int]:
    """Categories × groups, passages per cell. Returns the image size in pixels (PNG)."""
    plt = _plt()
    groups = cmap.shown_groups(max_groups)  # years stay in date order
    cats = cmap.categories
    data = np.array([[getattr(cmap.cells.get((c["code"], g["name"])), "passages", 0) for g in groups] for c in cats],
                    dtype=float)
    width = min(28.0, 4.5 + 0.42 * len(groups))
    height = min(30.0, 1.8 + 0.32 * len(cats))
    fig, ax = plt.subplots(figsize=(width, height), dpi=120)
    shown = np.where(data > 0, data, np.nan)
    from matplotlib.colors import LogNorm

    vmax = max(2.0, float(np.nanmax(data)) if data.size else 2.0)
    im = ax.imshow(shown, cmap="cividis", aspect="auto", norm=LogNorm(vmin=1, vmax=vmax))  # log: one big cell must not flatten the rest
    ax.set_facecolor("#f2f2f2")
    ax.set_yticks(range(len(cats)), [f"{c['code']}  {textwrap.shorten(c['title'], 48, placeholder='…')}" for c in cats],
                  fontsize=8)
    ax.set_xticks(range(len(groups)), [textwrap.shorten(str(g["name"]), 28, placeholder="…") for g in groups],
                  rotation=60, ha="right", fontsize=8)
    top = np.nanmax(data) if data.size and np.nanmax(data) > 0 else 1
    for i in range(data.shape[0]):
        for j in range(data.shape[1]):
            if data[i, j] > 0:
                bright = np.log(data[i, j]) > 0.55 * np.log(max(top, 2))
                ax.text(j, i, f"{int(data[i, j])}", ha="center", va="center", fontsize=7,
                        color="black" if bright else "white")
    title = f"{cmap.framework['name']} — passages by {cmap.by}" + (f" (theme {cmap.theme})" if cmap.theme else "")
    if len(groups) < len(cmap.groups):
        title += f" — {len(groups)} of {len(cmap.groups)} groups"
    ax.set_title(title, fontsize=10, loc="left")
    fig.colorbar(im, ax=ax, fraction=0.025, pad=0.01, label="passages (log scale)")
    fig.tight_layout()
    fig.savefig(path, format=fmt)
    size = fig.canvas.get_width_height()
    plt.close(fig)
    return size


def bars(labels: list[str], values: list[float], title: str, path: Path, fmt: str, xlabel: str) -> None:
    """Horizontal bar chart (a document's profile)."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(8, 1.2 + 0.28 * len(labels)), dpi=120)
    y = np.arange(len(labels))
    ax.barh(y, values, color="#00508c")
    ax.set_yticks(y, [textwrap.shorten(s, 55, placeholder="…") for s in labels], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_title(title, fontsize=10, loc="left")
    fig.tight_layout()
    fig.savefig(path, format=fmt)
    plt.close(fig)
