"""Split a ``parameters=``/``equations=``/``functions=`` field into lines and flags."""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import FlagError, ParseError


@dataclass(frozen=True)
class Line:
    number: int        # 1-based, among the non-empty lines of the field
    text: str          # the whole line as written (comment removed)
    body: str          # before the top-level ':'
    flags: dict        # flag name -> value string, or True for a bare flag


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
    """Non-empty lines of a field, with comments (``#``) removed and flags parsed."""
    lines: list[Line] = []
    for raw in (text or "").splitlines():
        code = raw.split("#", 1)[0].strip()
        if not code:
            continue
        number = len(lines) + 1
        parts = _top_level_split(code, ":")
        if len(parts) > 2:
            raise ParseError("more than one ':' on a line (flags come after a single ':')",
                             equation=code, token=":", line=number)
        body = parts[0].strip()
        try:
            flags = parse_flags(parts[1]) if len(parts) == 2 else {}
        except FlagError as exc:
            raise FlagError(exc.reason, equation=code, token=exc.token, line=number) from None
        lines.append(Line(number, code, body, flags))
    return lines
