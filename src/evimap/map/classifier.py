"""The supervised layer: a linear classifier over passage embeddings, shipped as a small ``.npz``.

A framework names its classifier with the top-level key ``classifier:`` — a built-in name (a file in
``evimap/map/model/classifiers/``) or a path relative to the framework file. The file holds
``codes`` (the categories it predicts), ``coef`` (codes × embedding dims), ``intercept`` and
``model`` (the embedder it was trained on). Training code: ``scripts/train_classifier.py``.
Applying it needs only numpy.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from ..errors import EvimapError
from ..frameworks import Framework


@dataclass
class Classifier:
    codes: list[str]
    coef: np.ndarray
    intercept: np.ndarray
    model: str

    def predict(self, vecs: np.ndarray, codes: list[str]) -> np.ndarray:
        """Probabilities (passages × ``codes``); 0 for codes the classifier does not know."""
        p = 1.0 / (1.0 + np.exp(-np.clip(vecs @ self.coef.T + self.intercept, -30, 30)))
        out = np.zeros((len(vecs), len(codes)))
        where = {c: i for i, c in enumerate(self.codes)}
        for j, c in enumerate(codes):
            if c in where:
                out[:, j] = p[:, where[c]]
        return out

    def save(self, path: str | Path) -> None:
        np.savez_compressed(path, codes=np.array(self.codes), coef=self.coef.astype(np.float32),
                            intercept=self.intercept.astype(np.float32), model=np.array(self.model))


def _resolve(fw: Framework) -> Path | None:
    ref = fw.classifier
    if not ref:
        return None
    builtin = resources.files(__package__).joinpath("model", "classifiers", f"{ref}.npz")
    if builtin.is_file():
        return Path(str(builtin))
    p = Path(ref)
    if not p.is_absolute() and fw.path:
        p = Path(fw.path).parent / p
    if not p.is_file():
        raise EvimapError(f"{fw.path or fw.id}: classifier {ref!r} not found (no built-in of that name, no file {p})")
    return p


@lru_cache(maxsize=16)
def _read(path: str) -> Classifier:
    try:
        z = np.load(path, allow_pickle=False)
        return Classifier([str(c) for c in z["codes"]], z["coef"], z["intercept"], str(z["model"]))
    except (OSError, KeyError, ValueError) as exc:
        raise EvimapError(f"{path}: not a classifier file ({exc})") from None


def load_classifier(fw: Framework, model: str) -> Classifier | None:
    """The framework's classifier if it has one trained for ``model`` (embeddings differ per model)."""
    path = _resolve(fw)
    if path is None:
        return None
    clf = _read(str(path))
    return clf if clf.model == model else None
