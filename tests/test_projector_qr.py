"""The projector's join QR code: the coarsest code for the address, and where the footer shows it.

Issue 21: the footer's code was scannable from the front rows only. The projector draws the
code with the fewest modules the address allows (each module as big as can be) and the most
error correction that fits at that size; beside an open poll, its results and a quiet wall
the footer is a rail whose code scans from mid-room (sized in projector.css, measured in
tests/browser/test_projector_browser.py).
"""

from __future__ import annotations

import io

import qrcode
from PIL import Image
from qrcode.constants import ERROR_CORRECT_H, ERROR_CORRECT_L, ERROR_CORRECT_M, ERROR_CORRECT_Q

from eventkit.event import links
from eventkit.ui import projector_join
from tests.every import assert_every

STRONGEST_FIRST = (ERROR_CORRECT_H, ERROR_CORRECT_Q, ERROR_CORRECT_M, ERROR_CORRECT_L)
ADDRESSES = [  # id, address phones open, the code's modules a side
    ("short LAN", "http://10.0.0.5/?event=FIFE16", 25),
    ("LAN with port", "http://192.168.1.20:8501/?event=FIFE16", 29),
    ("council host", "https://events.fifecouncil.gov.uk/?event=FIFE16", 29),  # 47 letters: medium would take 33
    ("host and folder", "https://eventkit.example-council.gov.uk/events/?event=FIFE16", 33),
]


def _fits(url: str, version: int, level: int) -> bool:
    code = qrcode.QRCode(version=version, error_correction=level)
    code.add_data(url)
    try:
        code.make(fit=False)
    except qrcode.exceptions.DataOverflowError:
        return False
    return True


def test_the_projector_draws_the_coarsest_code_with_the_most_correction_that_fits_it():
    def check(url: str, modules: int) -> None:
        code = links.coarsest_qr_code(url)
        assert code.modules_count == modules
        fewest = min(v for v in range(1, 11) if _fits(url, v, ERROR_CORRECT_L))
        assert code.version == fewest
        assert code.error_correction == next(lv for lv in STRONGEST_FIRST if _fits(url, fewest, lv))
        assert code.modules_count <= links.qr_code(url).modules_count  # never finer than the printed cards'

    assert_every(ADDRESSES, check)


def test_the_projector_png_is_the_coarsest_code_drawn_box_by_box():
    url = ADDRESSES[1][1]
    image = Image.open(io.BytesIO(projector_join.qr_png(url)))
    assert image.width == image.height == projector_join.qr_modules(url) * projector_join.QR_BOX
    assert projector_join.qr_modules(url) == 29 + 2 * projector_join.QR_BORDER


def test_the_footer_shows_the_big_code_where_people_still_join_and_the_band_where_content_needs_the_width():
    rows = [
        ("poll open", ("poll", "open", 0), "rail"),
        ("poll closed", ("poll", "closed", 0), "rail"),
        ("poll draft", ("poll", "draft", 0), "rail"),
        ("poll revealed", ("poll", "revealed", 0), "band"),
        ("quiet wall", ("wall", "", projector_join.WALL_QUIET_NOTES), "rail"),
        ("busy wall", ("wall", "", projector_join.WALL_QUIET_NOTES + 1), "band"),
        ("tables", ("tables", "", 0), "band"),
        ("welcome", ("welcome", "", 0), ""),
        ("evaluation", ("evaluation", "", 0), ""),
    ]

    def check(arguments: tuple, expected: str) -> None:
        assert projector_join.footer_qr(*arguments) == expected

    assert_every(rows, check)
