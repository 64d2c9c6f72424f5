"""TeX <-> Unicode. Decoding is one tokenizer (scan) reading pylatexenc's tables and
tex_tables.py as data; encoding checks every macro it writes by decoding it back.

Everything here works on strings; ``markup.py`` turns Text values into spans.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache

from . import tex_tables as tables
from .biblatex_strings import BIBSTRINGS
from .cache import cache_short
from .patterns import MatchAt, matcher

# pylatexenc (read for its tables, and by the encoder) logs warnings about macros it cannot
# expand; with no handler of its own Python prints them on stderr, bypassing refconv's
# diagnostics. A null handler stops that (handlers an application configures still get them).
logging.getLogger("pylatexenc").addHandler(logging.NullHandler())

# Characters that can make a string mean something other than itself in TeX. A string
# with none of them is returned as it is, which keeps TeX decoding off the hot path.
_TEX_TRIGGERS = re.compile(r"[\\{}$~%`]|--|''")


def has_tex(value: str) -> bool:
    return _TEX_TRIGGERS.search(value) is not None


# --- unknown macros: kept as source, reported once per name per run ----------------------

_unknown_sink: ContextVar[Callable[[str, str], None] | None] = ContextVar("refconv_tex_unknown", default=None)
_record_key: ContextVar[str | None] = ContextVar("refconv_tex_record", default=None)


def each_record(records: Iterable) -> Iterator:
    """The records, each marked as the one being converted while the next is asked for:
    an unknown macro's diagnostic then names the record it was first seen in."""
    for record in records:
        _record_key.set(getattr(record, "key", None))
        yield record


@contextmanager
def unknown_macros_reported_to(report) -> Iterator[None]:
    """Within the block, each unknown macro name gets one info diagnostic on ``report``
    (a diagnostics.Reporter), however many records use it."""
    from ..diagnostics import Severity

    seen: set[str] = set()

    def note(name: str, value: str) -> None:
        if name not in seen:
            seen.add(name)
            shown = " ".join(value.split())
            report.add(Severity.INFO, "tex.unknown-macro",
                       f"unknown TeX macro \\{name} kept as its source (first seen in: {shown[:80]})",
                       key=_record_key.get(), hint="known macros are listed in README, section 'TeX and Unicode'")

    token = _unknown_sink.set(note)
    key_token = _record_key.set(None)  # not the last record of an earlier conversion in this process
    try:
        yield
    finally:
        _record_key.reset(key_token)
        _unknown_sink.reset(token)


@contextmanager
def unknown_collected() -> Iterator[list[str]]:
    """Unknown macro names met within the block are collected instead of said: a cached
    function returns them with its result, and its caller says them on every call (a cache
    hit must not hide them, or what is said would depend on what the process did before)."""
    found: list[str] = []

    def collect(name: str, value: str) -> None:
        found.append(name)

    token = _unknown_sink.set(collect)
    try:
        yield found
    finally:
        _unknown_sink.reset(token)


def report_unknown(names: tuple[str, ...], value: str) -> None:
    sink = _unknown_sink.get()
    if sink is not None:
        for name in names:
            sink(name, value)


# --- TeX -> Unicode -----------------------------------------------------------------------

def tex_to_unicode(value: str, *, math: str = "verbatim") -> str:
    """Decode accents, ligatures, symbols and known macros to NFC Unicode; maths stays
    ``$...$`` unless math="text" (then it is decoded too). An unknown macro keeps its source.
    Works on any fragment (a name token, a field, a maths body). Text with no TeX in it comes
    back unchanged."""
    if not has_tex(value) or (math == "verbatim" and only_inline_math(value)):
        return value
    text, unknown = _decoded(value, math == "text")
    if unknown:
        report_unknown(unknown, value)
    return text


def math_to_text(body: str) -> str:
    """The Unicode text of a maths body (TeX between the dollars): ``\\alpha\\to\\beta`` -> α→β."""
    if not has_tex(body) and "^" not in body and "_" not in body:
        return body
    text, unknown = _math_text(body)
    if unknown:
        report_unknown(unknown, body)
    return text


@cache_short(maxsize=8192)
def _decoded(value: str, math_text: bool) -> tuple[str, tuple[str, ...]]:
    run = _Scan(value, False, math_text=math_text)
    return nfc(flatten(run.run())), tuple(run.unknown)


@cache_short(maxsize=8192)
def _math_text(body: str) -> tuple[str, tuple[str, ...]]:
    run = _Scan(body, False, math=True)
    return nfc(flatten(run.run())), tuple(run.unknown)


# Style macros and the span kind markup.py gives their argument, or, for a declaration
# ({\em x}, old arXiv abstracts' usual italics), to the rest of the enclosing group.
STYLE_MACROS = {
    "emph": "i", "textit": "i", "mkbibemph": "i", "textsl": "i", "booktitle": "i",
    "textbf": "b", "mkbibbold": "b",
    "textsc": "sc",
    "textsuperscript": "sup", "mkbibsuperscript": "sup",
    "textsubscript": "sub", "mkbibsubscript": "sub",
}
DECLARATIONS = {
    "em": "i", "it": "i", "sl": "i", "itshape": "i", "slshape": "i",
    "bf": "b", "bfseries": "b",
    "sc": "sc", "scshape": "sc",
}


def scan(value: str, *, protect: bool) -> list[tuple[str, str]]:
    """(kind, text) pieces: kind "text", "math" (TeX source), a style (i, b, sc, sup, sub) or
    (protect=True: BibTeX) "nocase". Unmerged, not yet NFC; unknown macros are reported."""
    run = _Scan(value, protect)
    pieces = run.run()
    if run.unknown:
        report_unknown(tuple(run.unknown), value)
    return pieces


def scan_unknown(value: str, *, protect: bool, kept: bool = False) -> tuple[list[tuple[str, str]], tuple[str, ...]]:
    """scan()'s pieces and the unknown macro names, not reported (for callers that cache).
    kept (with protect): the text of a top-level group that does not protect case in BibTeX
    ({\\'E}, {\\TeX Live}) is of kind "kept", for a case change that leaves it alone, as
    pandoc's does; every other rendering reads it as text."""
    run = _Scan(value, protect)
    run.kept = kept
    return run.run(), tuple(run.unknown)


def flatten(pieces: list[tuple[str, str]]) -> str:
    """The text of scan()'s pieces: markup dropped, maths verbatim."""
    return "".join(f"${text}$" if kind == "math" else text for kind, text in pieces)


# Runs of characters that mean themselves: taken in one step, not one by one.
_PLAIN = re.compile(r"(?:[^\\{}$\-`'~!?]|-(?!-)|[!?](?!`))+")
_PLAIN_MATH = re.compile(r"[^\\{}$~]+")
_CONTROL = re.compile(r"\\(?:([A-Za-z]+)|(.))", re.DOTALL)
# TeX skips spaces and one line end after \name, but not a blank line (a paragraph break)
_after_word = matcher(r"[ \t]*(?:\r?\n(?![ \t]*\r?\n)[ \t]*)?")
_space = matcher(r"\s*")
_MATH_BODY = re.compile(r"\$((?:[^$\\]|\\.)+)\$", re.DOTALL)
_TEXT_LIGATURES = (("-->", "→"), ("---", "—"), ("--", "–"), ("``", "“"), ("''", "”"), ("!`", "¡"), ("?`", "¿"))
_ESCAPED = frozenset("$&%#_{}")


class _Frame:
    """An open group, macro argument or environment: what to restore and print at its end."""

    __slots__ = ("close", "env", "group", "kind", "literal")

    def __init__(self, kind: str, close: str = "", env: str | None = None, group: bool = True,
                 literal: bool = False) -> None:
        self.kind = kind  # the kind outside, restored at the end
        self.close = close  # text printed at the end (a closing quote, a kept "}")
        self.env = env
        self.group = group  # a brace group (closed by "}"), not an environment
        self.literal = literal  # the braces of an unknown macro's argument, kept


_URL_START = re.compile(r"(?:https?|ftp)://|www\.", re.IGNORECASE)


def _in_bare_url(value: str, i: int) -> bool:
    """Whether position i lies in a URL written as plain text (no \\url), i.e. the word
    around it, back to the last space or brace, starts like a URL."""
    start = max(value.rfind(" ", 0, i), value.rfind("\n", 0, i), value.rfind("{", 0, i)) + 1
    return _URL_START.match(value, start) is not None


def _closing_double_dollar(value: str, start: int) -> int:
    """Where the $$ closing display maths opened before start is, or -1: an escaped dollar
    (\\$, after an odd number of backslashes) closes nothing."""
    end = value.find("$$", start)
    while end != -1:
        backslashes = end - len(value[start:end].rstrip("\\")) - start
        if backslashes % 2 == 0:
            return end
        end = value.find("$$", end + 1)
    return -1


class _Scan:
    """One left-to-right pass: the pieces so far, the open frames and the current kind."""

    __slots__ = ("buffer", "buffer_kind", "frames", "groups", "kept", "kind", "literal_at", "math", "math_text",
                 "pieces", "protect", "single_open", "unknown", "value")

    def __init__(self, value: str, protect: bool, *, math: bool = False, math_text: bool = False) -> None:
        self.value = value
        self.protect = protect
        self.kept = False  # scan_unknown(kept=True)
        self.math = math  # value is a maths body (plain-math rendering)
        self.math_text = math_text  # $...$ in value is decoded to text, not kept as a math piece
        self.pieces: list[tuple[str, str]] = []
        self.buffer: list[str] = []
        self.buffer_kind = self.kind = "text"
        self.frames: list[_Frame] = []
        self.groups = 0  # how many of the frames are brace groups
        self.literal_at = -1  # where a group opens whose braces are kept (after an unknown macro)
        self.unknown: list[str] = []
        self.single_open = False  # a ` opened a single quote that no ' has closed yet

    def run(self) -> list[tuple[str, str]]:
        value, i, n = self.value, 0, len(self.value)
        plain = (_PLAIN_MATH if self.math else _PLAIN).match
        buffer = self.buffer
        while i < n:
            match = plain(value, i)
            if match:
                if self.buffer_kind != self.kind:
                    self.flush()
                    self.buffer_kind = self.kind
                buffer.append(match.group())
                i = match.end()
            else:
                i = self.step(i)
        while self.frames:  # unclosed groups end with the text (BibTeX would refuse them)
            self.pop()
        self.flush()
        return self.pieces

    # -- output ----------------------------------------------------------------------------
    def emit(self, text: str) -> None:
        if self.buffer_kind != self.kind:
            self.flush()
            self.buffer_kind = self.kind
        self.buffer.append(text)

    def flush(self) -> None:
        if self.buffer:
            self.pieces.append((self.buffer_kind, "".join(self.buffer)))
            self.buffer.clear()

    def maths(self, body: str) -> None:
        if self.math_text:
            self.emit(self.sub(body, math=True))
        else:
            self.flush()
            self.pieces.append(("math", body))

    def sub(self, value: str, *, math: bool | None = None) -> str:
        """The text of a fragment (a macro's argument), decoded on its own."""
        inner = _Scan(value, False, math=self.math if math is None else math, math_text=self.math_text)
        text = flatten(inner.run())
        self.unknown.extend(inner.unknown)
        return text

    def keep_source(self, start: int, end: int, name: str) -> int:
        self.emit(self.value[start:end])
        if name not in self.unknown:
            self.unknown.append(name)
        if self.value.startswith("{", end):
            self.literal_at = end
        return end

    # -- frames ----------------------------------------------------------------------------
    def push(self, kind: str | None = None, **frame) -> None:
        self.frames.append(_Frame(self.kind, **frame))
        self.groups += frame.get("group", True)
        if kind is not None and self.kind != "nocase":  # case protection keeps only the text of markup
            self.kind = kind

    def pop(self) -> _Frame:
        frame = self.frames.pop()
        self.groups -= frame.group
        self.kind = frame.kind  # a declaration inside ends here, before the closing quote
        if frame.close:
            self.emit(frame.close)
        return frame

    def nested(self) -> bool:
        return self.groups > 0

    # -- tokens ----------------------------------------------------------------------------
    def step(self, i: int) -> int:
        value, ch = self.value, self.value[i]
        if ch == "{":
            return self.open(i)
        if ch == "}":
            return self.close(i)
        if ch == "\\":
            return self.control(i)
        if ch == "$":
            return self.dollar(i)
        if ch == "~":
            # a tie, except inside a bare URL (arXiv comments: http://www.gfdl.gov/~smg)
            self.emit("~" if _in_bare_url(value, i) else "\u00a0")
            return i + 1
        if not self.math:
            for ligature, text in _TEXT_LIGATURES:
                if value.startswith(ligature, i):
                    self.emit(text)
                    return i + len(ligature)
            if ch == "`":  # TeX prints a left single quote: `Manual'
                self.emit("‘")
                self.single_open = True
                return i + 1
            if ch == "'" and self.single_open and not value[i + 1:i + 2].isalnum():
                self.emit("’")  # the quote ` opened (an apostrophe elsewhere stays one: it's, O'Neil)
                self.single_open = False
                return i + 1
        self.emit(ch)
        return i + 1

    def open(self, i: int) -> int:
        if i == self.literal_at:
            self.emit("{")
            self.push(close="}", literal=True)
            return i + 1
        group = None
        if self.protect and not self.nested():  # BibTeX's case protection
            special = self.value.startswith("\\", i + 1)  # {\'e}: a "special character", no protection
            group = ("kept" if self.kept else None) if special else "nocase"
        self.push(group)
        return i + 1

    def close(self, i: int) -> int:
        if not self.nested():
            self.emit("}")  # a stray brace stays visible
            return i + 1
        frame = self.pop()
        while not frame.group:  # environments left open inside the group end with it
            frame = self.pop()
        if frame.literal and self.value.startswith("{", i + 1):
            self.literal_at = i + 1  # \foo{a}{b}: every argument of an unknown macro keeps its braces
        return i + 1

    def dollar(self, i: int) -> int:
        value = self.value
        if self.math:
            self.emit("$")
            return i + 1
        if value.startswith("$$", i):
            end = _closing_double_dollar(value, i + 2)
            if end > i + 2:
                self.maths(value[i + 2 : end])
                return end + 2
        match = _MATH_BODY.match(value, i)
        if match is None:
            self.emit("$")  # an unpaired dollar is a character
            return i + 1
        self.maths(match.group(1))
        return match.end()

    def control(self, i: int) -> int:
        value = self.value
        match = _CONTROL.match(value, i)
        if match is None:
            self.emit("\\")  # a backslash ending the text
            return i + 1
        end = match.end()
        if match.group(2) is not None:
            return self.control_symbol(i, match.group(2), end)
        name = match.group(1)
        if value.startswith("*", end) and name + "*" in tables.QUOTES:
            name, end = name + "*", end + 1
        return self.word(name, i, end)

    def word(self, name: str, i: int, end: int) -> int:
        """The control word ``name`` written from i to end."""
        value = self.value
        after = _after_word(value, end).end()
        handler = _HANDLERS.get(name)
        if handler is not None:
            return handler(self, name, i, after)
        pyl = tables.pylatexenc_tables()
        if name in pyl.accents:
            return self.accent(pyl.accents[name], name, i, after)
        if name in pyl.symbols:
            symbol = pyl.symbols[name]
            self.emit(symbol)
            # TeX ends a control word at its space, and a text macro's letter or sign joins the
            # word going on ("Stra\ss e", "Shafi\textasciigrave i"); but a maths symbol out of
            # maths ("P \neq NP", "x^\mu (with": arXiv's abstracts, which TeX never reads) is a
            # word of its own, except an operator written with no space before it either
            # ("3875.2\pm 0.7")
            own = (not self.math and end < after < len(value) and value[after] != "}" and _own_word(symbol)
                   and (i == 0 or value[i - 1] in " \t\n" or unicodedata.category(symbol[0]) != "Sm"))
            return end if own else after
        if name in pyl.templates:
            return self.template(name, i, after)
        return self.keep_source(i, end, name)

    def control_symbol(self, i: int, char: str, end: int) -> int:
        value = self.value
        if char in _ESCAPED:
            self.emit(char)
            return end
        if char in "([" and not self.math:
            closing = "\\)" if char == "(" else "\\]"
            stop = value.find(closing, end)
            if stop >= 0:
                self.maths(value[end:stop])
                return stop + 2
        if char == "\\":
            end = _skip_optional(value, _skip_star(value, end))
            self.emit("\n")
            return end
        pyl = tables.pylatexenc_tables()
        if char in pyl.accents:
            return self.accent(pyl.accents[char], char, i, end)
        if char in tables.SYMBOLS:
            self.emit(tables.SYMBOLS[char])
            return end
        if char in pyl.symbols:
            self.emit(pyl.symbols[char])
            return end
        return self.keep_source(i, end, char)

    # -- macros with arguments -----------------------------------------------------------------
    def arguments(self, spec: str, pos: int) -> tuple[list[tuple[int, int] | None], int]:
        """The (start, end) of each argument per a pylatexenc argspec ({ [ *), braces included."""
        value, n, out = self.value, len(self.value), []
        for kind in spec:
            at = _after_word(value, pos).end()  # TeX's argument scan stops at a blank line (\par)
            if kind == "*":
                out.append((at, at + 1) if value.startswith("*", at) else None)
                pos = at + 1 if value.startswith("*", at) else pos
            elif kind == "[":
                close = group_end(value, at) if value.startswith("[", at) else None
                out.append((at, close) if close else None)
                pos = close or pos
            else:
                if at >= n or value[at] == "}":
                    out.append(None)
                    pos = at
                    continue
                if value[at] == "{":
                    close = group_end(value, at) or n
                elif value[at] in " \t\r\n":
                    close = _space(value, at).end()  # a paragraph break is the argument
                elif value[at] == "\\":
                    token = _CONTROL.match(value, at)
                    if token is None:  # a backslash ending the text
                        close = at + 1
                    else:
                        close = _after_word(value, token.end()).end() if token.group(1) else token.end()
                else:  # one character, or a ligature, which TeX reads as one (\textrm--)
                    close = at + next((len(lig) for lig, _ in _TEXT_LIGATURES if value.startswith(lig, at)), 1)
                out.append((at, close))
                pos = close
        return out, pos

    def raw(self, span: tuple[int, int] | None) -> str:
        if span is None:
            return ""
        start, end = span
        text = self.value[start:end]
        return text[1:-1] if text[:1] in "{[" and end - start >= 2 and text[-1:] in "}]" else text

    def text_of(self, span: tuple[int, int] | None) -> str:
        return self.sub(self.raw(span)) if span else ""

    def inline(self, span: tuple[int, int] | None, kind: str | None = None, close: str = "") -> int:
        """Continue the scan inside a braced argument (its markup and maths stay pieces)."""
        if span is None:
            self.emit(close)
            return -1
        start, end = span
        if self.value.startswith("{", start) and self.value.endswith("}", 0, end):
            self.push(kind, close=close)
            return start + 1
        previous = self.kind  # one token as the argument (\emph x)
        if kind is not None and self.kind != "nocase":
            self.kind = kind
        self.emit(self.sub(self.value[start:end]) + close)
        self.kind = previous
        return end

    def accent(self, mark: str, name: str, start: int, pos: int) -> int:
        value, n = self.value, len(self.value)
        pos = _after_word(value, pos).end()
        if pos >= n or value[pos] in "}$":
            return self.keep_source(start, pos, name)  # an accent with nothing to sit on
        (span,), end = self.arguments("{", pos)
        text = value[pos] if span and span[1] == pos + 1 and value[pos].isalnum() else self.text_of(span)
        if not text:
            self.emit(tables.ACCENT_ON_NOTHING.get(name, ""))
        else:
            text = unicodedata.normalize("NFD", text)
            base = {"ı": "i", "ȷ": "j"}.get(text[0], text[0])  # \'\i is í
            marks = 1
            while marks < len(text) and unicodedata.combining(text[marks]):
                marks += 1  # an accent on an accented letter goes on top: \v{\"u} is ǚ
            self.emit(base + text[1:marks] + mark + text[marks:])
        return end

    def template(self, name: str, start: int, pos: int) -> int:
        spec, template = tables.pylatexenc_tables().templates[name]
        spans, end = self.arguments(spec, pos)
        if _missing(spec, spans):
            return self.keep_source(start, end, name)
        texts = [self.text_of(span) for span in spans]
        try:
            if "%(" in template:
                text = template % {str(k): t for k, t in enumerate(texts, 1)}
            else:
                text = template % tuple(t for t, span in zip(texts, spans, strict=True) if span is not None)
        except (TypeError, KeyError, ValueError):
            return self.keep_source(start, end, name)
        self.emit(text)
        return end


def _missing(spec: str, spans: list[tuple[int, int] | None]) -> bool:
    """A required argument is missing (the text ends, or its group does): keep the source."""
    if spec == "{":
        return spans[0] is None
    return any(kind == "{" and span is None for kind, span in zip(spec, spans, strict=True))


@cache
def _own_word(symbol: str) -> bool:
    """A maths symbol (a Greek letter, an operator, a relation, an arrow): the space after its
    macro, out of maths, is the author's."""
    return bool(symbol) and (unicodedata.category(symbol[0]) == "Sm" or unicodedata.name(symbol[0], "").startswith(
        ("GREEK", "MATHEMATICAL")) or "ARROW" in unicodedata.name(symbol[0], ""))


def _skip_star(value: str, pos: int) -> int:
    return pos + 1 if value.startswith("*", pos) else pos


def _skip_optional(value: str, pos: int) -> int:
    if value.startswith("[", pos):
        return group_end(value, pos) or pos
    return pos


# -- handlers: name -> what to do, from the tables ------------------------------------------

def _symbol(scan: _Scan, name: str, start: int, after: int) -> int:
    if name in tables.LOGOS:
        # its letter case is fixed, as BibTeX keeps the case of {\TeX}
        outside = scan.kind
        if scan.protect and outside in ("text", "kept"):
            scan.kind = "nocase"
        scan.emit(tables.LOGOS[name])
        scan.kind = outside
        # TeX joins a logo to what follows its space ("\TeX book", "Ars\TeX nica"), which is what
        # 49 of 52 lowercase words after one in the shared corpus mean; before a capital or a
        # digit the space is the author's ("\TeX Live", "{\TeXworks 0.4}"), so it stays
        follows = scan.value[after:after + 1]
        return start + len(name) + 1 if follows.isupper() or follows.isdigit() or name in tables.WORD_LOGOS \
            else after
    scan.emit(tables.SYMBOLS[name])
    return after


def _style(scan: _Scan, name: str, start: int, after: int) -> int:
    after = _skip_star(scan.value, after)
    (span,), end = scan.arguments("{", after)
    if span is None:
        return scan.keep_source(start, end, name)
    resume = scan.inline(span, STYLE_MACROS[name])
    return end if resume < 0 else resume


def _declaration(scan: _Scan, name: str, start: int, after: int) -> int:
    if scan.kind != "nocase":
        scan.kind = DECLARATIONS[name]
    return after


def _silent(scan: _Scan, name: str, start: int, after: int) -> int:
    spans, end = scan.arguments(tables.SILENT[name], after)
    return scan.keep_source(start, end, name) if _missing(tables.SILENT[name], spans) else end


def _keep_text(scan: _Scan, name: str, start: int, after: int) -> int:
    spans, end = scan.arguments(tables.KEEP_TEXT[name], after)
    if _missing(tables.KEEP_TEXT[name], spans):
        return scan.keep_source(start, end, name)
    alphabet = tables.pylatexenc_tables().alphabets.get(name) if scan.math else None
    if name in tables.CASE or name in tables.TEXT_ARGUMENT or alphabet:
        text = scan.text_of(spans[tables.TEXT_ARGUMENT.get(name, -1)])
        scan.emit(tables.CASE[name](text) if name in tables.CASE else text.translate(alphabet) if alphabet else text)
        return end
    resume = scan.inline(spans[-1])
    return end if resume < 0 else resume


def _quote(scan: _Scan, name: str, start: int, after: int) -> int:
    opening, closing = tables.QUOTES[name]
    (span,), end = scan.arguments("{", after)
    if span is None:
        return scan.keep_source(start, end, name)
    scan.emit(opening)
    resume = scan.inline(span, close=closing)
    return end if resume < 0 else resume


def _url(scan: _Scan, name: str, start: int, after: int) -> int:
    value = scan.value
    if name == "path" and after < len(value) and value[after] not in "{ ":  # \path|x| as \verb
        stop = value.find(value[after], after + 1)
        if stop > 0:
            scan.emit(value[after + 1 : stop])
            return stop + 1
    (span,), end = scan.arguments("{", after)
    if span is None:
        return scan.keep_source(start, after, name)
    scan.emit(scan.raw(span))  # verbatim: ~ % _ # in a URL are characters
    return end


def _verb(scan: _Scan, name: str, start: int, after: int) -> int:
    value, pos = scan.value, start + len(name) + 1
    pos = _skip_star(value, pos)
    if pos < len(value):
        stop = value.find(value[pos], pos + 1)
        if stop > 0:
            scan.emit(value[pos + 1 : stop])
            return stop + 1
    return scan.keep_source(start, pos, name)


_DIMENSION = re.compile(r"\s*[-+]?\s*(?:\d+(?:[.,]\d*)?|[.,]\d+)\s*(?:em|ex|pt|pc|in|cm|mm|bp|dd|cc|sp|mu) ?")


def _kern(scan: _Scan, name: str, start: int, after: int) -> int:
    """\\kern-.03em (Beebe's GUT\\kern-.03emenberg): a dimension, not text; the word goes on.
    A positive kern is space on the page: a thin space, as \\thinspace."""
    found = _DIMENSION.match(scan.value, start + len(name) + 1)
    if found is None:
        return scan.keep_source(start, start + len(name) + 1, name)
    if "-" not in found[0] and any(c in "123456789" for c in found[0]):
        scan.emit("\u2009")
    return found.end()


def _shift(scan: _Scan, name: str, start: int, after: int) -> int:
    """\\raise0.5ex\\hbox{...} (Beebe's accent stacking): the dimension moves the box after it,
    which prints; the dimension itself is not text."""
    found = _DIMENSION.match(scan.value, start + len(name) + 1)
    return found.end() if found is not None else scan.keep_source(start, start + len(name) + 1, name)


def _href(scan: _Scan, name: str, start: int, after: int) -> int:
    (_, url, text), end = scan.arguments(tables.HREFS[name], after)
    if url is None:
        return scan.keep_source(start, after, name)
    if text is None:
        scan.emit(scan.raw(url))
        return end
    resume = scan.inline(text)
    return end if resume < 0 else resume


def _cite(scan: _Scan, name: str, start: int, after: int) -> int:
    (_, pre, post, keys), end = scan.arguments(tables.CITES[name], after)
    if keys is None:
        return scan.keep_source(start, after, name)
    notes = [scan.text_of(pre), scan.text_of(post)] if post else [scan.text_of(pre)]
    before, behind = (notes[0], notes[1]) if len(notes) == 2 else ("", notes[0])
    text = ", ".join(key.strip() for key in scan.raw(keys).split(","))
    scan.emit(f"[{before + ' ' if before else ''}{text}{', ' + behind if behind else ''}]")
    return end


def _ref(scan: _Scan, name: str, start: int, after: int) -> int:
    (_, key), end = scan.arguments(tables.REFS[name], after)
    if key is None:
        return scan.keep_source(start, after, name)
    scan.emit(f"({scan.raw(key)})" if name == "eqref" else scan.raw(key))
    return end


def _bibstring(scan: _Scan, name: str, start: int, after: int) -> int:
    (span,), end = scan.arguments("{", after)
    key = scan.raw(span).strip()
    if key not in BIBSTRINGS:
        return scan.keep_source(start, end, f"{name}{{{key}}}")
    change = tables.BIBSTRING_MACROS[name]
    scan.emit(change(BIBSTRINGS[key]) if change else BIBSTRINGS[key])
    return end


def _symbol_code(scan: _Scan, name: str, start: int, after: int) -> int:
    """LaTeX's \\symbol{"XXXX} (hexadecimal), {'777} (octal) or {65}: the encoder's last resort."""
    (span,), end = scan.arguments("{", after)
    code = scan.raw(span).strip()
    try:
        scan.emit(chr(int(code[1:], 16) if code[:1] == '"' else int(code[1:], 8) if code[:1] == "'" else int(code)))
    except (ValueError, OverflowError):
        return scan.keep_source(start, end, name)
    return end


_CSNAME = re.compile(r"([A-Za-z]+)\s*\\endcsname(?![A-Za-z])")


def _csname(scan: _Scan, name: str, start: int, after: int) -> int:
    """``\\csname c\\endcsname`` is ``\\c`` (refconv's BibLaTeX spells \\c and \\d so for biber)."""
    match = _CSNAME.match(scan.value, after)
    if match is None:
        return scan.keep_source(start, after, name)
    return scan.word(match.group(1), start, match.end())


def _environment(scan: _Scan, name: str, start: int, after: int) -> int:
    value = scan.value
    (span,), end = scan.arguments("{", after)
    env = scan.raw(span).strip() if span and value.startswith("{", span[0]) else None
    if env is None:
        return scan.keep_source(start, after, name)
    if name == "end":
        for depth in range(len(scan.frames) - 1, -1, -1):
            frame = scan.frames[depth]
            if frame.group:
                break
            if frame.env == env:
                while scan.frames[-1] is not frame:
                    scan.pop()
                scan.pop()
                return end
        return scan.keep_source(start, end, f"end{{{env}}}")
    if env in tables.MATH_ENVIRONMENTS and not scan.math:
        stop = value.find(f"\\end{{{env}}}", end)
        if stop >= 0:
            scan.maths(value[end:stop])
            return stop + len(env) + 6
    if env in DECLARATIONS:
        scan.push(DECLARATIONS[env], env=env, group=False)
    elif env in tables.TEXT_ENVIRONMENTS:
        scan.push(env=env, group=False)
    else:
        scan.keep_source(start, end, f"begin{{{env}}}")
        scan.push(env=env, group=False, close=f"\\end{{{env}}}")
    return end


_HANDLERS: dict[str, Callable[[_Scan, str, int, int], int]] = {
    **dict.fromkeys(tables.LOGOS, _symbol),
    **dict.fromkeys(tables.SYMBOLS, _symbol),
    **dict.fromkeys(STYLE_MACROS, _style),
    **dict.fromkeys(DECLARATIONS, _declaration),
    **dict.fromkeys(tables.SILENT, _silent),
    **dict.fromkeys(tables.KEEP_TEXT, _keep_text),
    **dict.fromkeys(tables.QUOTES, _quote),
    **dict.fromkeys(tables.URLS, _url),
    **dict.fromkeys(tables.HREFS, _href),
    **dict.fromkeys(tables.CITES, _cite),
    **dict.fromkeys(tables.REFS, _ref),
    **dict.fromkeys(tables.BIBSTRING_MACROS, _bibstring),
    "begin": _environment, "end": _environment, "verb": _verb, "symbol": _symbol_code,
    "kern": _kern, "mkern": _kern, "raise": _shift, "lower": _shift, "csname": _csname,
}


@cache
def _between_delimiters(opening: str) -> MatchAt:
    """A run of characters that cannot open or close a group: escapes (\\}) are in the run.
    Jumping over such runs is several times faster than visiting every character."""
    closing = "}" if opening == "{" else "]"
    other = "[^" + re.escape("\\" + opening + closing) + "]*"
    return matcher(f"{other}(?:\\\\.{other})*", re.DOTALL)


def group_end(value: str, start: int) -> int | None:
    """Index after the `}` (or `]`) closing the group opened at start; escaped ones do not count."""
    opening = value[start]
    skip = _between_delimiters(opening)
    depth = 0
    i, n = start, len(value)
    while i < n:
        ch = value[i]
        if ch == opening:
            depth += 1
        elif ch != "\\":  # the closing delimiter (a backslash stops a run only at the very end)
            depth -= 1
            if depth == 0:
                return i + 1
        i = skip(value, i + 1).end()
    return None


_INLINE_MATH = re.compile(r"(?<![\\$])\$([^$]+)\$(?!\$)")


def only_inline_math(value: str) -> bool:
    """True when the only TeX in ``value`` is ``$...$`` maths, the common case in arXiv
    abstracts: then the text outside the maths needs no decoding at all."""
    return "$" in value and not has_tex(_INLINE_MATH.sub("", value))


def split_inline_math(value: str) -> list[tuple[bool, str]]:
    """(is_math, chunk) pieces of a string for which only_inline_math() holds."""
    out: list[tuple[bool, str]] = []
    pos = 0
    for match in _INLINE_MATH.finditer(value):
        if match.start() > pos:
            out.append((False, value[pos : match.start()]))
        out.append((True, match.group(1)))
        pos = match.end()
    if pos < len(value):
        out.append((False, value[pos:]))
    return out


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


# --- Unicode -> TeX: in tex_encode.py, re-exported here ------------------------------

_BRACE_TOKENS = re.compile(r"\\.|[{}]", re.DOTALL)  # escapes are one token, so \\{ is no brace

_ENCODE_NAMES = frozenset({
    "TEX_MODES", "ACCENT_COMMANDS", "encode_char", "ascii_macro", "escape_plain", "encode_non_ascii",
    "is_balanced", "bibtex_balanced", "balance_braces", "escape_text_specials", "needs_protection",
    "protect_words", "protect_case_tex", "close_trailing_backslash", "UNMAPPED", "STANDARD_MACROS", "MATH_ONLY",
    "_SPECIALS",
})


def __getattr__(name: str):
    """The encoding half lives in tex_encode (which imports this module): loaded on first use."""
    if name in _ENCODE_NAMES:
        from . import tex_encode

        value = globals()[name] = getattr(tex_encode, name)  # later look-ups do not come here
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
