"""Cleaning attendee text on the way in, and neutralising it on the way out."""

from __future__ import annotations

import re
import unicodedata

# Bidirectional embeddings, overrides and isolates: they can make a note
# display as something other than what was typed, so they are dropped from
# attendee text and refused in organiser text (direction_controls).
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# Invisible marks dropped from attendee text too: the direction marks (LRM,
# RLM, ALM), a byte-order mark or zero-width no-break space (U+FEFF) and the
# soft hyphen. Right-to-left text needs none of them to show right (the
# Unicode bidi algorithm orders Arabic and Hebrew by itself); ZWJ and ZWNJ
# stay (emoji sequences, Persian and Indic spelling).
_INVISIBLE_MARKS = "\u200e\u200f\u061c\ufeff\u00ad"
_DROPPED = dict.fromkeys(map(ord, BIDI_CONTROLS + _INVISIBLE_MARKS))
_MAX_COMBINING_RUN = 3
_FORMULA_STARTERS = ("=", "+", "-", "@", "\t", "\r", "\n")


class TextError(ValueError):
    """Text that cannot be accepted; the message says why, for the person."""


def clean_text(raw: str | None, max_chars: int, *, multiline: bool = True) -> str:
    """Normalise attendee text and enforce its limits.

    NFC-normalises, drops control characters (keeping newlines when
    multiline), bidi embeddings, overrides and isolates, direction marks,
    U+FEFF, soft hyphens and runs of stacked combining marks, trims the
    ends, and raises TextError when nothing is left that shows on its own
    (marks alone are not a note) or it is too long.
    """
    if raw and len(raw) > _flood_limit(max_chars):
        # Refuse floods before the per-character work: a 20 MB websocket
        # message would otherwise cost seconds of CPU per post.
        raise TextError(f"That is {len(raw):,} characters; the limit is {max_chars:,}. Please shorten it.")
    text = unicodedata.normalize("NFC", raw or "")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    if not multiline:
        text = text.replace("\n", " ")
    text = text.translate(_DROPPED)
    text = "".join(ch for ch in text if _keep(ch, multiline))
    text = _limit_combining(text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    if not any(_is_base(ch) for ch in text):  # nothing but spaces, invisible format characters or marks
        raise TextError("Please write something first.")
    if len(text) > max_chars:
        raise TextError(f"That is {len(text):,} characters; the limit is {max_chars:,}. Please shorten it.")
    return text


def _is_base(ch: str) -> bool:
    """A character that shows on its own: not a space, a format character (Cf) or a combining mark."""
    return not ch.isspace() and unicodedata.category(ch) not in ("Cf", "Mn", "Mc", "Me")


def direction_controls(text: str) -> list[str]:
    """The bidi embeddings, overrides and isolates in a text, by name (organiser text refuses them)."""
    return sorted({f"U+{ord(ch):04X} {unicodedata.name(ch)}" for ch in text if ch in BIDI_CONTROLS})


def _flood_limit(max_chars: int) -> int:
    """Raw length refused outright: generous, as cleaning seldom removes much from real text."""
    return 4 * max_chars + 1_000


def _keep(ch: str, multiline: bool) -> bool:
    if ch == "\n":
        return multiline
    category = unicodedata.category(ch)
    if category == "Cn":
        # Unassigned in this Python's Unicode data, which lags behind phones:
        # keep it (it may be a new emoji) unless it is a noncharacter.
        return not _is_noncharacter(ch)
    return category not in ("Cc", "Cs", "Co")


def _is_noncharacter(ch: str) -> bool:
    cp = ord(ch)
    return 0xFDD0 <= cp <= 0xFDEF or (cp & 0xFFFE) == 0xFFFE


def _limit_combining(text: str) -> str:
    """Keep at most a few combining marks after each base character."""
    out: list[str] = []
    run = 0
    for ch in text:
        if unicodedata.combining(ch):
            run += 1
            if run > _MAX_COMBINING_RUN:
                continue
        else:
            run = 0
        out.append(ch)
    return "".join(out)


def neutralise_cell(value: object) -> object:
    """Make a value safe for a spreadsheet cell.

    Text that a spreadsheet would run as a formula (starting with = + - @,
    tab, CR or LF) gets a leading apostrophe; numbers pass through unchanged.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_STARTERS):
        return "'" + value
    return value


def one_line(text: str, max_chars: int = 80) -> str:
    """A short single-line preview of a longer text."""
    flat = " ".join(text.split())
    return flat if len(flat) <= max_chars else flat[: max_chars - 1] + "…"


def reflow(text: str) -> list[str]:
    """Paragraphs of a hard-wrapped text, each joined onto one line."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return [" ".join(p.split()) for p in paragraphs if p.strip()]


# The characters that can start Markdown, HTML, LaTeX or a colour in the
# middle of a line. Only these are escaped: a widget's accessible name is its
# label as given, so every escape is read out by a screen reader ("today\?").
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]{}<>#|~$&])")
_LINE_START = re.compile(r"^(\d+)([.)])|^([-+=])")  # a list item or a heading underline
_SHORTCODE = re.compile(r":(?=[A-Za-z])")  # :smile: and :material/icon: become pictures
_AUTOLINK_START = re.compile(r"(?i)(www(?=\.)|(?:https?|ftp|mailto|xmpp)(?=:)|@)")


def plain_markdown(text: str) -> str:
    """Organiser text for an element that renders Markdown (title, caption, alert, label, option):
    it shows exactly as typed, on one line.

    Escaping the characters that open emphasis, code, links, HTML, headings,
    tables, LaTeX and entities (and a leading list marker) stops every
    construct; an invisible word joiner (U+2060) after "www", a URL scheme,
    "@" or a colon before a letter stops addresses becoming links and
    shortcodes becoming icons. Plain punctuation (?, !, commas, brackets) is
    left alone so that labels read aloud as typed. Prefer st.text
    (ui.show_literal, ui.show_prose) where no heading or label is needed.
    Pages call it as ui.plain.
    """
    joined = _AUTOLINK_START.sub("\\1\u2060", " ".join(str(text).split()))
    joined = _SHORTCODE.sub(":\u2060", joined)
    escaped = _MARKDOWN_PUNCTUATION.sub(r"\\\1", joined)
    return _LINE_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", escaped)
