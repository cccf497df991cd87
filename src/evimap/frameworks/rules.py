"""The rule language: small, transparent queries that say when a passage is about a category.

Syntax (Aurora/FTS-like; words are matched by stem, case-insensitively)::

    remittance                     a word, any inflection (remittances, remittance)
    migra*                         a prefix of the written word (migrant, migration, migratory)
    "decent work"                  a phrase: the words next to each other, each by stem
    recruit* NEAR/8 (fee* OR cost*)   both within 8 words of each other (NEAR alone = NEAR/10)
    a AND b,  a b                  both (juxtaposition is AND)
    a OR b                         either
    NOT a,  a AND NOT b,  a NOT b  exclusion
    ( … )                          grouping

Precedence, tightest first: NOT, NEAR, AND, OR. A hyphen inside a word splits it ("evidence-based"
is the phrase "evidence based"). A match returns the token spans that support it — the evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import Stemmer

from ..errors import EvimapError

_STEMMER = Stemmer.Stemmer("english")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)

Span = tuple[int, int]  # token start (inclusive), token end (exclusive)


class RuleError(EvimapError):
    """A rule that does not parse. ``column`` is 1-based within the rule text."""

    def __init__(self, message: str, column: int):
        super().__init__(f"column {column}: {message}")
        self.column = column


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return _STEMMER.stemWord(word)


@dataclass
class Text:
    """A passage prepared for rule matching: lowercased tokens and their stems (character offsets are
    computed only when a quote is needed)."""

    text: str
    tokens: list[str]
    by_stem: dict[str, list[int]]
    by_token: dict[str, list[int]]
    _by3: dict[str, list[str]] | None = None
    _offsets: list[tuple[int, int]] | None = None

    @property
    def by3(self) -> dict[str, list[str]]:
        """The distinct tokens by their first three letters: a prefix test looks at one small bucket (building
        every prefix of every token cost more than all the tests a passage needs)."""
        if self._by3 is None:
            by3: dict[str, list[str]] = {}
            for tok in self.by_token:
                if len(tok) >= 3:
                    by3.setdefault(tok[:3], []).append(tok)
            self._by3 = by3
        return self._by3

    def has_prefix(self, prefix: str) -> bool:
        """Whether a token starts with ``prefix`` (3 letters or more)."""
        bucket = self.by3.get(prefix[:3])
        return bucket is not None and any(tok.startswith(prefix) for tok in bucket)

    @property
    def offsets(self) -> list[tuple[int, int]]:
        if self._offsets is None:
            self._offsets = [m.span() for m in _WORD.finditer(self.text)]
        return self._offsets

    @classmethod
    def of(cls, text: str) -> "Text":
        tokens = [w.lower() for w in _WORD.findall(text)]
        by_token: dict[str, list[int]] = {}
        for i, t in enumerate(tokens):
            pos = by_token.get(t)
            if pos is None:
                by_token[t] = [i]
            else:
                pos.append(i)
        by_stem: dict[str, list[int]] = {}
        merged = False
        for t, pos in by_token.items():  # stem each distinct token once
            s = stem(t)
            have = by_stem.get(s)
            if have is None:
                by_stem[s] = pos
            else:
                by_stem[s] = have + pos
                merged = True
        if merged:
            for s, pos in by_stem.items():
                pos.sort()
        return cls(text, tokens, by_stem, by_token)

    def quote(self, span: Span) -> str:
        off = self.offsets
        return self.text[off[span[0]][0]: off[span[1] - 1][1]]


# ---- syntax tree -------------------------------------------------------------------------------

class Node:
    def match(self, t: Text) -> list[Span] | None:  # None: no match; []: true without evidence
        raise NotImplementedError

    def keys(self) -> set[str] | None:
        """Stems/prefixes of which at least one must occur for a match (None: cannot tell)."""
        return None


@dataclass
class Word(Node):
    stem: str

    def match(self, t: Text) -> list[Span] | None:
        pos = t.by_stem.get(self.stem)
        return [(p, p + 1) for p in pos] if pos else None

    def keys(self) -> set[str]:
        return {self.stem}


@dataclass
class Prefix(Node):
    prefix: str

    def match(self, t: Text) -> list[Span] | None:
        bucket = t.by3.get(self.prefix[:3])  # the parser allows prefixes of 3 letters or more
        if bucket is None:
            return None
        by_token = t.by_token
        spans = [(p, p + 1) for tok in bucket if tok.startswith(self.prefix) for p in by_token[tok]]
        return sorted(spans) if spans else None

    def keys(self) -> set[str]:
        return {"*" + self.prefix}


@dataclass
class Phrase(Node):
    stems: list[str]

    def match(self, t: Text) -> list[Span] | None:
        by_stem = t.by_stem
        starts = by_stem.get(self.stems[0])
        if not starts:
            return None
        for i, s in enumerate(self.stems[1:], 1):  # keep the starts followed by each next stem
            pos = by_stem.get(s)
            if not pos:
                return None
            follow = set(pos)
            starts = [p for p in starts if p + i in follow]
            if not starts:
                return None
        n = len(self.stems)
        return [(p, p + n) for p in starts]

    def keys(self) -> set[str]:
        return {self.stems[0]}


@dataclass
class Near(Node):
    left: Node
    right: Node
    distance: int

    def match(self, t: Text) -> list[Span] | None:
        a, b = self.left.match(t), self.right.match(t)
        if not a or not b:
            return None
        out = []
        for x in a:
            for y in b:
                gap = max(y[0] - x[1], x[0] - y[1], 0)
                if gap <= self.distance:
                    out.append((min(x[0], y[0]), max(x[1], y[1])))
        return sorted(set(out)) or None

    def keys(self) -> set[str] | None:
        return _smallest(self.left.keys(), self.right.keys())


@dataclass
class And(Node):
    parts: list[Node]

    def match(self, t: Text) -> list[Span] | None:
        out: list[Span] = []
        for p in self.parts:
            m = p.match(t)
            if m is None:
                return None
            out.extend(m)
        return sorted(set(out))

    def keys(self) -> set[str] | None:
        return _smallest(*(p.keys() for p in self.parts))


@dataclass
class Or(Node):
    parts: list[Node]

    def match(self, t: Text) -> list[Span] | None:
        out: list[Span] = []
        hit = False
        for p in self.parts:
            m = p.match(t)
            if m is not None:
                hit = True
                out.extend(m)
        return sorted(set(out)) if hit else None

    def keys(self) -> set[str] | None:
        ks = [p.keys() for p in self.parts]
        return None if any(k is None for k in ks) else set().union(*ks)


@dataclass
class Not(Node):
    part: Node

    def match(self, t: Text) -> list[Span] | None:
        return None if self.part.match(t) is not None else []


def _smallest(*keys: set[str] | None) -> set[str] | None:
    known = [k for k in keys if k is not None]
    return min(known, key=len) if known else None


# ---- parser ------------------------------------------------------------------------------------

_TOKEN = re.compile(r'\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<near>NEAR(?:/(?P<n>\d+))?)(?![\w*])|(?P<op>AND|OR|NOT)(?![\w*])'
                    r'|"(?P<phrase>[^"]*)"|(?P<word>[^\s()"]+))')


@dataclass
class _Tok:
    kind: str
    value: str
    col: int
    n: int = 10


def _lex(source: str) -> list[_Tok]:
    if source.count('"') % 2:
        raise RuleError("unclosed quote", source.rindex('"') + 1)
    out, pos = [], 0
    while pos < len(source):
        if source[pos:].strip() == "":
            break
        m = _TOKEN.match(source, pos)
        if not m or m.end() == pos:
            raise RuleError(f"unexpected character {source[pos]!r}", pos + 1)
        col = m.start(m.lastgroup or 0) + 1
        if m.group("lp"):
            out.append(_Tok("(", "(", col))
        elif m.group("rp"):
            out.append(_Tok(")", ")", col))
        elif m.group("near"):
            out.append(_Tok("NEAR", "NEAR", col, int(m.group("n") or 10)))
        elif m.group("op"):
            out.append(_Tok(m.group("op"), m.group("op"), col))
        elif m.group("phrase") is not None:
            out.append(_Tok("phrase", m.group("phrase"), col))
        else:
            out.append(_Tok("word", m.group("word"), col))
        pos = m.end()
    return out


def _term(value: str, col: int, phrase: bool) -> Node:
    prefix = value.endswith("*") and not phrase
    words = [w.lower() for w in _WORD.findall(value.rstrip("*"))]
    if not words:
        raise RuleError(f"empty term {value!r}", col)
    if prefix:
        if len(words) > 1:
            raise RuleError(f"a prefix must be one word: {value!r}", col)
        if len(words[0]) < 3:
            raise RuleError(f"prefix {value!r} is too short (3 letters at least)", col)
        return Prefix(words[0])
    return Word(stem(words[0])) if len(words) == 1 else Phrase([stem(w) for w in words])


class _Parser:
    def __init__(self, source: str):
        self.toks = _lex(source)
        self.i = 0
        self.end = len(source) + 1

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> _Tok:
        t = self.toks[self.i]
        self.i += 1
        return t

    def parse(self) -> Node:
        if not self.toks:
            raise RuleError("empty rule", 1)
        node = self.or_expr()
        if self.peek() is not None:
            t = self.peek()
            raise RuleError(f"unexpected {t.value!r}", t.col)
        return node

    def or_expr(self) -> Node:
        parts = [self.and_expr()]
        while (t := self.peek()) and t.kind == "OR":
            self.take()
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else Or(parts)

    def and_expr(self) -> Node:
        parts = [self.near_expr()]
        while (t := self.peek()) and t.kind in ("AND", "NOT", "(", "word", "phrase"):
            if t.kind == "AND":
                self.take()
            parts.append(self.near_expr())
        return parts[0] if len(parts) == 1 else And(parts)

    def near_expr(self) -> Node:
        node = self.unary()
        while (t := self.peek()) and t.kind == "NEAR":
            self.take()
            node = Near(node, self.unary(), t.n)
        return node

    def unary(self) -> Node:
        t = self.peek()
        if t is None:
            raise RuleError("rule ends where a term was expected", self.end)
        if t.kind == "NOT":
            self.take()
            return Not(self.unary())
        if t.kind == "(":
            self.take()
            node = self.or_expr()
            close = self.peek()
            if close is None or close.kind != ")":
                raise RuleError("missing closing parenthesis", t.col)
            self.take()
            return node
        if t.kind in ("word", "phrase"):
            self.take()
            return _term(t.value, t.col, t.kind == "phrase")
        raise RuleError(f"unexpected {t.value!r}", t.col)


@dataclass
class Rule:
    """A compiled rule. ``match`` returns the supporting spans or None."""

    source: str
    node: Node = field(repr=False)
    keys: frozenset[str] | None = field(repr=False, default=None)

    def match(self, t: Text) -> list[Span] | None:
        if self.keys is not None and not self._may_match(t):
            return None
        return self.node.match(t)

    def _may_match(self, t: Text) -> bool:
        for k in self.keys or ():
            if k[0] == "*":
                if t.has_prefix(k[1:]):
                    return True
            elif k in t.by_stem:
                return True
        return False


@lru_cache(maxsize=20_000)
def compile_rule(source: str) -> Rule:
    """Parse ``source``; raises :class:`RuleError` naming the column of the problem."""
    node = _Parser(source).parse()
    keys = node.keys()
    return Rule(source, node, frozenset(keys) if keys is not None else None)


def term_rule(term: str) -> Rule:
    """A vocabulary term (word or phrase, hyphens as spaces) as a rule."""
    words = _WORD.findall(term)
    if not words:
        raise RuleError(f"empty term {term!r}", 1)
    return compile_rule('"' + " ".join(words) + '"' if len(words) > 1 else words[0])
