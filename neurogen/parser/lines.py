"""Split a field (``parameters=``, ``equations=``, ``functions=``…) into statements.

The statement-level syntax of ANNarchy is resolved here, before any expression is read:

- ``#`` comments and empty lines are dropped;
- a statement goes on over several lines while a parenthesis is open, while a line ends
  with ``:`` or an operator, or when the next line starts with an operator or ``else``;
- ``;`` separates statements written on one line;
- flags follow the first top-level ``:`` that does not belong to ``if c: a else: b``;
- ``x += e`` (also ``-=``, ``*=``, ``/=``) means ``x = x + (e)`` at every step.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import FlagError, ParseError


@dataclass(frozen=True)
class Line:
    number: int        # 1-based, among the statements of the field
    text: str          # the statement as written (comment removed, lines joined)
    body: str          # before the flags, augmented assignment lowered
    flags: dict        # flag name -> value string, or True for a bare flag


_TOKEN = re.compile(r"\s*([A-Za-z_]\w*|\d*\.?\d+(?:[eE][-+]?\d+)?|\*\*|[<>=!+\-*/]=|.)")
_OPERATORS_AT_END = ("+", "-", "*", "/", "^", "=", ",", "(", "[", "<", ">", "&", "|")
_WORDS_AT_END = ("and", "or", "not", "if", "else", "then")
_OPERATORS_AT_START = ("+", "-", "*", "/", "^", ")", "]", "<", ">", "=", "&", "|", ",")
_WORDS_AT_START = ("else", "and", "or", "then")
_AUGMENTED = ("+", "-", "*", "/")


def _tokens(text: str) -> list[tuple[str, int]]:
    """(token, start) pairs; good enough to find parentheses, words and colons."""
    out, pos = [], 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or not match.group(1):
            break
        out.append((match.group(1), match.start(1)))
        pos = match.end()
    return out


def _depth(text: str) -> int:
    return sum((ch in "([{") - (ch in ")]}") for ch in text)


def _last_word(text: str) -> str:
    words = re.findall(r"[A-Za-z_]\w*$", text)
    return words[0] if words else ""


def _continues(current: str, following: str) -> bool:
    """Whether ``following`` (a stripped line) belongs to the statement ``current``."""
    if _depth(current) > 0 or current.endswith(":"):
        return True
    if current.endswith(_OPERATORS_AT_END) or _last_word(current) in _WORDS_AT_END:
        return True
    first = re.match(r"[A-Za-z_]\w*", following)
    return following.startswith(_OPERATORS_AT_START) or (
        first is not None and first.group(0) in _WORDS_AT_START)


def _top_level_split(text: str, sep: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def statements(text: str | None) -> list[str]:
    """The statements of a field: comments removed, continued lines joined, ``;`` split."""
    joined: list[str] = []
    for raw in (text or "").splitlines():
        code = raw.split("#", 1)[0].strip()
        if not code:
            continue
        if joined and _continues(joined[-1], code):
            joined[-1] = f"{joined[-1]} {code}"
        else:
            joined.append(code)
    return [part.strip() for stmt in joined for part in _top_level_split(stmt, ";")
            if part.strip()]


def flag_colon(text: str) -> int | None:
    """Position of the ``:`` that starts the flags, or None. Colons of ``if c: a else: b``
    belong to the conditional: each ``if`` without ``then`` claims one, a colon right after
    ``else`` too."""
    pending_ifs, depth, previous = 0, 0, ""
    for token, start in _tokens(text):
        if token in "([{":
            depth += 1
        elif token in ")]}":
            depth -= 1
        elif token == "if":
            pending_ifs += 1
        elif token == "then" and pending_ifs:     # ``if c then a else b`` claims no colon
            pending_ifs -= 1
        elif token == ":":
            if previous == "else":
                pass
            elif pending_ifs:
                pending_ifs -= 1
            elif depth == 0:
                return start
        previous = token
    return None


def split_assignment(body: str) -> tuple[str, str] | None:
    """``lhs = rhs`` at the first top-level ``=`` that is not part of ``==``/``<=``/…"""
    depth = 0
    for i, ch in enumerate(body):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "=" and depth == 0:
            before = body[i - 1] if i else ""
            after = body[i + 1] if i + 1 < len(body) else ""
            if before not in "<>=!" and after != "=":
                return body[:i].strip(), body[i + 1:].strip()
    return None


def lower_augmented(body: str) -> str:
    """``x += e`` → ``x = x + (e)`` (likewise ``-=``, ``*=``, ``/=``)."""
    pair = split_assignment(body)
    if pair is None or not pair[0] or pair[0][-1] not in _AUGMENTED:
        return body
    op, target = pair[0][-1], pair[0][:-1].strip()
    if not target.isidentifier():
        raise ParseError(f"'{op}=' updates a variable: write 'x {op}= ...'", token=f"{op}=")
    return f"{target} = {target} {op} ({pair[1]})"


def parse_flags(text: str) -> dict:
    flags: dict = {}
    for item in _top_level_split(text, ","):
        item = item.strip()
        if not item:
            continue
        if "=" in item:
            key, value = item.split("=", 1)
            key, value = key.strip(), value.strip()
            if not key or not value:
                raise FlagError(f"malformed flag '{item}'", token=item)
            flags[key] = value
        else:
            flags[item] = True
    return flags


def split_lines(text: str | None) -> list[Line]:
    """The statements of a field with their flags parsed (see the module doc)."""
    lines: list[Line] = []
    for code in statements(text):
        number = len(lines) + 1
        colon = flag_colon(code)
        body = code if colon is None else code[:colon].strip()
        flag_text = "" if colon is None else code[colon + 1:]
        if flag_colon(flag_text) is not None:
            raise ParseError("more than one ':' on a line (flags come after a single ':')",
                             equation=code, token=":", line=number)
        try:
            flags = parse_flags(flag_text)
            body = lower_augmented(body)
        except (FlagError, ParseError) as exc:
            raise type(exc)(exc.reason, equation=code, token=exc.token, line=number) from None
        lines.append(Line(number, code, body, flags))
    return lines
