"""eventkit.text: cleaning attendee text on the way in, neutralising it on the way out."""

from __future__ import annotations

import unicodedata

import pytest

from eventkit.text import TextError, clean_text, neutralise_cell, one_line
from tests.every import assert_every, labelled

FAMILY = "\U0001f469\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # woman, woman, girl, boy joined by ZWJ
SCOTLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"  # flag tag sequence


# "In the beginning", with vowel points, in NFC (the canonical order of its marks).
POINTED_HEBREW = unicodedata.normalize("NFC", "\u05d1\u05bc\u05b0\u05e8\u05b5\u05d0\u05e9\u05b4\u05c1\u05d9\u05ea")

CLEANED = [  # (raw, what clean_text(raw, 500) makes of it)
    # NFC normalisation: decomposed input is stored composed
    ("Cafe\u0301", "Caf\u00e9"),
    ("Vie\u0323\u0302t", "Vi\u1ec7t"),
    # control characters are dropped
    ("a\x00b", "ab"),
    ("ring\x07ring", "ringring"),
    ("del\x7f", "del"),
    ("esc\x1b[31mred", "esc[31mred"),
    ("lone\ud800surrogate", "lonesurrogate"),
    ("private\ue000use", "privateuse"),
    ("non\ufffechar\ufdd0", "nonchar"),
    # line endings become \n, tabs become spaces
    ("a\r\nb", "a\nb"),
    ("a\rb", "a\nb"),
    ("a\tb", "a b"),
    # newlines are kept, but long runs of blank lines collapse to one blank line
    ("line one\nline two", "line one\nline two"),
    ("para one\n\npara two", "para one\n\npara two"),
    ("para one\n\n\n\n\n\npara two", "para one\n\npara two"),
    ("a\r\n\r\n\r\n\r\nb", "a\n\nb"),
    # the ends are trimmed
    ("  hello \n\n", "hello"),
    # bidi embeddings, overrides and isolates are removed
    ("evil\u202etxt.exe", "eviltxt.exe"),
    ("\u202a\u202b\u202c\u202d\u202eabc", "abc"),
    ("x\u2066y\u2067z\u2068w\u2069", "xyzw"),
    # direction marks, U+FEFF and soft hyphens are invisible: removed too
    ("a\u200eb\u200fc\u061cd", "abcd"),
    ("\ufeffbom and\ufeffzwnbsp", "bom andzwnbsp"),
    ("soft\u00adhyphen", "softhyphen"),
    ("\u05e9\u05dc\u05d5\u05dd\u200f!", "\u05e9\u05dc\u05d5\u05dd!"),  # Hebrew shalom, RLM before "!"
    # right-to-left text with no controls passes unchanged: Hebrew, Arabic, Persian (ZWNJ kept), mixed
    (
        "\u05e2\u05d1\u05e8\u05d9\u05ea \u05e2\u05dd English 2016",
        "\u05e2\u05d1\u05e8\u05d9\u05ea \u05e2\u05dd English 2016",
    ),
    (
        "\u0627\u0644\u0639\u0631\u0628\u064a\u0629 \u0645\u0639 \u0661\u0662\u0663",
        "\u0627\u0644\u0639\u0631\u0628\u064a\u0629 \u0645\u0639 \u0661\u0662\u0663",
    ),
    ("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"),
    (POINTED_HEBREW, POINTED_HEBREW),  # in NFC, as phones send it
    # emoji sequences survive intact
    (FAMILY, FAMILY),
    ("\U0001f44d\U0001f3fd", "\U0001f44d\U0001f3fd"),  # thumbs up, medium skin tone
    ("1\ufe0f\u20e3", "1\ufe0f\u20e3"),  # keycap one
    (SCOTLAND, SCOTLAND),
    ("\u2764\ufe0f\u200d\U0001f525", "\u2764\ufe0f\u200d\U0001f525"),  # heart on fire
    # emoji newer than Python's Unicode database are still kept
    ("\U0001fa77 pink heart", "\U0001fa77 pink heart"),  # Unicode 15.0
    ("\U0001fae8", "\U0001fae8"),  # shaking face, Unicode 15.0
    # ordinary text of other scripts is unchanged
    ("\u0645\u0631\u062d\u0628\u0627", "\u0645\u0631\u062d\u0628\u0627"),
    ("\u0915\u094d\u0937\u093f", "\u0915\u094d\u0937\u093f"),
    ("Gr\u00fc\u00dfe aus Kirkcaldy", "Gr\u00fc\u00dfe aus Kirkcaldy"),
]


def test_clean_text():
    def check(raw, expected):
        assert clean_text(raw, 500) == expected

    assert_every(labelled(CLEANED), check)


def test_clean_text_single_line_turns_newlines_into_spaces():
    assert clean_text("first\nsecond\r\nthird", 100, multiline=False) == "first second third"


@pytest.mark.parametrize(
    "raw",
    [
        "Z" + "\u0336" * 60,
        "e" + "\u0301" * 40,  # NFC folds the first mark into é; the rest are a flood
        "ok " + ("a" + "\u0300\u0301\u0302\u0303\u0304\u0305" * 10) * 5,
    ],
)
def test_clean_text_caps_combining_floods(raw):
    cleaned = clean_text(raw, 500)
    run = longest = 0
    for ch in cleaned:
        run = run + 1 if unicodedata.combining(ch) else 0
        longest = max(longest, run)
    assert 1 <= longest <= 3
    assert len(cleaned) < len(raw)


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("q\u0316\u0317\u0318", "q\u0316\u0317\u0318"),  # three stacked marks are kept
        ("q\u0316\u0317\u0318\u0319\u031c", "q\u0316\u0317\u0318"),  # the fourth and on are dropped
        ("q\u0316\u0317\u0318\u0319 q\u0316", "q\u0316\u0317\u0318 q\u0316"),  # the count restarts
    ],
)
def test_clean_text_keeps_up_to_three_combining_marks(raw, expected):
    assert clean_text(raw, 20) == expected


EMPTY = [
    None,
    "",
    " ",
    "   \n\t  ",
    "\n\n\n",
    "\x00\x07",
    "\u202e\u202c",
    "\u200b\u200d\ufeff",
    "\u3000",
    "\u200e\u200f\u061c\u00ad",  # direction marks and a soft hyphen: nothing that shows
    "\u0301\u0302\u0303",  # combining marks alone, on nothing
    " \u0301 \u20dd ",  # a mark and an enclosing mark between spaces
    "\u0903\u093e",  # Devanagari spacing vowel signs (Mc) alone
]


def test_clean_text_refuses_empty():
    def check(raw):
        with pytest.raises(TextError, match="write something"):
            clean_text(raw, 500)

    assert_every(labelled([(raw,) for raw in EMPTY]), check)


@pytest.mark.parametrize(
    "raw,limit,message",
    [
        ("x" * 11, 10, "limit is 10"),
        ("x" * 501, 500, "limit is 500"),
        ("y" * 2001, 2000, "limit is 2,000"),
    ],
)
def test_clean_text_refuses_over_limit(raw, limit, message):
    with pytest.raises(TextError, match=message):
        clean_text(raw, limit)


@pytest.mark.parametrize(
    "raw",
    [
        "x" * 10,  # exactly at the limit
        "  " + "x" * 10 + "  ",  # trimmed first
        "x" * 5 + "\x00" * 20 + "x" * 5,  # counted after cleaning
    ],
)
def test_clean_text_limit_is_measured_after_cleaning(raw):
    assert len(clean_text(raw, 10)) == 10


def test_text_error_is_a_value_error():
    assert issubclass(TextError, ValueError)


NEUTRALISED = [  # (cell, what goes into the CSV)
    ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
    ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
    ("+44 1592 000000", "'+44 1592 000000"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("\n=1", "'\n=1"),
    # plain text and numbers pass through unchanged
    ("More data sharing", "More data sharing"),
    ("a=b", "a=b"),
    ("email me@example.org", "email me@example.org"),
    ("", ""),
    (42, 42),
    (-3, -3),
    (2.5, 2.5),
    (None, None),
    (True, True),
]


def test_neutralise_cell():
    def check(value, expected):
        assert neutralise_cell(value) == expected
        assert type(neutralise_cell(value)) is type(expected)

    assert_every(labelled(NEUTRALISED), check)


@pytest.mark.parametrize(
    "text,limit,expected",
    [
        ("short", 80, "short"),
        ("two\nlines  and   spaces", 80, "two lines and spaces"),
        ("abcdefghij", 5, "abcd\u2026"),
        ("abcde", 5, "abcde"),
    ],
)
def test_one_line(text, limit, expected):
    assert one_line(text, limit) == expected
