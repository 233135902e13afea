"""A small expression language for laws: ``mp(0.5)``, ``semicircle(variance=2) + mp(0.5)``.

Grammar (recursive descent, never ``eval``)::

    expression := term ( "+" term )*          # + is free additive convolution ⊞
    term       := factor ( "*" factor )*      # * is free multiplicative convolution ⊠
    factor     := call | "(" expression ")"
    call       := NAME "(" [ argument ( "," argument )* ] ")"
    argument   := [ NAME "=" ] value
    value      := number | "[" number ( "," number )* "]" | expression   # a law, e.g. gmp(0.5, atoms([1, 4]))
    number     := [ "+" | "-" ] ( DIGITS [ "." DIGITS ] [ ("e"|"E") [sign] DIGITS ] | "inf" | "nan" )

``*`` binds tighter than ``+``. NaN and inf parse as numbers so that the law refuses them with a
message naming the parameter. Every syntax error names the column.

Example::

    >>> from rmtheory.expr import parse_law
    >>> parse_law("mp(ratio=2, variance=0.5)")
    mp(ratio=2, variance=0.5)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rmtheory import catalog
from rmtheory.free import free_add, free_mul
from rmtheory.params import ParameterError

__all__ = ["ExpressionError", "parse", "evaluate", "parse_law"]


class ExpressionError(ValueError):
    """A malformed or meaningless law expression; the message says where and why."""


_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>[()\[\],=+*-])
""", re.VERBOSE)


@dataclass
class Token:
    kind: str  # "number", "name", "punct", "end"
    text: str
    column: int  # 1-based


@dataclass
class Call:
    name: str
    args: list
    kwargs: dict
    column: int
    text: str = ""


@dataclass
class BinaryOp:
    op: str
    left: object
    right: object
    column: int


@dataclass
class _Parser:
    source: str
    tokens: list = field(default_factory=list)
    pos: int = 0

    def tokenize(self) -> None:
        i = 0
        while i < len(self.source):
            m = _TOKEN.match(self.source, i)
            if m is None:
                raise ExpressionError(
                    f"unexpected character {self.source[i]!r} at column {i + 1} in {self.source!r}")
            if m.lastgroup != "space":
                self.tokens.append(Token(m.lastgroup, m.group(), i + 1))
            i = m.end()
        self.tokens.append(Token("end", "", len(self.source) + 1))

    # -- helpers
    def peek(self) -> Token:
        return self.tokens[self.pos]

    def take(self) -> Token:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def expect(self, text: str) -> Token:
        tok = self.take()
        if tok.text != text:
            found = "end of input" if tok.kind == "end" else repr(tok.text)
            raise ExpressionError(f"expected {text!r} at column {tok.column}, found {found} in {self.source!r}")
        return tok

    def error(self, tok: Token, what: str) -> ExpressionError:
        found = "end of input" if tok.kind == "end" else repr(tok.text)
        return ExpressionError(f"expected {what} at column {tok.column}, found {found} in {self.source!r}")

    # -- grammar
    def expression(self):
        node = self.term()
        while self.peek().text == "+":
            tok = self.take()
            node = BinaryOp("+", node, self.term(), tok.column)
        return node

    def term(self):
        node = self.factor()
        while self.peek().text == "*":
            tok = self.take()
            node = BinaryOp("*", node, self.factor(), tok.column)
        return node

    def factor(self):
        tok = self.peek()
        if tok.text == "(":
            self.take()
            node = self.expression()
            self.expect(")")
            return node
        if tok.kind == "name" and tok.text.lower() not in ("inf", "nan"):
            return self.call()
        raise self.error(tok, "a law such as mp(0.5) or '('")

    def call(self):
        name_tok = self.take()
        start = name_tok.column - 1
        self.expect("(")
        args, kwargs = [], {}
        if self.peek().text != ")":
            while True:
                tok = self.peek()
                if tok.kind == "name" and self.tokens[self.pos + 1].text == "=":
                    self.take()
                    self.take()
                    if tok.text in kwargs:
                        raise ExpressionError(
                            f"parameter {tok.text!r} given twice at column {tok.column} in {self.source!r}")
                    kwargs[tok.text] = self.value()
                else:
                    if kwargs:
                        raise ExpressionError(
                            f"positional argument after keyword argument at column {tok.column} "
                            f"in {self.source!r}")
                    args.append(self.value())
                if self.peek().text == ",":
                    self.take()
                    continue
                break
        end_tok = self.expect(")")
        return Call(name_tok.text, args, kwargs, name_tok.column, self.source[start:end_tok.column])

    def value(self):
        tok = self.peek()
        if tok.text == "(" or (tok.kind == "name" and tok.text.lower() not in ("inf", "nan")):
            return self.expression()
        if tok.text == "[":
            self.take()
            items = [self.number()]
            while self.peek().text == ",":
                self.take()
                items.append(self.number())
            self.expect("]")
            return items
        return self.number()

    def number(self) -> float:
        sign = 1.0
        tok = self.peek()
        if tok.text in ("+", "-"):
            self.take()
            sign = -1.0 if tok.text == "-" else 1.0
            tok = self.peek()
        if tok.kind == "number":
            self.take()
            return sign * float(tok.text)
        if tok.kind == "name" and tok.text.lower() in ("inf", "nan"):
            self.take()
            return sign * float(tok.text.lower())
        raise self.error(tok, "a number")


def parse(source: str):
    """Parse ``source`` into a syntax tree of :class:`Call` and :class:`BinaryOp` nodes."""
    if not isinstance(source, str) or not source.strip():
        raise ExpressionError("empty law expression; try e.g. 'mp(0.5)' or 'semicircle(1)'")
    parser = _Parser(source)
    parser.tokenize()
    tree = parser.expression()
    tok = parser.peek()
    if tok.kind != "end":
        raise ExpressionError(f"unexpected {tok.text!r} at column {tok.column} in {source!r}")
    return tree


def _build_call(node: Call):
    cls = catalog.lookup(node.name)
    if cls is None:
        raise ExpressionError(
            f"unknown law {node.name!r} at column {node.column}; known laws: {', '.join(catalog.names())}")
    params = cls.parameters
    if len(node.args) > len(params):
        raise ExpressionError(
            f"{node.name}() takes at most {len(params)} arguments "
            f"({', '.join(p.name for p in params)}), got {len(node.args)}")
    args = [evaluate(v) if isinstance(v, (Call, BinaryOp)) else v for v in node.args]
    kwargs = {k: evaluate(v) if isinstance(v, (Call, BinaryOp)) else v for k, v in node.kwargs.items()}
    values = {p.name: v for p, v in zip(params, args)}
    allowed = {p.name for p in params}
    for key, v in kwargs.items():
        if key not in allowed:
            raise ExpressionError(
                f"{node.name}() has no parameter {key!r}; its parameters are "
                f"{', '.join(p.name for p in params) or 'none'}")
        if key in values:
            raise ExpressionError(f"{node.name}() got parameter {key!r} both by position and by name")
        values[key] = v
    missing = [p.name for p in params if p.required and p.name not in values]
    if missing:
        raise ExpressionError(f"{node.name}() needs parameter {missing[0]!r} (e.g. {node.name}(0.5))")
    try:
        return cls(**values)
    except ParameterError as err:
        raise ParameterError(err.name, err.value, err.allowed, f"in {node.text}") from None


_OPERATORS = {"+": free_add, "*": free_mul}


def evaluate(tree):
    """Build the law a syntax tree describes."""
    if isinstance(tree, Call):
        return _build_call(tree)
    return _OPERATORS[tree.op](evaluate(tree.left), evaluate(tree.right))


def parse_law(source: str):
    """Parse and build in one step: ``parse_law("mp(0.5)")`` → ``MarchenkoPastur(0.5)``."""
    return evaluate(parse(source))
