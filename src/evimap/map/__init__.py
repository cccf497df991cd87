"""Mapping stage: score passages against frameworks (rules + embeddings + classifier, calibrated)."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Iterable, Iterator

from .. import __version__
from ..errors import EvimapError
from ..frameworks import Framework, load
from .classifier import _resolve
from .engine import Label, Mapper, Prepared, fit_calibration, prepare

__all__ = ["Label", "Mapper", "Prepared", "classify", "fingerprint", "fit_calibration", "load_frameworks", "prepare"]


def load_frameworks(refs: str | Iterable[str]) -> list[Framework]:
    """"gcm,sdg" or ["gcm", "my.yaml"] → frameworks."""
    if isinstance(refs, str):
        refs = [r for r in refs.split(",") if r.strip()]
    return [load(r.strip()) for r in refs]


def fingerprint(fw: Framework, model: str) -> str:
    """Changes when the framework's content, its classifier, the model or evimap's version changes (→ rescoring)."""
    fw = fw.for_model(model)
    body = json.dumps([fw.id, fw.threshold, fw.calibration, [(c.code, c.title, c.description, c.terms, c.rules,
                                                              c.exclude, c.examples, c.parent, c.threshold)
                                                             for c in fw.categories]]
                      + ([fw.relative_threshold] if fw.relative_threshold else [])
                      + ([{"min_words": fw.min_words}] if fw.min_words else [])
                      + ([{"thresholds": fw.thresholds}] if fw.thresholds else []), sort_keys=True)
    clf = _resolve(fw)
    digest = hashlib.sha256(clf.read_bytes()).hexdigest() if clf else ""
    return hashlib.sha256(f"{body}|{digest}|{model}|{__version__}".encode()).hexdigest()[:16]


def classify(records: Iterable[dict[str, Any]], framework: str, *, level: str | None = None,
             all_scores: bool = False, model: str = "static", batch: int = 1000) -> Iterator[dict[str, Any]]:
    """Label arbitrary texts without a store: {"id", "text"} in, {"id", "labels": [...]} out (plus "language"
    when the text is not English — French, Spanish, Portuguese, Arabic, Russian and Chinese are scored by the
    framework's multilingual settings — and "flag" when its scores are unreliable: another language, or a framework
    without multilingual settings)."""
    fw = load_frameworks(framework)[0]
    if level and fw.levels and level not in fw.levels:
        raise EvimapError(f"framework {fw.id!r} has levels {fw.levels}, not {level!r}")
    mapper = Mapper(fw, model)
    keep = {c.code for c in fw.at_level(level)}
    buf: list[dict[str, Any]] = []

    def flush() -> Iterator[dict[str, Any]]:
        batch_ = prepare([str(r.get("text") or "") for r in buf], mapper.embedder)
        for i, (rec, labs) in enumerate(zip(buf, mapper.score(batch_))):
            chosen = [lab for lab in labs if lab.code in keep and (all_scores or lab.assigned)]
            chosen.sort(key=lambda lab: -lab.score)
            out = {"id": rec.get("id"), "labels": [lab.to_dict() for lab in chosen]}
            flag = mapper.passage_flag(batch_, i)
            if flag:
                out["flag"] = flag
            if batch_.langs[i]:
                out["language"] = batch_.langs[i]
            yield out
        buf.clear()

    for rec in records:
        buf.append(rec)
        if len(buf) >= batch:
            yield from flush()
    if buf:
        yield from flush()
