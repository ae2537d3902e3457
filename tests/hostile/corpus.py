"""A deterministic corpus of hostile attendee inputs.

Every entry is (name, text). The corpus is built by code, not stored, so it
stays reviewable; corpus.json beside this file is a snapshot of it (short
texts verbatim, long ones by length and SHA-256) that a test compares with
what build() makes, so a change to the corpus shows up in review.

Run `python -m tests.hostile.corpus` to rewrite the snapshot.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from eventkit.text import TextError, clean_text

SNAPSHOT = Path(__file__).with_name("corpus.json")
MEGABYTE = 1_000_000
_VERBATIM_MAX = 600  # longer texts go into the snapshot as length + hash

HTML = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    '<a href="javascript:alert(1)">click</a>',
    "<h1>HEADING</h1>",
    "<table><tr><td>cell</td></tr></table>",
    "<b>bold</b><i>it</i><u>u</u>",
    "<style>body{display:none}</style>",
    "<details open ontoggle=alert(1)>",
    "<body onload=alert(1)>",
    "<object data=javascript:alert(1)>",
    "<meta http-equiv=refresh content='0;url=https://evil.example'>",
    "<form action=https://evil.example><input name=p></form>",
    "<!-- comment --><p>para</p>",
    '"><script>alert(document.cookie)</script>',
    "'><img src=x onerror=alert(1)//",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<marquee>moving</marquee>",
    "<link rel=stylesheet href=https://evil.example/x.css>",
    "<base href=https://evil.example/>",
    "<video><source onerror=alert(1)>",
]

MARKDOWN = [
    "[click me](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[evil](https://evil.example)",
    "<https://evil.example>",
    "https://evil.example/phish",
    "![img](https://evil.example/pixel.png)",
    "![x](javascript:alert(1))",
    "![data](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "# HEADING ONE",
    "## Heading two",
    "###### Heading six",
    "Heading\n=======",
    "Sub\n---",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "**bold** _it_ ~~strike~~ `code`",
    "```\ncode block\n```",
    "> quote\n> more",
    "- item\n- item\n1. one",
    "***\n---\n___",
    "[ref][1]\n\n[1]: javascript:alert(1)",
    "<details><summary>s</summary>x</details>",
    "\\[not a link\\](x)",
    "footnote[^1]\n\n[^1]: https://evil.example",
    "- [ ] task\n- [x] done",
]

STREAMLIT = [
    ":red[red text]",
    ":blue-background[blue]",
    ":rainbow[rainbow]",
    ":material/warning: danger",
    ":material/home:",
    ":streamlit:",
    ":smile: :+1:",
    ":red[**bold** [link](javascript:alert(1))]",
    ":violet-badge[badge]",
    ":small[tiny]",
    "$x^2$",
    "$$\\int_0^1 f(x)\\,dx$$",
    "$\\href{javascript:alert(1)}{click}$",
    "$\\color{red}{RED}$",
    "\\(x\\) and \\[y\\]",
    "Price is $5 and $10",
]

SQL = [
    "'; DROP TABLE notes; --",
    '"; DELETE FROM votes; --',
    "1' OR '1'='1",
    "1; UPDATE events SET status='closed'",
    "Robert'); DROP TABLE participants;--",
    "' UNION SELECT token_hash FROM participants --",
    "%' AND 1=1 --",
    "\\'; ATTACH DATABASE '/tmp/x.db' AS x; --",
    "?",
    "?, ?, ?",
    ":name",
    "@param",
    "$1",
    "NULL",
    "null",
    "None",
    "undefined",
    "NaN",
    "Infinity",
    "-0",
    "1e309",
    "0x7fffffffffffffff",
    "-9223372036854775809",
]

UNICODE = [
    "abc\u202edcba",  # right-to-left override
    "\u202egnp.exe",
    "\u2066isolate\u2069 \u2067rtl\u2069",
    "safe\u200bword",  # zero-width space
    "\u200c\u200d\u2060\ufeffjoiners",
    "\u200b\u200b\u200b",  # only zero-width
    "\ufeff",
    "NUL\x00inside",
    "\x00",
    "bell\x07 backspace\x08 escape\x1b[31mred",
    "\x1b]0;title\x07",
    "del\x7f c1\x85\x9b",
    "vertical\x0btab\x0cfeed",
    "line\u2028sep\u2029para",
    "e\u0301",  # NFD: é
    "A\u030a",  # NFD: Å
    "\u212b",  # Angstrom sign (NFC → Å)
    "\ufb01 ligature",
    "Z" + "\u0336\u0335\u0334" * 30 + "algo",
    "x" + "\u0301" * 5000,
    "".join(c + "\u0300\u0301\u0302\u0303\u0304\u0305" for c in "combining flood"),
    "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466",  # family ZWJ
    "\U0001f3f3\ufe0f\u200d\U0001f308",  # rainbow flag
    "\U0001f44d\U0001f3fd",  # skin tone
    "\U0001f1ec\U0001f1e7\U0001f1fa\U0001f1e6",  # flags
    "\U0001f9d1\u200d\U0001f4bb" * 50,
    "\ud800 lone surrogate",
    "\udfff",
    "\ue000 private use",
    "\U000f0000 plane 15",
    "\ufdd0\uffff noncharacters",
    "\U0010ffff",
    "\U000e0001\U000e0065\U000e006e tag chars",
    "ﷺ ﷽",
    "𝕳𝖊𝖑𝖑𝖔 𝔪𝔞𝔱𝔥",
    "Ⅻ ㎒ ﬀ",
    "עברית עם English",
    "العربية مع ١٢٣",
    "中文测试 日本語 한국어",
    "Ünïcödé ñ ß ø æ",
    "\u0000\u0001\u0002\u0003\u0004\u0005",
    "tab\there",
    "\u00a0nbsp\u00a0",
    "\u3000ideographic space",
    "soft\u00adhyphen",
    "\u034fgrapheme joiner",
    "\u180emongolian vowel separator",
    "e\u0301\u0301\u0301\u0301\u0301",
]

FORMULA = [
    "=1+1",
    '=HYPERLINK("https://evil.example","click")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "+SUM(A1:A9)",
    "-1+1",
    "-2",
    "@SUM(A1)",
    "@",
    "=",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    " =1+1",
    '=IMPORTXML("https://evil.example","//a")',
    '=WEBSERVICE("https://evil.example")',
    '=DDE("cmd";"/C calc";"!A0")',
    '"=1+1"',
    "'=1+1",
    "a,b,c\n1,2,3",
    '"quoted", "and""escaped"',
    "semi;colon;separated",
    "line one\r\nline two",
    "-",
    "+",
]

WHITESPACE = [
    "",
    " ",
    "   ",
    "\n",
    "\n\n\n",
    "\t",
    "\t\t \n",
    "\r\n",
    "\u2003\u2002",
    "\u00a0",
    " \u200b ",
    "\u3000",
]

LONG = [
    ("one_mb_letters", "a" * MEGABYTE),
    ("one_mb_html", "<b>x</b>" * (MEGABYTE // 8)),
    ("one_mb_multibyte", "€" * MEGABYTE),
    ("very_long_word_499", "W" * 499),
    ("very_long_word_500", "W" * 500),
    ("very_long_word_501", "W" * 501),
    ("very_long_word_2000", "Pneumonoultramicroscopic" * 84),
    ("very_long_url", "https://evil.example/" + "a/" * 240),
    ("many_lines", "line\n" * 400),
    ("many_blank_lines", "top" + "\n" * 1000 + "bottom"),
    ("emoji_flood", "\U0001f600" * 499),
    ("zero_width_flood", "x" + "\u200b" * 10_000 + "y"),
    ("nul_flood", "\x00" * 10_000 + "z"),
]

BENIGN = [
    "More shared data between agencies, please.",
    "Advocacy at the Jobcentre door, not weeks later.",
    "DWP, Citizens Advice & the council — together.",
    "Café on Tuesday? 50% of us can't make Fridays.",
    "5 < 6 and 7 > 3",
    "Use the #hashtag and @mention",
    "C:\\Users\\admin\\secret.txt",
    "../../etc/passwd",
    "%s %d %n {0} {{x}} ${HOME} `whoami` $(id)",
    'O\'Brien said "hello"',
]


def build() -> list[tuple[str, str]]:
    """The corpus as (name, text) pairs, always in the same order."""
    out: list[tuple[str, str]] = []
    groups = {
        "html": HTML,
        "markdown": MARKDOWN,
        "streamlit": STREAMLIT,
        "sql": SQL,
        "unicode": UNICODE,
        "formula": FORMULA,
        "whitespace": WHITESPACE,
        "benign": BENIGN,
    }
    for group, texts in groups.items():
        out.extend((f"{group}_{i:02d}", t) for i, t in enumerate(texts))
    out.extend(LONG)
    out.extend(_combinations())
    return out


def _combinations() -> list[tuple[str, str]]:
    """Payloads hidden behind the tricks that defeat naive filters."""
    hide = {
        "rlo": lambda s: "\u202e" + s,
        "zwsp": lambda s: "\u200b".join(s),
        "nul": lambda s: s.replace("<", "<\x00"),
        "nfd": lambda s: s + " e\u0301",
        "formula": lambda s: "=" + s,
        "padded": lambda s: "  \n\t" + s + "\n\t  ",
    }
    payloads = [HTML[0], HTML[2], MARKDOWN[0], MARKDOWN[6], MARKDOWN[9], MARKDOWN[14], STREAMLIT[0], SQL[0]]
    return [(f"combo_{trick}_{i}", wrap(p)) for trick, wrap in hide.items() for i, p in enumerate(payloads)]


def accepted(limit: int) -> list[str]:
    """The distinct corpus entries eventkit.text.clean_text accepts within `limit` characters, as cleaned."""
    out: list[str] = []
    for _, text in build():
        try:
            cleaned = clean_text(text, limit)
        except TextError:
            continue
        if cleaned not in out:
            out.append(cleaned)
    return out


def by_name() -> dict[str, str]:
    return dict(build())


def sample(step: int = 5) -> list[tuple[str, str]]:
    """Every `step`-th short entry plus the key attack payloads: for slow (browser) tests."""
    entries = [(n, t) for n, t in build() if len(t) <= 2000]
    keys = {
        "html_00",
        "html_02",
        "html_05",
        "html_06",
        "html_07",
        "markdown_00",
        "markdown_02",
        "markdown_06",
        "markdown_09",
        "markdown_14",
        "streamlit_00",
        "streamlit_03",
        "streamlit_10",
    }
    return [e for i, e in enumerate(entries) if i % step == 0 or e[0] in keys]


def snapshot_entries() -> list[dict]:
    """What the snapshot file holds for each entry."""
    rows = []
    for name, text in build():
        row: dict = {
            "name": name,
            "length": len(text),
            "sha256": hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
        }
        if len(text) <= _VERBATIM_MAX:
            row["text"] = text
        rows.append(row)
    return rows


def write_snapshot() -> None:
    SNAPSHOT.write_text(json.dumps(snapshot_entries(), ensure_ascii=True, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_snapshot()
    print(f"wrote {SNAPSHOT} ({len(build())} entries)")
