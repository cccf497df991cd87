"""Training the SDG classifier from labelled sources: determinism, calibration bounds, "none" as an outcome, and a
leave-one-source-out evaluation that never trains on the source it tests."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("sklearn")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import sdg_training as T  # noqa: E402

from evimap import frameworks  # noqa: E402
from evimap.map import Mapper  # noqa: E402

LABELLED = [
    ("Clean drinking water and sanitation reached every village school.", ["6"]),
    ("Open defecation fell as latrines were built with the communities.", ["6"]),
    ("Remittances sent home by migrant workers doubled, and fees fell.", ["10"]),
    ("Safe, orderly and regular migration needs well-managed migration policies.", ["10"]),
    ("Girls finished primary school at the same rate as boys for the first time.", ["4", "5"]),
    ("Teachers were trained and classrooms equipped in rural districts.", ["4"]),
    ("The Chair thanked the delegations and adjourned the meeting.", []),
    ("The minutes of the previous session were adopted without a vote.", []),
    ("Carbon emissions must fall by half within the decade to keep warming below 1.5 degrees.", ["13"]),
    ("Forests and wetlands were restored to halt the loss of biodiversity.", ["15"]),
]


def small_pool(sources=("one", "two")) -> T.Pool:
    fw = frameworks.load("sdg")
    items = [it for it in T.framework_items(fw) if it.id.split("-")[1].isdigit()]  # the goals' own texts only
    for k, (text, goals) in enumerate(LABELLED):
        items.append(T.Item(f"x{k}", text, goals, sources[k % len(sources)]))
    return T.Pool.build(fw, items)


@pytest.fixture(scope="module")
def pool():
    return small_pool()


def test_training_is_deterministic(pool):
    rows = np.flatnonzero(pool.source != "framework")
    a, b = T.fit_classifier(pool, rows), T.fit_classifier(pool, rows)
    assert np.array_equal(a.coef, b.coef) and np.array_equal(a.intercept, b.intercept)
    assert a.lex_terms == b.lex_terms and np.array_equal(a.lex_coef, b.lex_coef)
    always = np.flatnonzero(pool.source == "framework")
    x1 = T.cross_fitted(pool, rows, always, folds=2, seed=3)
    x2 = T.cross_fitted(pool, rows, always, folds=2, seed=3)
    assert np.array_equal(x1, x2)


def test_calibrated_scores_and_thresholds_stay_in_bounds(pool):
    rows = np.flatnonzero(pool.source != "framework")
    clf, cal = T.train(pool, rows, folds=2)
    s = cal.scores(T.signals(pool, rows, clf))
    assert s.shape == (len(rows), 17) and (s >= 0).all() and (s <= 1).all()
    assert 0.05 <= cal.threshold <= 0.9
    assert set(cal.per_goal) == set(T.GOALS)
    assert all(0.05 <= t <= 0.9 for t in cal.per_goal.values())
    # a goal without positives keeps the global threshold (shrinkage has nothing to move it with)
    absent = [g for k, g in enumerate(T.GOALS) if not pool.y[rows, k].any()]
    assert absent and all(cal.per_goal[g] == cal.threshold for g in absent)


def test_none_is_a_real_outcome():
    """Procedure and courtesies get no goal from the shipped model; a text about water gets goal 6."""
    m = Mapper(frameworks.load("sdg"))
    procedural, water = m.score(["The Chair thanked the delegations and adjourned the meeting.",
                                 "Access to safe drinking water and sanitation remains out of reach for rural "
                                 "households, and open defecation is still common."])
    goals = lambda row: [lab.code for lab in row if lab.assigned and "." not in lab.code]  # noqa: E731
    assert goals(procedural) == []
    assert "6" in goals(water)
    fw = frameworks.load("sdg")
    assert set(fw.thresholds) == set(T.GOALS)  # each goal has its own threshold, fitted with the classifier
    assert fw.threshold_for(fw.category("6")) == fw.thresholds["6"]
    assert fw.threshold_for(fw.category("6.1")) > max(fw.thresholds.values())  # a target needs evidence of its own


def test_leave_one_source_out_never_trains_on_the_tested_source(pool, monkeypatch):
    seen: list[set[str]] = []
    real = T.fit_classifier

    def spy(p, rows, **kw):
        seen.append(set(p.source[rows]))
        return real(p, rows, **kw)

    monkeypatch.setattr(T, "fit_classifier", spy)
    res = T.leave_one_source_out(pool, folds=2)
    assert set(res) == {"one", "two"}
    # each source's runs (2 cross-fitting folds + the final model) train without it
    assert [s for s in seen[:3]] and all("one" not in s for s in seen[:3])
    assert all("two" not in s for s in seen[3:6])
    for r in res.values():
        assert r["n"] == 5 and 0 <= r["macro_accuracy"] <= 1 and r["judged"] == 5


def test_judgements_are_one_per_text_and_fixed():
    items = [T.Item(str(i), "t", ["3"] if i % 2 else [], "s") for i in range(40)]
    a, b = T.judgements(items), T.judgements(items)
    assert a == b and len(a) == 40
    assert all(present == (g in items[i].goals) for i, g, present in a)
    assert any(p for _, _, p in a) and any(not p for _, _, p in a)
