"""Word vectors shared by the UN languages, for passages the English model cannot read.

The model (``map/model/multilingual/``) is a table of word vectors distilled on this machine from
multilingual-e5-small (``scripts/distill_multilingual.py``): each word of a vocabulary of the most frequent words of
English, French, Spanish, Portuguese, Arabic, Russian and Chinese, and of the frameworks' own texts, embedded alone
by the transformer, so that "frontière", "frontera", "граница" and "border" lie close together. A passage's vector is
the weighted mean of its words' vectors (smooth inverse frequency: frequent words weigh little), less its
language's mean vector, and for French, Spanish, Portuguese (and the languages with translated training passages)
carried towards English by a map fitted on those translations — a lookup per word, no transformer at run time.

Words are cut per script: Latin, Cyrillic and Arabic text on letters (Arabic normalised: diacritics and tatweel
removed, alef forms unified); Chinese, which has no spaces, by longest match against the vocabulary.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from functools import lru_cache
from pathlib import Path

import numpy as np

from .embed import Embedder

MODEL_DIR = Path(__file__).resolve().parent / "model" / "multilingual"
# Languages whose words the vocabulary covers (ISO 639-1).
LANGUAGES = ("en", "fr", "es", "pt", "ar", "ru", "zh")

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_ARABIC_MARKS = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ALEF = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي"})
_ELISION = re.compile(r"^(?:[ldjmnstc]|qu|lorsqu|puisqu|jusqu)['’]", re.I)


def normalise_arabic(text: str) -> str:
    """Arabic text with diacritics and tatweel removed and alef forms (and alef maqsura) unified."""
    return _ARABIC_MARKS.sub("", text).translate(_ALEF)


def sdg_translation_split(code: str) -> str:
    """'dev' or 'test': the fixed half of the official SDG translations (by target/indicator code) that may shape
    evimap, and the half kept for measuring it."""
    return "dev" if zlib.crc32(code.encode()) % 2 == 0 else "test"


def words_of(text: str, lang: str | None = None, vocab: dict[str, int] | None = None) -> list[str]:
    """Lower-cased words of ``text``; French elisions (l', d', qu') cut off; Arabic normalised; runs of Chinese
    characters cut by longest match against ``vocab`` (single characters when no vocabulary is given)."""
    text = unicodedata.normalize("NFC", text)
    if lang == "ar" or re.search(r"[\u0600-\u06ff]", text[:2000]):
        text = normalise_arabic(text)
    out: list[str] = []
    for m in _WORD.finditer(text.lower()):
        w = m.group()
        if _HAN.search(w):
            for part in re.split(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)", w):
                if not part:
                    continue
                if _HAN.fullmatch(part):
                    out.extend(_segment_han(part, vocab))
                else:
                    out.append(part)
            continue
        w = _ELISION.sub("", w)
        if w:
            out.append(w)
    return out


def _segment_han(run: str, vocab: dict[str, int] | None, longest: int = 4) -> list[str]:
    if vocab is None:
        return list(run)
    out, i = [], 0
    while i < len(run):
        for n in range(min(longest, len(run) - i), 0, -1):
            if n == 1 or run[i:i + n] in vocab:
                out.append(run[i:i + n])
                i += n
                break
    return out


_ENGLISH = frozenset("the of and to in a is that for on are with as be by this it from which have has was were not or "
                     "their its an at all we our how what".split())


def language_of(text: str) -> str:
    """The language of a text the caller did not name (a query, mostly): by script for Arabic, Cyrillic and
    Chinese; English when English function words are frequent; else the identifier's answer among the covered
    languages; English when unsure."""
    sample = text[:2000]
    if re.search(r"[\u0600-\u06ff]", sample):
        return "ar"
    if re.search(r"[\u0400-\u04ff]", sample):
        return "ru"
    if _HAN.search(sample):
        return "zh"
    words = _WORD.findall(sample.lower())
    if not words or sum(w in _ENGLISH for w in words) / len(words) >= 0.12 or len(words) < 3:
        return "en"
    from ..enrich.metadata import detect_language

    lang, prob = detect_language(sample)
    return lang if lang in LANGUAGES and (prob or 0) >= 0.5 else "en"


class MultilingualEmbedder(Embedder):
    """Passage vectors in one space for every covered language (256 dimensions, unit length)."""

    name = "multilingual"

    def __init__(self, model_dir: Path = MODEL_DIR):
        data = np.load(model_dir / "vectors.npz")
        self.vectors = data["vectors"].astype(np.float32) / 127.0
        self.weights = data["weights"].astype(np.float32)
        self.words = (model_dir / "vocab.txt").read_text(encoding="utf-8").split("\n")[:len(self.vectors)]
        self.index = {w: i for i, w in enumerate(self.words)}
        self.dim = self.vectors.shape[1]
        # each language's mean passage vector, subtracted from its passages (see scripts/distill_multilingual.py)
        self.means = ({str(lang): m.astype(np.float32) for lang, m in zip(data["mean_langs"], data["means"])}
                      if "means" in data.files else {})
        # languages with translated training passages: a map of their centred vectors towards English
        self.maps = ({str(lang): m.astype(np.float32) for lang, m in zip(data["map_langs"], data["maps"])}
                     if "maps" in data.files else {})

    def ids(self, text: str, lang: str | None = None) -> list[int]:
        index = self.index
        return [i for i in (index.get(w) for w in words_of(text, lang, index)) if i is not None]

    def encode(self, texts: list[str] | tuple[str, ...], langs: list[str | None] | None = None) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for k, t in enumerate(texts):
            lang = (langs[k] if langs else None) or language_of(t)
            ids = self.ids(t, lang)
            if ids:
                v = self.weights[ids] @ self.vectors[ids]
                n = float(np.linalg.norm(v))
                if n > 0 and lang in self.means:
                    v = v / n - self.means[lang]
                    n = float(np.linalg.norm(v))
                if n > 0 and lang in self.maps:
                    v = (v / n) @ self.maps[lang]
                    n = float(np.linalg.norm(v))
                if n > 0:
                    out[k] = v / n
        return out

    def _load_projection(self) -> np.ndarray | None:
        if not hasattr(self, "_to_static"):
            path = MODEL_DIR / "to-static.npz"
            data = np.load(path) if path.exists() else None
            self._to_static = data["map"].astype(np.float32) if data is not None else None
            self.projected_languages = tuple(str(x) for x in data["languages"]) if data is not None else ()
        return self._to_static

    def projected(self) -> tuple[str, ...]:
        """The languages whose passages are also searched in the English space (chosen on a development set by
        scripts/fit_crosslingual.py)."""
        self._load_projection()
        return self.projected_languages

    def to_static(self, vecs: np.ndarray) -> np.ndarray | None:
        """Vectors of this space carried into the English static model's (unit length), by the linear map
        scripts/fit_crosslingual.py fitted on English passages embedded by both; None without that map."""
        if self._load_projection() is None:
            return None
        out = np.asarray(vecs, dtype=np.float32) @ self._to_static
        return out / (np.linalg.norm(out, axis=-1, keepdims=True) + 1e-12)

    def coverage(self, text: str, lang: str | None = None) -> float:
        """Share of the words of ``text`` the vocabulary knows."""
        ws = words_of(text, lang, self.index)
        return sum(w in self.index for w in ws) / len(ws) if ws else 0.0


@lru_cache(maxsize=1)
def vocabulary() -> frozenset[str]:
    """The words of the multilingual model (no vectors loaded): the most frequent words of the seven languages."""
    try:
        return frozenset(w for w in (MODEL_DIR / "vocab.txt").read_text(encoding="utf-8").split("\n") if w)
    except OSError:
        return frozenset()


@lru_cache(maxsize=1)
def get_multilingual() -> MultilingualEmbedder:
    return MultilingualEmbedder()


def available() -> bool:
    return (MODEL_DIR / "vectors.npz").exists()
