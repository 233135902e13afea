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

Input limits, checked while parsing, before any law is built (each refusal is an
:class:`ExpressionError`, a :class:`~rmtheory.params.ParameterError`, naming the limit):

* :data:`MAX_LENGTH` = 2000 characters;
* :data:`MAX_DEPTH` = 32 levels of nesting (parentheses, argument lists and ``[...]`` lists together);
* :data:`MAX_LAWS` = 16 laws in one expression (so at most 15 ``+`` / ``*``; a law given as an
  argument, like the population of ``gmp(0.5, atoms([1, 4]))``, counts too);
* :data:`MAX_LIST` = 64 numbers in one ``[...]`` list.

They bound the parser's recursion (no ``RecursionError``) and the work: a free convolution of 16
operands or of a 64-atom law is solved in about a second, one of 128 atoms takes 5–10 s and the
time grows with the atoms and the operands.

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

__all__ = ["ExpressionError", "parse", "evaluate", "parse_law", "MAX_LENGTH", "MAX_DEPTH", "MAX_LAWS",
           "MAX_LIST", "LIMITS"]

#: the longest expression accepted, in characters
MAX_LENGTH = 2000
#: the deepest nesting of parentheses, argument lists and [...] lists together
MAX_DEPTH = 32
#: the most laws (calls) in one expression: operands of + and *, and laws given as arguments
MAX_LAWS = 16
#: the most numbers in one [...] list
MAX_LIST = 64
#: the limits in one line, for --help texts and messages
LIMITS = (f"at most {MAX_LENGTH} characters, {MAX_DEPTH} levels of nesting, {MAX_LAWS} laws "
          f"(operands of + and *, laws given as arguments) and {MAX_LIST} numbers in a [...] list")


class ExpressionError(ParameterError):
    """A malformed or meaningless law expression, or one beyond the input limits; the message says
    where and why.

    A :class:`~rmtheory.params.ParameterError` (the parameter is the expression), so it is inside the
    library's error contract; ``name`` is ``"expression"``, ``value`` the source when known.
    """

    def __init__(self, message: str, value=None, allowed: str = "a law expression (rmtheory laws)"):
        self.name, self.value, self.allowed = "expression", value, allowed
        ValueError.__init__(self, message)


def _shorten(source: str, width: int = 80) -> str:
    """``source`` for a message: whole if short, else its start and length (a message is one line)."""
    if len(source) <= width:
        return repr(source)
    return f"{source[:width - 20]!r}... ({len(source)} characters)"


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
    """Recursive descent with a depth count: every nesting level is checked against
    :data:`MAX_DEPTH` before it recurses, so the recursion is bounded (about five frames a level)."""

    source: str
    tokens: list = field(default_factory=list)
    pos: int = 0
    depth: int = 0
    laws: int = 0

    def where(self) -> str:
        return f"in {_shorten(self.source)}"

    def tokenize(self) -> None:
        i = 0
        while i < len(self.source):
            m = _TOKEN.match(self.source, i)
            if m is None:
                raise ExpressionError(
                    f"unexpected character {self.source[i]!r} at column {i + 1} {self.where()}", self.source)
            if m.lastgroup != "space":
                self.tokens.append(Token(m.lastgroup, m.group(), i + 1))
            i = m.end()
        self.tokens.append(Token("end", "", len(self.source) + 1))

    # -- helpers
    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.pos + ahead, len(self.tokens) - 1)]

    def take(self) -> Token:
        tok = self.peek()
        if tok.kind != "end":
            self.pos += 1
        return tok

    def expect(self, text: str) -> Token:
        tok = self.take()
        if tok.text != text:
            raise self.error(tok, repr(text))
        return tok

    def error(self, tok: Token, what: str) -> ExpressionError:
        found = "end of input" if tok.kind == "end" else repr(tok.text)
        return ExpressionError(f"expected {what} at column {tok.column}, found {found} {self.where()}", self.source)

    def enter(self, tok: Token) -> None:
        """One level deeper (a parenthesis, an argument list or a [...] list opened at ``tok``)."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(
                f"law expression nested {self.depth} levels deep at column {tok.column} {self.where()}; "
                f"the allowed range is at most {MAX_DEPTH} levels of parentheses, argument lists and [...] lists",
                self.source, f"[0, {MAX_DEPTH}] levels of nesting")

    def leave(self) -> None:
        self.depth -= 1

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
            self.enter(tok)
            node = self.expression()
            self.expect(")")
            self.leave()
            return node
        if tok.kind == "name" and tok.text.lower() not in ("inf", "nan"):
            return self.call()
        raise self.error(tok, "a law such as mp(0.5) or '('")

    def call(self):
        name_tok = self.take()
        self.laws += 1
        if self.laws > MAX_LAWS:
            raise ExpressionError(
                f"law expression names more than {MAX_LAWS} laws ({name_tok.text!r} at column {name_tok.column} "
                f"is law {self.laws}) {self.where()}; the allowed range is at most {MAX_LAWS} laws in one "
                f"expression (operands of + and *, and laws given as arguments)",
                self.source, f"[1, {MAX_LAWS}] laws")
        start = name_tok.column - 1
        self.enter(self.expect("("))
        args, kwargs = [], {}
        if self.peek().text != ")":
            while True:
                tok = self.peek()
                if tok.kind == "name" and self.peek(1).text == "=":
                    self.take()
                    self.take()
                    if tok.text in kwargs:
                        raise ExpressionError(
                            f"parameter {tok.text!r} given twice at column {tok.column} {self.where()}", self.source)
                    kwargs[tok.text] = self.value()
                else:
                    if kwargs:
                        raise ExpressionError(
                            f"positional argument after keyword argument at column {tok.column} {self.where()}",
                            self.source)
                    args.append(self.value())
                if self.peek().text == ",":
                    self.take()
                    continue
                break
        end_tok = self.expect(")")
        self.leave()
        return Call(name_tok.text, args, kwargs, name_tok.column, self.source[start:end_tok.column])

    def value(self):
        tok = self.peek()
        if tok.text == "(" or (tok.kind == "name" and tok.text.lower() not in ("inf", "nan")):
            return self.expression()
        if tok.text == "[":
            self.take()
            self.enter(tok)
            items = [self.number()]
            while self.peek().text == ",":
                comma = self.take()
                if len(items) == MAX_LIST:
                    raise ExpressionError(
                        f"list opened at column {tok.column} has more than {MAX_LIST} numbers (column "
                        f"{comma.column}) {self.where()}; the allowed range is at most {MAX_LIST} numbers in a "
                        "[...] list", self.source, f"[1, {MAX_LIST}] numbers")
                items.append(self.number())
            self.expect("]")
            self.leave()
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
    """Parse ``source`` into a syntax tree of :class:`Call` and :class:`BinaryOp` nodes.

    Refuses (:class:`ExpressionError`) a malformed expression and one beyond the input limits
    (:data:`MAX_LENGTH`, :data:`MAX_DEPTH`, :data:`MAX_LAWS`, :data:`MAX_LIST`), before building anything.
    """
    if not isinstance(source, str) or not source.strip():
        raise ExpressionError("empty law expression; try e.g. 'mp(0.5)' or 'semicircle(1)'", source)
    if len(source) > MAX_LENGTH:
        raise ExpressionError(
            f"law expression is {len(source)} characters long ({source[:30]!r}...); the allowed range is "
            f"at most {MAX_LENGTH} characters", source, f"[1, {MAX_LENGTH}] characters")
    parser = _Parser(source)
    parser.tokenize()
    tree = parser.expression()
    tok = parser.peek()
    if tok.kind != "end":
        raise ExpressionError(f"unexpected {tok.text!r} at column {tok.column} {parser.where()}", source)
    return tree


def _build_call(node: Call):
    cls = catalog.lookup(node.name)
    if cls is None:
        raise ExpressionError(
            f"unknown law {_shorten(node.name, 40)} at column {node.column}; known laws: "
            f"{', '.join(catalog.names())}", node.name)
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
