"""The FTS5 query language, parsed into a tree the postings ranker can evaluate.

Only the part of the language the ranker evaluates itself is parsed: phrases (barewords and quoted
strings, a trailing ``*`` for a prefix), implicit AND, ``AND``, ``OR``, ``NOT`` and parentheses.
Anything else (NEAR groups, column filters, ``^``, ``+``) makes ``parse`` return None, and the query
goes to FTS5 as it is — which also reports syntax errors in its own words.

Precedence follows FTS5's grammar: a run of phrases side by side (implicit AND) binds tightest,
then NOT, then AND, then OR; all left-associative. ``a NOT b c`` is ``a NOT (b AND c)``.

A query longer than ``MAX_QUERY_LENGTH``, with more than ``MAX_QUERY_TERMS`` terms or parentheses nested
deeper than ``MAX_QUERY_DEPTH`` is refused with a QueryError before it is parsed (``check_limits``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from ..errors import QueryError

# What one query may ask for. Checked before anything parses or evaluates it: the tree of a query is
# walked recursively, and a hostile query (thousands of words, hundreds of nested parentheses) must be
# refused with a clear message rather than exhaust the stack or a search lane.
MAX_QUERY_LENGTH = 2_000  # characters
MAX_QUERY_TERMS = 256     # words and quoted phrases, boolean operators not counted
MAX_QUERY_DEPTH = 32      # nested parentheses


@dataclass(frozen=True)
class Phrase:
    """Text to be tokenised as FTS5 tokenises the column; ``prefix`` for a trailing ``*``."""

    text: str
    prefix: bool = False


@dataclass(frozen=True)
class Op:
    """A boolean operator: "AND", "OR" or "NOT" (left NOT right)."""

    op: str
    left: "Node"
    right: "Node"


Node = Union[Phrase, Op]


class _Unsupported(Exception):
    pass


def _bareword_char(c: str) -> bool:
    # sqlite3Fts5IsBareword: non-ASCII, ASCII letters and digits, "_" and 0x1A
    return ord(c) >= 0x80 or c.isascii() and (c.isalnum() or c == "_") or c == "\x1a"


def check_limits(query: str) -> None:
    """Raise QueryError, naming the limit, when ``query`` is longer, has more terms or nests parentheses
    deeper than evimap answers. Counts without parsing, so it holds for any text, FTS5 syntax or not."""
    if len(query) > MAX_QUERY_LENGTH:
        raise QueryError(f"query too long: {len(query):,} characters (the limit is {MAX_QUERY_LENGTH:,})")
    terms = depth = deepest = 0
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c == '"':  # a quoted phrase is one term; "" inside it is a quote
            j = i + 1
            while j < n and (query[j] != '"' or query[j + 1:j + 2] == '"'):
                j += 2 if query[j] == '"' else 1
            terms += 1
            i = j + 1
        elif c == "(":
            depth += 1
            deepest = max(deepest, depth)
            i += 1
        elif c == ")":
            depth = max(0, depth - 1)
            i += 1
        elif _bareword_char(c):
            j = i
            while j < n and _bareword_char(query[j]):
                j += 1
            terms += query[i:j] not in ("AND", "OR", "NOT")
            i = j
        else:
            i += 1
    if terms > MAX_QUERY_TERMS:
        raise QueryError(f"query has too many terms: {terms:,} (the limit is {MAX_QUERY_TERMS})")
    if deepest > MAX_QUERY_DEPTH:
        raise QueryError(f"query nests parentheses too deeply: {deepest} levels (the limit is {MAX_QUERY_DEPTH})")


def _lex(text: str) -> list[tuple[str, str]]:
    """(kind, value) tokens: STR (quoted), WORD (bareword), STAR, LP, RP, AND, OR, NOT."""
    out: list[tuple[str, str]] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in " \t\n\r":
            i += 1
        elif c == '"':
            j, buf = i + 1, []
            while True:
                if j >= n:
                    raise _Unsupported("unterminated string")
                if text[j] == '"':
                    if j + 1 < n and text[j + 1] == '"':
                        buf.append('"')
                        j += 2
                        continue
                    break
                buf.append(text[j])
                j += 1
            out.append(("STR", "".join(buf)))
            i = j + 1
        elif c == "*":
            out.append(("STAR", c))
            i += 1
        elif c == "(":
            out.append(("LP", c))
            i += 1
        elif c == ")":
            out.append(("RP", c))
            i += 1
        elif _bareword_char(c):
            j = i
            while j < n and _bareword_char(text[j]):
                j += 1
            word = text[i:j]
            if word == "NEAR" and j < n and text[j:].lstrip().startswith("("):
                raise _Unsupported("NEAR group")
            out.append((word, word) if word in ("AND", "OR", "NOT") else ("WORD", word))
            i = j
        else:  # ^ + : { } - , and anything FTS5 rejects
            raise _Unsupported(f"character {c!r}")
    return out


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]):
        self.toks = tokens
        self.i = 0

    def peek(self) -> str | None:
        return self.toks[self.i][0] if self.i < len(self.toks) else None

    def take(self, kind: str) -> str:
        if self.peek() != kind:
            raise _Unsupported(f"expected {kind}")
        value = self.toks[self.i][1]
        self.i += 1
        return value

    def expr(self, level: int = 0) -> Node:
        """level 0: OR, 1: AND, 2: NOT, 3: a run of phrases or a parenthesised expression."""
        if level == 3:
            return self.primary()
        op = ("OR", "AND", "NOT")[level]
        node = self.expr(level + 1)
        while self.peek() == op:
            self.i += 1
            node = Op(op, node, self.expr(level + 1))
        return node

    def primary(self) -> Node:
        if self.peek() == "LP":
            self.i += 1
            node = self.expr()
            self.take("RP")
            if self.peek() in ("STR", "WORD", "LP"):  # "(a) b": FTS5's grammar has no implicit AND here
                raise _Unsupported("phrase after a parenthesis")
            return node
        node: Node = self.phrase()
        while self.peek() in ("STR", "WORD"):
            node = Op("AND", node, self.phrase())
        if self.peek() == "LP":
            raise _Unsupported("parenthesis after a phrase")
        return node

    def phrase(self) -> Phrase:
        kind = self.peek()
        if kind not in ("STR", "WORD"):
            raise _Unsupported("expected a phrase")
        text = self.toks[self.i][1]
        self.i += 1
        prefix = False
        if self.peek() == "STAR":
            self.i += 1
            prefix = True
        return Phrase(text, prefix)


def parse(query: str) -> Node | None:
    """The tree of an FTS5 query, or None when it uses more of the language than phrases and booleans.
    Raises QueryError for a query beyond the limits (``check_limits``)."""
    check_limits(query)
    try:
        tokens = _lex(query)
        if not tokens:
            return None
        p = _Parser(tokens)
        node = p.expr()
        if p.i != len(tokens):
            return None
        return node
    except _Unsupported:
        return None


def phrases(node: Node) -> list[Phrase]:
    """The phrases of a query in the order they appear (FTS5 numbers them so for bm25)."""
    out: list[Phrase] = []
    stack: list[Node] = [node]
    while stack:  # a stack, not recursion: a run of words is a tree as deep as it is long
        n = stack.pop()
        if isinstance(n, Phrase):
            out.append(n)
        else:
            stack += (n.right, n.left)
    return out
