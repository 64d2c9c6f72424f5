"""The ``file`` field: the files a reference manager links to an entry.

JabRef, Zotero and Mendeley write a list of ``title:location:type`` items separated by
``;``, with ``\\`` escaping ``:``, ``;`` and itself (``Full Text PDF:/home/a/x.pdf:application/pdf``,
``:C\\:\\\\papers\\\\x.pdf:PDF``); Mendeley writes the backslash as ``$\\backslash$``. An item of
one part is its location; biblatex itself calls the field a link and has no syntax for it
(``file = {http://example.org/x.ps}``), so a value that is one URL is one location, unsplit.
An unescaped Windows drive (``C:\\x.pdf``) or URL scheme (``https://``) inside an item of
other than one or three parts is joined back to its location.
"""

from __future__ import annotations

import re

from ...model import Attachment

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://\S*$")
_MENDELEY_BACKSLASH = re.compile(r"\{?\$\\backslash\$\}?")
_DRIVE = re.compile(r"^[A-Za-z]$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*$")
_SPECIAL = re.compile(r"([\\:;])")
_TEX_ESCAPE = re.compile(r"\{?(?<!\\)\\([_%&#$~])\}?")  # Mendeley's {\_} in a file name


def read_file_field(text: str) -> tuple[Attachment, ...]:
    """The attachments a ``file`` value lists (empty items skipped)."""
    text = text.strip()
    if _URL.match(text):
        return (Attachment(text),)
    text = _TEX_ESCAPE.sub(r"\1", _MENDELEY_BACKSLASH.sub(lambda _: "\\", text))
    out = []
    for item in _split(text, ";", last=False):
        parts = _split(item, ":", last=True)
        if len(parts) not in (1, 3):  # (what this module writes has one part or three)
            parts = _joined(parts)
        if len(parts) == 1:
            location, title, media_type = parts[0], "", ""
        elif len(parts) == 2:
            title, location, media_type = parts[0], parts[1], ""
        else:
            title, location, media_type = parts[0], ":".join(parts[1:-1]), parts[-1]
        if location.strip():
            out.append(Attachment(location.strip(), title.strip() or None, media_type.strip() or None))
    return tuple(out)


def write_file_field(attachments: tuple[Attachment, ...]) -> str:
    """The ``file`` value of attachments, as JabRef and Zotero write it: ``title:location:type``
    items (a location alone when there is nothing else), escaped, separated by ``;``."""
    items = []
    for a in attachments:
        if a.title is None and a.media_type is None and len(attachments) == 1 and _URL.match(a.location):
            items.append(a.location)  # (biblatex's own use: a link, which every reader takes whole)
        elif a.title is None and a.media_type is None:
            items.append(_escape(a.location))
        else:
            items.append(":".join((_escape(a.title or ""), _escape(a.location), _escape(a.media_type or ""))))
    return ";".join(items)


def _escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text)


def _split(text: str, separator: str, *, last: bool) -> list[str]:
    """``text`` split at unescaped ``separator``s. The last pass (``last``) undoes the escapes
    (``\\:``, ``\\;``, ``\\\\``); the first keeps them for it. Other backslashes stay (a Windows
    path written unescaped)."""
    parts: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text) and text[i + 1] in "\\:;":
            current.append(text[i + 1] if last else text[i:i + 2])
            i += 2
            continue
        if char == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
        i += 1
    parts.append("".join(current))
    return parts


def _joined(parts: list[str]) -> list[str]:
    """Parts split at a colon that belongs to the location: a drive letter before ``\\`` or
    ``/`` (``C``, ``\\x.pdf``), a URL scheme before ``//``."""
    out: list[str] = []
    i = 0
    while i < len(parts):
        part = parts[i]
        after = parts[i + 1] if i + 1 < len(parts) else None
        if after is not None and ((_DRIVE.match(part) and after[:1] in ("\\", "/"))
                                  or (_SCHEME.match(part) and after.startswith("//"))):
            out.append(f"{part}:{after}")
            i += 2
            continue
        out.append(part)
        i += 1
    return out
