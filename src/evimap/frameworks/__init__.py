"""Frameworks as data: YAML files of categories (code, title, description, terms, rules, examples).

The built-in frameworks (gcm, sdg, themes, sg8) live in ``frameworks/data``; a user's own file
loads the same way (``load("my-framework.yaml")``). The schema is in docs/frameworks.md. Every
problem is reported as ``FILE:LINE: what is wrong``.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ..errors import EvimapError
from .rules import Rule, RuleError, compile_rule, term_rule

BUILTIN = ("gcm", "sdg", "themes", "sg8")
_ID = re.compile(r"^[a-z][a-z0-9_-]*$")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

TOP_KEYS = {"id": str, "name": str, "version": str, "source": str, "description": str, "levels": list,
            "facets": dict, "threshold": float, "relative_threshold": float, "calibration": dict, "classifier": str,
            "min_words": int, "thresholds": dict, "models": dict, "categories": list}
# what a framework may set again for one embedding model (``models: {transformer: {...}}``): a classifier is
# trained on one model's embeddings, and weights and threshold are fitted with it
MODEL_KEYS = {"threshold": float, "relative_threshold": float, "calibration": dict, "classifier": str,
              "thresholds": dict}
EMBEDDING_MODELS = ("static", "transformer", "multilingual")
CATEGORY_KEYS = {"code": str, "title": str, "description": str, "level": str, "facet": str, "parent": str,
                 "terms": list, "rules": list, "exclude": list, "examples": list, "indicators": list,
                 "threshold": float}
CALIBRATION_KEYS = ("bias", "rules", "terms", "similarity", "relative", "classifier", "lexical")


class FrameworkError(EvimapError):
    """A framework file that is missing, malformed or inconsistent."""


@dataclass
class Category:
    code: str
    title: str
    description: str = ""
    level: str = ""
    facet: str = ""
    parent: str | None = None
    terms: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    indicators: list[dict[str, str]] = field(default_factory=list)
    threshold: float | None = None
    compiled_rules: list[Rule] = field(default_factory=list, repr=False)
    compiled_terms: list[Rule] = field(default_factory=list, repr=False)
    compiled_exclude: list[Rule] = field(default_factory=list, repr=False)

    def texts(self) -> list[str]:
        """The sentences that define the category, for semantic similarity (title first)."""
        out = [self.title]
        if self.description:
            out.append(self.description)
        out.extend(self.examples)
        if self.terms:
            out.append(", ".join(self.terms))
        return out


@dataclass
class Framework:
    id: str
    name: str
    categories: list[Category]
    version: str = ""
    source: str = ""
    description: str = ""
    levels: list[str] = field(default_factory=list)
    facets: dict[str, str] = field(default_factory=dict)
    threshold: float = 0.5
    # a category is assigned only if its score is also at least this share of the passage's best score among
    # the categories of its level and facet (0: off) — a passage about return does not also get every
    # objective it brushes against
    relative_threshold: float = 0.0
    # a passage with fewer content words than this is too short to carry evidence: the embedding and supervised
    # layers alone do not label it, only a rule of the category that matches more than the passage's topic words
    # (0: off)
    min_words: int = 0
    calibration: dict[str, float] = field(default_factory=dict)
    # thresholds of single categories (code → threshold) fitted with the classifier; a category's own
    # ``threshold`` key still wins
    thresholds: dict[str, float] = field(default_factory=dict)
    classifier: str = ""
    # per embedding model, settings that replace the ones above when that model is used
    models: dict[str, dict[str, Any]] = field(default_factory=dict)
    path: str = ""

    def for_model(self, model: str) -> "Framework":
        """This framework with the settings its file gives for ``model`` (itself when it gives none): without
        them, a model other than the one the classifier and weights were fitted with gets no classifier."""
        settings = self.models.get(model)
        return replace(self, **settings) if settings else self

    def category(self, code: str) -> Category:
        """The category with this code, in any letter case ("DATA" → data); an unknown code raises
        FrameworkError naming the closest codes and the top-level ones."""
        for c in self.categories:
            if c.code == code:
                return c
        folded = {c.code.lower(): c for c in self.categories}
        if code.lower() in folded:
            return folded[code.lower()]
        close = [folded[k].code for k in difflib.get_close_matches(code.lower(), folded, n=3, cutoff=0.5)]
        main_facet = next(iter(self.facets), None)
        top = [c.code for c in self.at_level(self.levels[0] if self.levels else None)
               if c.parent is None and (main_facet is None or c.facet == main_facet)] or [c.code for c in self.categories]
        hint = f" (did you mean: {', '.join(close)}?)" if close else ""
        listed = ", ".join(top[:30]) + (", …" if len(top) > 30 else "")
        raise FrameworkError(f"{self.id}: no category {code!r}{hint}; categories: {listed}")

    def level_of(self, c: Category) -> str:
        return c.level or (self.levels[0] if self.levels else "")

    def at_level(self, level: str | None) -> list[Category]:
        if not level:
            return list(self.categories)
        return [c for c in self.categories if self.level_of(c) == level]

    def threshold_for(self, c: Category) -> float:
        if c.threshold is not None:
            return c.threshold
        return self.thresholds.get(c.code, self.threshold)

    def kind_of(self, c: Category) -> str:
        """What a category is called: its level and facet ("goal", "target", "objective", "principle"),
        "category" when the framework has neither."""
        return " ".join(part for part in (self.level_of(c), c.facet) if part) or "category"

    def counts(self) -> dict[str, int]:
        """Categories per kind, in the file's order: GCM {"objective": 23, "principle": 10}."""
        out: dict[str, int] = {}
        for c in self.categories:
            out[self.kind_of(c)] = out.get(self.kind_of(c), 0) + 1
        return out

    def outline(self) -> list[dict[str, Any]]:
        """Every category with its kind, code, title and parent, in the file's order (what `frameworks show` lists)."""
        return [{"kind": self.kind_of(c), "code": c.code, "title": c.title, "parent": c.parent} for c in self.categories]


def plural_noun(noun: str) -> str:
    """category → categories, objective → objectives."""
    return noun[:-1] + "ies" if noun.endswith("y") and noun[-2:-1] not in "aeiou" else noun + "s"


def plural(n: int, noun: str) -> str:
    """``n`` and ``noun``, in the plural unless n is 1."""
    return f"{n:,} {noun if n == 1 else plural_noun(noun)}"


def describe_counts(fw: Framework) -> str:
    """"23 objectives, 10 principles": how many categories of each kind a framework has."""
    return ", ".join(plural(n, kind) for kind, n in fw.counts().items())


def _where(path: str, node: yaml.Node) -> str:
    return f"{path}:{node.start_mark.line + 1}"


def _scalar(path: str, node: yaml.Node, want: type, what: str) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        raise FrameworkError(f"{_where(path, node)}: {what} must be a single value, not a {_kind(node)}")
    value = yaml.safe_load(yaml.serialize(node))
    if want is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise FrameworkError(f"{_where(path, node)}: {what} must be a number, got {node.value!r}")
        return float(value)
    if want is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise FrameworkError(f"{_where(path, node)}: {what} must be a whole number, got {node.value!r}")
        return value
    if value is None or (isinstance(value, str) and not value.strip()):
        raise FrameworkError(f"{_where(path, node)}: {what} is empty")
    if isinstance(value, (dict, list)):
        raise FrameworkError(f"{_where(path, node)}: {what} must be text")
    return str(value)


def _kind(node: yaml.Node) -> str:
    return {yaml.MappingNode: "mapping", yaml.SequenceNode: "list"}.get(type(node), "value")


def _mapping(path: str, node: yaml.Node, what: str) -> list[tuple[yaml.Node, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        raise FrameworkError(f"{_where(path, node)}: {what} must be a mapping of keys to values, not a {_kind(node)}")
    seen: set[str] = set()
    for k, _ in node.value:
        if k.value in seen:
            raise FrameworkError(f"{_where(path, k)}: key {k.value!r} appears twice in {what}")
        seen.add(k.value)
    return node.value


def _strings(path: str, node: yaml.Node, what: str) -> list[str]:
    if not isinstance(node, yaml.SequenceNode):
        raise FrameworkError(f"{_where(path, node)}: {what} must be a list")
    return [_scalar(path, item, str, f"each entry of {what}") for item in node.value]


def parse(text: str, path: str = "<framework>") -> Framework:
    """Validate and load a framework from YAML text. Raises FrameworkError("FILE:LINE: …")."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        raise FrameworkError(f"{path}{line}: not valid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise FrameworkError(f"{path}: not valid YAML: {exc}") from None
    if root is None:
        raise FrameworkError(f"{path}:1: the file is empty")
    top: dict[str, Any] = {}
    nodes: dict[str, yaml.Node] = {}
    for k, v in _mapping(path, root, "the framework"):
        key = k.value
        if key not in TOP_KEYS:
            raise FrameworkError(f"{_where(path, k)}: unknown key {key!r} (allowed: {', '.join(TOP_KEYS)})")
        nodes[key] = v
    for key in ("id", "name", "categories"):
        if key not in nodes:
            raise FrameworkError(f"{path}:1: missing required key {key!r}")
    top.update(_settings(path, nodes, {k: v for k, v in TOP_KEYS.items() if k not in ("categories", "models")}))
    if not _ID.match(top["id"]):
        raise FrameworkError(f"{_where(path, nodes['id'])}: id {top['id']!r} must be lowercase letters, digits, - or _")
    if "models" in nodes:
        top["models"] = {}
        for k, v in _mapping(path, nodes["models"], "models"):
            if k.value not in EMBEDDING_MODELS:
                raise FrameworkError(f"{_where(path, k)}: unknown model {k.value!r} in models "
                                     f"(allowed: {', '.join(EMBEDDING_MODELS)})")
            entry: dict[str, yaml.Node] = {}
            for mk, mv in _mapping(path, v, f"models.{k.value}"):
                if mk.value not in MODEL_KEYS:
                    raise FrameworkError(f"{_where(path, mk)}: unknown key {mk.value!r} in models.{k.value} "
                                         f"(allowed: {', '.join(MODEL_KEYS)})")
                entry[mk.value] = mv
            top["models"][k.value] = _settings(path, entry, MODEL_KEYS)
    cats_node = nodes["categories"]
    if not isinstance(cats_node, yaml.SequenceNode) or not cats_node.value:
        raise FrameworkError(f"{_where(path, cats_node)}: categories must be a non-empty list")
    categories: list[Category] = []
    lines: dict[str, yaml.Node] = {}
    for cnode in cats_node.value:
        categories.append(_category(path, cnode, top, lines))
    codes = {c.code for c in categories}
    for c in categories:
        if c.parent is not None and c.parent not in codes:
            raise FrameworkError(f"{_where(path, lines[c.code])}: category {c.code!r} has parent {c.parent!r}, "
                                 "which is not a category of this framework")
    for where, settings in [("thresholds", top), *((f"models.{m}.thresholds", v) for m, v in top.get("models", {}).items())]:
        unknown = sorted(set(settings.get("thresholds", {})) - codes)
        if unknown:
            raise FrameworkError(f"{_where(path, nodes.get('thresholds', nodes['models'] if 'models' in nodes else nodes['id']))}: "
                                 f"{where} names categories this framework does not have: {', '.join(unknown)}")
    return Framework(categories=categories, path=path, **top)


def _settings(path: str, nodes: dict[str, yaml.Node], keys: dict[str, type]) -> dict[str, Any]:
    """The values of ``nodes`` (key → YAML node) for the given keys, typed and checked."""
    out: dict[str, Any] = {}
    for key, want in keys.items():
        if key not in nodes:
            continue
        node = nodes[key]
        if want is list:
            out[key] = _strings(path, node, key)
        elif want is dict:
            out[key] = {str(k.value): _scalar(path, v, float if key in ("calibration", "thresholds") else str,
                                              f"{key}.{k.value}")
                        for k, v in _mapping(path, node, key)}
        else:
            out[key] = _scalar(path, node, want, key)
    if "threshold" in out and not 0 < out["threshold"] < 1:
        raise FrameworkError(f"{_where(path, nodes['threshold'])}: threshold must be between 0 and 1")
    if "relative_threshold" in out and not 0 <= out["relative_threshold"] < 1:
        raise FrameworkError(f"{_where(path, nodes['relative_threshold'])}: relative_threshold must be at least 0 "
                             f"and below 1")
    for code, t in out.get("thresholds", {}).items():
        if not 0 < t < 1:
            raise FrameworkError(f"{_where(path, nodes['thresholds'])}: thresholds.{code} must be between 0 and 1")
    if "min_words" in out and not 0 <= out["min_words"] <= 1000:
        raise FrameworkError(f"{_where(path, nodes['min_words'])}: min_words must be between 0 (off) and 1000")
    for k in out.get("calibration", {}):
        if k not in CALIBRATION_KEYS:
            raise FrameworkError(f"{_where(path, nodes['calibration'])}: unknown calibration weight {k!r} "
                                 f"(allowed: {', '.join(CALIBRATION_KEYS)})")
    return out


def _category(path: str, node: yaml.Node, top: dict[str, Any], seen: dict[str, yaml.Node]) -> Category:
    values: dict[str, Any] = {}
    knodes: dict[str, yaml.Node] = {}
    for k, v in _mapping(path, node, "a category"):
        key = k.value
        if key not in CATEGORY_KEYS:
            raise FrameworkError(f"{_where(path, k)}: unknown category key {key!r} "
                                 f"(allowed: {', '.join(CATEGORY_KEYS)})")
        knodes[key] = v
        want = CATEGORY_KEYS[key]
        if key == "indicators":
            if not isinstance(v, yaml.SequenceNode):
                raise FrameworkError(f"{_where(path, v)}: indicators must be a list")
            values[key] = [{ik.value: _scalar(path, iv, str, f"indicator {ik.value}") for ik, iv in
                            _mapping(path, item, "an indicator")} for item in v.value]
        elif want is list:
            values[key] = _strings(path, v, key)
        else:
            values[key] = _scalar(path, v, want, key)
    for key in ("code", "title"):
        if key not in values:
            raise FrameworkError(f"{_where(path, node)}: category without {key!r}")
    code = values["code"]
    if not _CODE.match(code):
        raise FrameworkError(f"{_where(path, knodes['code'])}: code {code!r} may hold only letters, digits, '.', '-', '_'")
    if code in seen:
        raise FrameworkError(f"{_where(path, knodes['code'])}: code {code!r} is already used at line "
                             f"{seen[code].start_mark.line + 1}")
    seen[code] = node
    if "level" in values and top.get("levels") and values["level"] not in top["levels"]:
        raise FrameworkError(f"{_where(path, knodes['level'])}: level {values['level']!r} is not one of "
                             f"levels {top['levels']}")
    if "facet" in values and top.get("facets") and values["facet"] not in top["facets"]:
        raise FrameworkError(f"{_where(path, knodes['facet'])}: facet {values['facet']!r} is not one of "
                             f"facets {list(top['facets'])}")
    if "threshold" in values and not 0 < values["threshold"] < 1:
        raise FrameworkError(f"{_where(path, knodes['threshold'])}: threshold must be between 0 and 1")
    cat = Category(**values)
    if not cat.facet and top.get("facets"):
        cat.facet = next(iter(top["facets"]))
    for key, target, compile_one in (("rules", cat.compiled_rules, compile_rule),
                                     ("exclude", cat.compiled_exclude, compile_rule),
                                     ("terms", cat.compiled_terms, term_rule)):
        if key not in knodes:
            continue
        for item, source in zip(knodes[key].value, values[key]):
            try:
                target.append(compile_one(source))
            except RuleError as exc:
                raise FrameworkError(f"{_where(path, item)}: {key[:-1] if key != 'exclude' else key} "
                                     f"{source!r}: {exc}") from None
    return cat


def load(name_or_path: str | Path) -> Framework:
    """A built-in framework by id in any letter case ("gcm", "SDG", "themes", "sg8") or a framework file by path."""
    ref = str(name_or_path).strip()
    if ref.lower() in BUILTIN:
        return _load(ref.lower())
    try:  # a file edited since it was last read is read again (a server or a session outlives the edit)
        st = os.stat(ref)
        version = (st.st_mtime_ns, st.st_size)
    except OSError:
        version = None
    return _load(ref, version)


@lru_cache(maxsize=32)
def _load(ref: str, version: tuple[int, int] | None = None) -> Framework:
    if ref in BUILTIN:
        text = resources.files(__package__).joinpath("data", f"{ref}.yaml").read_text(encoding="utf-8")
        return parse(text, f"{ref}.yaml")
    p = Path(ref)
    if not p.is_file():
        close = difflib.get_close_matches(ref.lower(), BUILTIN, n=2, cutoff=0.5)
        hint = f"did you mean: {', '.join(close)}? " if close else ""
        raise FrameworkError(f"{ref}: no such framework ({hint}built-in: {', '.join(BUILTIN)}; or give a YAML file path)")
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise FrameworkError(f"{ref}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    fw = parse(text, str(p))
    if fw.id in BUILTIN:
        raise FrameworkError(f"{ref}: id {fw.id!r} is taken by a built-in framework; choose another id")
    return fw


def validate_file(path: str | Path) -> Framework:
    """Load a framework file and return it; raises FrameworkError naming the line and the problem."""
    p = Path(path)
    if not p.is_file():
        raise FrameworkError(f"{path}: no such file")
    return parse(p.read_text(encoding="utf-8", errors="strict"), str(p))
