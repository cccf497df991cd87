"""Join the blind annotation sheets into benchmarks/data/gcm-blind.jsonl and sdg-blind.jsonl (test sets: documents no
model was shaped by) and gcm-train-blind.jsonl (GCM training pool), and report the agreement of each second
annotation (sheet c: 50 passages of each half; tc: 150 passages across t1-t6; uc: 150 across u1-u5; vc: 150 across v1-v5) with the first.

    python benchmarks/data/blind-src/make_blind.py

Sheets: ``{gcm,sdg}-{a,b,c}-labels.txt`` (one line per passage: number, then codes) and ``*-index.json`` (the
sample rows each sheet's passages are, in order). Guidelines given to the annotators: ``GCM-GUIDELINES.md``,
``SDG-GUIDELINES.md``; each annotator saw only the guidelines and the passage texts.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent


def sheet(kind: str, batch: str) -> dict[int, list[str]]:
    """Sample row → codes, for one sheet."""
    index = json.load(open(HERE / f"{kind}-{batch}-index.json"))
    lines = [ln.split() for ln in open(HERE / f"{kind}-{batch}-labels.txt", encoding="utf-8") if ln.strip()]
    assert [int(ln[0]) for ln in lines] == list(range(1, len(index) + 1)), f"{kind}-{batch}: numbering"
    return {index[int(ln[0]) - 1]: sorted(set(ln[1:]), key=int) for ln in lines}


def agreement(first: dict[int, list[str]], second: dict[int, list[str]], codes: list[str]) -> dict:
    """Micro-F1 of one annotation against the other, exact-match share, and Cohen's kappa over the passage × code
    decisions (pooled) and over 'addresses something' vs 'none'."""
    rows = sorted(second)
    a = [(r, c) for r in rows for c in codes]
    x = [c in first[r] for r, c in a]
    y = [c in second[r] for r, c in a]
    tp = sum(p and q for p, q in zip(x, y))
    fp = sum(q and not p for p, q in zip(x, y))
    fn = sum(p and not q for p, q in zip(x, y))

    def kappa(u: list[bool], v: list[bool]) -> float:
        n = len(u)
        po = sum(p == q for p, q in zip(u, v)) / n
        pu, pv = sum(u) / n, sum(v) / n
        pe = pu * pv + (1 - pu) * (1 - pv)
        return (po - pe) / (1 - pe) if pe < 1 else 1.0

    some = ([bool(first[r]) for r in rows], [bool(second[r]) for r in rows])
    return {"n": len(rows), "micro_f1": 2 * tp / (2 * tp + fp + fn), "exact": sum(first[r] == second[r] for r in rows) / len(rows),
            "kappa": kappa(x, y), "kappa_any": kappa(*some)}


def main() -> None:
    for kind, n_codes, key in (("gcm", 23, "labels"), ("sdg", 17, "goals")):
        sample = [json.loads(ln) for ln in open(HERE / f"{kind}-sample.jsonl", encoding="utf-8")]
        first = {**sheet(kind, "a"), **sheet(kind, "b")}
        second = sheet(kind, "c")
        with open(DATA / f"{kind}-blind.jsonl", "w", encoding="utf-8") as f:
            for i, r in enumerate(sample):
                f.write(json.dumps({"id": r["id"], "source": r["source"], key: first[i], "text": r["text"]},
                                   ensure_ascii=False) + "\n")
        report(kind, first, second, n_codes)
    pool("gcm-train-sample.jsonl", ("t1", "t2", "t3", "t4", "t5", "t6"), "tc", "gcm-train-blind.jsonl",
         "gcm training pool")
    # the second and third training pools (sample_gcm_train2.py, sample_gcm_train3.py)
    pool("gcm-train2-sample.jsonl", ("u1", "u2", "u3", "u4", "u5"), "uc", "gcm-train-blind2.jsonl",
         "gcm training pool 2")
    pool("gcm-train3-sample.jsonl", ("v1", "v2", "v3", "v4", "v5"), "vc", "gcm-train-blind3.jsonl",
         "gcm training pool 3")


def pool(sample_file: str, batches: tuple[str, ...], second: str, out: str, name: str) -> None:
    """One GCM training pool: the first annotation of its sheets written out, the second one's agreement printed."""
    sample = [json.loads(ln) for ln in open(HERE / sample_file, encoding="utf-8")]
    first = {k: v for b in batches for k, v in sheet("gcm", b).items()}
    with open(DATA / out, "w", encoding="utf-8") as f:
        for i, r in enumerate(sample):
            f.write(json.dumps({"id": r["id"], "source": r["source"], "labels": first[i], "text": r["text"]},
                               ensure_ascii=False) + "\n")
    report(name, first, sheet("gcm", second), 23)


def report(kind: str, first: dict[int, list[str]], second: dict[int, list[str]], n_codes: int) -> None:
    ag = agreement(first, second, [str(c) for c in range(1, n_codes + 1)])
    none = sum(not v for v in first.values())
    print(f"{kind}: {len(first)} passages, {none} with none; second annotation of {ag['n']}: micro-F1 "
          f"{ag['micro_f1']:.3f}, exact {ag['exact']:.2f}, kappa {ag['kappa']:.3f} (codes pooled), "
          f"{ag['kappa_any']:.3f} (something vs none)")


if __name__ == "__main__":
    main()
