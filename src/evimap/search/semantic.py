"""Search by meaning: passage embeddings beside the store, and hybrid ranking with the lexical search.

`evimap map` embeds every passage it scores (the static model, shipped with evimap) and stores the vectors in
the store (``passage_vectors``, float16). For searching, they are laid out beside the store in ``STORE.vec/`` as
one float32 matrix (memory-mapped, shared by every process through the page cache) with the passages' rowids,
rebuilt when the stored vectors change (a few seconds for the whole UN General Debate corpus). The folder is
derived data: deleting it costs one rebuild.

A query is embedded with the same model and compared with every passage (exact cosine: one matrix-vector
product) — or, when faiss is installed (``pip install 'evimap[ann]'``) and the store holds at least
``ANN_MIN`` vectors, through an inverted-file index built at the same time (approximate: recall against the
exact search is measured in benchmarks/semantic_search.py). Filters are applied to the candidates with the
lexical search's own conditions.

Hybrid ranking fuses the lexical (BM25) and semantic rankings by reciprocal rank fusion: each passage scores
Σ 1 / (RRF_K + rank) over the rankings it appears in.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np

MODES = ("hybrid", "lexical", "semantic")
RRF_K = 60
POOL = 200  # candidates taken from each ranking before filters and fusion
ANN_MIN = 50_000
NLIST_MAX = 1024  # inverted lists of the approximate index
NPROBE_SHARE = 6  # per cent of the lists a query visits (recall against exact search: benchmarks/RESULTS.md)
_FORMAT = 1


class VectorIndex:
    def __init__(self, folder: Path, rowids: np.ndarray, vectors: np.ndarray, ann: Any | None, model: str):
        self.folder, self.rowids, self.vectors, self.ann, self.model = folder, rowids, vectors, ann, model

    def __len__(self) -> int:
        return len(self.rowids)

    def holds(self, rowid: int) -> bool:
        """Whether this index has a vector for the passage (a sorted copy of the rowids is made on first use)."""
        if not hasattr(self, "_sorted"):
            self._sorted = np.sort(np.asarray(self.rowids))
        i = int(np.searchsorted(self._sorted, rowid))
        return i < len(self._sorted) and int(self._sorted[i]) == rowid

    @staticmethod
    def folder_for(store_path: str, multilingual: bool = False) -> Path:
        return Path(f"{store_path}.vec" + ("-multilingual" if multilingual else ""))

    @classmethod
    def current(cls, store: Any, multilingual: bool = False) -> "VectorIndex | None":
        """The index for the store's vectors (of the main model, or with ``multilingual`` of the passages the
        multilingual model read) as they are now: loaded when the folder matches them, rebuilt when not; None when
        there are no vectors or the folder cannot be written (searches are then lexical)."""
        state = list(store.vectors_state(multilingual))
        if not multilingual and _projection(state[3]) is not None:
            foreign = list(store.vectors_state(True))
            if foreign[0]:  # the passages of other languages join the main space, carried into it (see build)
                state += ["projected", *foreign, ",".join(_projected_languages())]
        if state[0] == 0:
            return None
        folder = cls.folder_for(store.path, multilingual)
        meta = read_meta(folder)
        if meta is None or meta.get("state") != state or meta.get("format") != _FORMAT:
            try:
                meta = build(store, folder, state, multilingual)
            except OSError:
                return None
        return cls._load(folder, meta)

    @classmethod
    def _load(cls, folder: Path, meta: dict[str, Any]) -> "VectorIndex":
        rowids = np.load(folder / "rowids.npy", mmap_mode="r")
        vectors = np.load(folder / "vectors.npy", mmap_mode="r")
        ann = None
        if meta.get("ann") and (folder / "ann.faiss").exists():
            try:
                import faiss

                ann = faiss.read_index(str(folder / "ann.faiss"))
                ann.nprobe = int(meta.get("nprobe", 16))
            except ImportError:
                ann = None
        return cls(folder, rowids, vectors, ann, meta.get("model", "static"))

    def top(self, query_vec: np.ndarray, k: int, exact: bool = False) -> list[tuple[int, float]]:
        """The ``k`` passages closest to ``query_vec`` (L2-normalised): (rowid, cosine), best first."""
        k = min(k, len(self.rowids))
        if k <= 0:
            return []
        q = np.asarray(query_vec, dtype=np.float32).reshape(1, -1)
        if self.ann is not None and not exact:
            scores, idx = self.ann.search(q, k)
            return [(int(self.rowids[i]), float(s)) for s, i in zip(scores[0], idx[0]) if i >= 0]
        sims = self.vectors @ q[0]
        part = np.argpartition(-sims, k - 1)[:k]
        part = part[np.argsort(-sims[part], kind="stable")]
        return [(int(self.rowids[i]), float(sims[i])) for i in part]


def _projected_languages() -> tuple[str, ...]:
    from ..map.multilingual import get_multilingual

    return get_multilingual().projected()


def _projection(main_model: str):
    """The map of multilingual vectors into the main space (a function), when the main model is the static one and
    the multilingual model ships that map; else None."""
    if main_model not in ("", "static"):  # the map was fitted into the static model's space
        return None
    try:
        from ..map.multilingual import available, get_multilingual
    except ImportError:
        return None
    if not available():
        return None
    multi = get_multilingual()
    if multi.to_static(np.zeros((1, multi.dim), dtype=np.float32)) is None:
        return None
    return multi.to_static


def read_meta(folder: Path) -> dict[str, Any] | None:
    """The index's description (state of the vectors it was built from, model, approximate index), or None."""
    try:
        return json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def build(store: Any, folder: Path, state: list[Any], multilingual: bool = False) -> dict[str, Any]:
    """Lay the store's vectors (of one space: see ``VectorIndex.current``) out in ``folder`` (written aside and
    moved in place, so a reader never sees a half-written index)."""
    t0 = time.perf_counter()
    rowids: list[np.ndarray] = []
    chunks: list[np.ndarray] = []
    for ids, blobs in store.iter_vectors(multilingual=multilingual):
        rowids.append(np.asarray(ids, dtype=np.int64))
        chunks.append(np.frombuffer(b"".join(blobs), dtype=np.float16).reshape(len(ids), -1).astype(np.float32))
    if "projected" in state:
        # passages the multilingual model read, carried into the English static space by the map fitted for it
        # (scripts/fit_crosslingual.py): an English query then ranks them with the English passages in one list
        to_static = _projection(state[3])
        for ids, blobs in store.iter_vectors(multilingual=True, languages=_projected_languages()):
            rowids.append(np.asarray(ids, dtype=np.int64))
            multi = np.frombuffer(b"".join(blobs), dtype=np.float16).reshape(len(ids), -1).astype(np.float32)
            chunks.append(to_static(multi))
    vectors = np.concatenate(chunks) if chunks else np.zeros((0, 1), dtype=np.float32)
    ids_all = np.concatenate(rowids) if rowids else np.zeros(0, dtype=np.int64)
    tmp = folder.with_name(folder.name + f".tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    np.save(tmp / "rowids.npy", ids_all)
    np.save(tmp / "vectors.npy", vectors)
    meta: dict[str, Any] = {"format": _FORMAT, "state": state, "model": state[3], "n": int(len(ids_all)),
                            "dim": int(vectors.shape[1]), "ann": False}
    if len(ids_all) >= ANN_MIN:
        try:
            import faiss

            nlist = min(NLIST_MAX, int(4 * np.sqrt(len(ids_all))))
            quantiser = faiss.IndexFlatIP(vectors.shape[1])
            ann = faiss.IndexIVFFlat(quantiser, vectors.shape[1], nlist, faiss.METRIC_INNER_PRODUCT)
            # k-means on a sample: 40 points a list is enough for the centroids and keeps the build to seconds
            sample = vectors[np.random.default_rng(0).choice(len(vectors), min(len(vectors), 40 * nlist), replace=False)]
            ann.train(sample)
            ann.add(vectors)
            faiss.write_index(ann, str(tmp / "ann.faiss"))
            meta.update(ann=True, nlist=nlist, nprobe=max(8, nlist * NPROBE_SHARE // 100))
        except ImportError:
            pass
    meta["seconds"] = round(time.perf_counter() - t0, 2)
    (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    old = folder.with_name(folder.name + f".old{os.getpid()}")
    if folder.exists():
        folder.rename(old)
    tmp.rename(folder)
    shutil.rmtree(old, ignore_errors=True)
    return meta


def fuse(*rankings: list[int], k: int = RRF_K, lists: Callable[[int], int] | None = None) -> list[tuple[int, float]]:
    """Reciprocal rank fusion of rankings (lists of rowids, best first): (rowid, score), best first; ties by
    the order of first appearance. ``lists(rowid)``: how many of the rankings could hold that passage at all —
    its score is then divided by it, so that a passage two vector spaces rank (a French one, in the English space
    and the multilingual one) is not ahead of one only a single space can rank for that reason alone."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, rid in enumerate(ranking, 1):
            scores[rid] = scores.get(rid, 0.0) + 1.0 / (k + rank)
    if lists is not None:
        scores = {rid: score / max(1, lists(rid)) for rid, score in scores.items()}
    return sorted(scores.items(), key=lambda kv: -kv[1])
