"""Boolean keyword queries of tracked topics: ``(Uber OR 優步) AND (計程車 OR 小黃) NOT 股價``.

Grammar (NOT binds tighter than AND, AND tighter than OR; two terms side by side mean AND;
``A NOT B`` means ``A AND NOT B``)::

    query  := or
    or     := and ("OR" and)*
    and    := unary (["AND"] unary)*
    unary  := "NOT" unary | "(" or ")" | TERM | "PHRASE"

Operators are upper-case English words (or ``|``, ``&``, ``-`` prefix for NOT). Terms match as
substrings of the normalised text (Simplified → Taiwan Traditional, NFKC, case-folded), since
Chinese has no spaces between words.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import gettext as _

from sentiment.nlp.normalize import normalize_text

MAX_QUERY_LENGTH = 2000
MAX_DEPTH = 20


class QueryError(ValueError):
    """A malformed query; the message is meant for the analyst (translated)."""


@dataclass(frozen=True)
class Term:
    text: str

    def match(self, text: str) -> bool:
        return self.text in text


@dataclass(frozen=True)
class Not:
    child: object

    def match(self, text: str) -> bool:
        return not self.child.match(text)


@dataclass(frozen=True)
class And:
    children: tuple

    def match(self, text: str) -> bool:
        return all(child.match(text) for child in self.children)


@dataclass(frozen=True)
class Or:
    children: tuple

    def match(self, text: str) -> bool:
        return any(child.match(text) for child in self.children)


_TOKEN = re.compile(r'\s*(?:(\()|(\))|"([^"]*)("?)|(\S+?)(?=[\s()"]|$))')
_OPERATORS = {"AND": "AND", "&": "AND", "&&": "AND", "OR": "OR", "|": "OR", "||": "OR"}


def text_normalise(text: str) -> str:
    """The form both queries and posts are compared in."""
    # 臺/台 are used interchangeably; OpenCC writes 臺 only when it converts a text.
    return normalize_text(text or "").casefold().replace("臺", "台")


def _tokens(query: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    query = query.strip()
    while position < len(query):
        match = _TOKEN.match(query, position)
        if not match or match.end() == position:
            break
        position = match.end()
        lparen, rparen, phrase, closing, word = match.groups()
        if lparen:
            tokens.append(("(", "("))
        elif rparen:
            tokens.append((")", ")"))
        elif phrase is not None:
            if not closing:
                raise QueryError(_("A quotation mark is not closed."))
            if not phrase.strip():
                raise QueryError(_("A quoted phrase is empty."))
            tokens.append(("TERM", phrase))
        elif word in _OPERATORS:
            tokens.append((_OPERATORS[word], word))
        elif word == "NOT":
            tokens.append(("NOT", word))
        elif word.startswith("-") and len(word) > 1:
            tokens.append(("NOT", "-"))
            tokens.append(("TERM", word[1:]))
        else:
            tokens.append(("TERM", word))
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.index = 0
        self.depth = 0

    def peek(self) -> str | None:
        return self.tokens[self.index][0] if self.index < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def parse(self):
        if not self.tokens:
            raise QueryError(_("The query is empty."))
        node = self.parse_or()
        if self.peek() == ")":
            raise QueryError(_("A closing parenthesis has no matching opening one."))
        if self.peek() is not None:  # pragma: no cover - every token kind is consumed above
            raise QueryError(_("The query could not be read."))
        return node

    def parse_or(self):
        children = [self.parse_and()]
        while self.peek() == "OR":
            self.take()
            children.append(self.parse_and())
        return children[0] if len(children) == 1 else Or(tuple(children))

    def parse_and(self):
        children = [self.parse_unary()]
        while self.peek() in {"AND", "NOT", "TERM", "("}:
            if self.peek() == "AND":
                self.take()
            children.append(self.parse_unary())
        return children[0] if len(children) == 1 else And(tuple(children))

    def parse_unary(self):
        kind = self.peek()
        if kind is None:
            raise QueryError(_("The query ends with an operator; a word is missing after it."))
        if kind == "NOT":
            self.take()
            return Not(self.parse_unary())
        if kind == "(":
            self.take()
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise QueryError(_("The query has too many nested parentheses."))
            if self.peek() == ")":
                raise QueryError(_("A pair of parentheses is empty."))
            node = self.parse_or()
            if self.peek() != ")":
                raise QueryError(_("An opening parenthesis is not closed."))
            self.take()
            self.depth -= 1
            return node
        if kind == ")":
            raise QueryError(_("A closing parenthesis has no matching opening one."))
        if kind in {"AND", "OR"}:
            raise QueryError(
                _("The operator %(operator)s needs a word on each side.")
                % {"operator": self.tokens[self.index][1]}
            )
        text = text_normalise(self.take()[1]).strip()
        if not text:
            raise QueryError(_("A search word is empty."))
        return Term(text)


def _only_negative(node) -> bool:
    if isinstance(node, Not):
        return True
    if isinstance(node, And):
        return all(_only_negative(child) for child in node.children)
    if isinstance(node, Or):
        return any(_only_negative(child) for child in node.children)
    return False


@lru_cache(maxsize=256)
def _parse_cached(query: str):
    return _Parser(_tokens(query)).parse()


def query_parse(query: str):
    """The query's tree (with ``.match(normalised_text)``); raises QueryError when malformed."""
    query = (query or "").strip()
    if len(query) > MAX_QUERY_LENGTH:
        raise QueryError(
            _("The query is too long (at most %(limit)d characters).") % {"limit": MAX_QUERY_LENGTH}
        )
    node = _parse_cached(query)
    if _only_negative(node):
        raise QueryError(_("The query needs at least one word to look for, not only NOT words."))
    return node


def query_matches(query: str, text: str) -> bool:
    """Convenience: does this (raw) text match this query?"""
    return query_parse(query).match(text_normalise(text))
