"""Near-duplicate documents from sampled word shingles (mod-p fingerprinting).

Every document keeps the hashes of its 5-word shingles whose hash is divisible by ``SAMPLE``
(a uniform sample, Broder 1997). Two documents are near-duplicates when most of the smaller
document's sampled shingles also occur in the larger one: containment catches a shortened copy
(seed 000 is a cut-down copy of seed 001) that Jaccard similarity would miss.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np

SHINGLE = 5
SAMPLE = 8
_WORD_RE = re.compile(r"\w+")
_NON_WORD_RE = re.compile(r"\W")
_STRETCH = 1 << 18  # characters read at a time


def fingerprints(text: str) -> bytes:
    """Sorted unique sampled shingle hashes as little-endian uint64 bytes."""
    # the text is read a stretch at a time, cut between words: a list of every word of a 100 MB text
    # would hold some 17 million strings (over 1 GB). A shingle repeated within a stretch is hashed
    # once (tables, forms and repeated lines repeat them).
    out: set[int] = set()
    carry: list[str] = []
    pos, n = 0, len(text)
    while pos < n:
        cut = n
        if pos + _STRETCH < n:
            m = _NON_WORD_RE.search(text, pos + _STRETCH)
            cut = m.end() if m else n
        words = carry + _WORD_RE.findall(text[pos:cut].lower())
        pos = cut
        if len(words) < SHINGLE:
            carry = words
            continue
        for shingle in set(map(" ".join, zip(*(words[k : len(words) - SHINGLE + 1 + k] for k in range(SHINGLE))))):
            h = int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "little")
            if h % SAMPLE == 0:
                out.add(h)
        carry = words[-(SHINGLE - 1):]
    return np.array(sorted(out), dtype="<u8").tobytes()


@dataclass
class DuplicatePair:
    doc_id: str  # the copy
    original_id: str  # the document it copies
    containment: float  # share of the copy's sampled shingles found in the original
    jaccard: float


def find_near_duplicates(
    docs: list[tuple[str, bytes, int]],
    min_containment: float = 0.5,
    min_shingles: int = 8,
    max_doc_freq: int = 50,
) -> list[DuplicatePair]:
    """Return near-duplicate pairs among ``docs`` = [(doc_id, fingerprints, text_length)].

    Shingles shared by more than ``max_doc_freq`` documents are boilerplate (greetings, agenda
    phrases) and are ignored when looking for candidates. The copy is the shorter document.
    """
    ids: list[str] = []
    arrays: list[np.ndarray] = []
    lengths: list[int] = []
    for doc_id, fp, length in docs:
        arr = np.frombuffer(fp, dtype="<u8")
        ids.append(doc_id)
        arrays.append(arr)
        lengths.append(length)
    if len(ids) < 2:
        return []
    sizes = np.array([len(a) for a in arrays])
    hashes = np.concatenate(arrays) if arrays else np.array([], dtype="<u8")
    owners = np.repeat(np.arange(len(ids)), sizes)
    order = np.argsort(hashes, kind="stable")
    hashes, owners = hashes[order], owners[order]
    boundaries = np.flatnonzero(np.diff(hashes)) + 1
    starts = np.concatenate(([0], boundaries))
    ends = np.concatenate((boundaries, [len(hashes)]))
    group_sizes = ends - starts
    pair_codes: list[np.ndarray] = []
    n = len(ids)
    for size in range(2, max_doc_freq + 1):
        sel = np.flatnonzero(group_sizes == size)
        if not len(sel):
            continue
        members = owners[starts[sel][:, None] + np.arange(size)[None, :]]
        a, b = np.triu_indices(size, 1)
        x, y = members[:, a].ravel(), members[:, b].ravel()
        lo, hi = np.minimum(x, y), np.maximum(x, y)
        pair_codes.append(lo.astype(np.int64) * n + hi)
    if not pair_codes:
        return []
    codes, counts = np.unique(np.concatenate(pair_codes), return_counts=True)
    result = []
    for code, shared in zip(codes.tolist(), counts.tolist()):
        i, j = divmod(code, n)
        small, large = (i, j) if (sizes[i], lengths[i], -i) < (sizes[j], lengths[j], -j) else (j, i)
        if sizes[small] < min_shingles:
            continue
        containment = shared / sizes[small]
        if containment >= min_containment:
            jaccard = shared / (sizes[i] + sizes[j] - shared)
            result.append(DuplicatePair(ids[small], ids[large], round(containment, 3), round(jaccard, 3)))
    return result
