"""Bytes a phone transfers on its first visit (empty cache), measured in Chromium.

Usage: python bench/first_visit.py [--resources] URL [URL...]
e.g.   python bench/first_visit.py "http://127.0.0.1:8501/?event=FIFE16&table=1"

Opens each URL in a fresh headless Chromium at phone size (390x844), waits
until the attendee screen is drawn and the network is quiet, and sums what
crossed the wire: every HTTP response (headers + body as transferred, so
gzip counts) and every websocket frame. Prints one line per URL, then the
font files fetched (a phone should need none: see eventkit/rehearse/serve.py)
and, with --resources, every response by size.
"""

from __future__ import annotations

import sys

from playwright.sync_api import sync_playwright

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def first_visit(browser, url: str) -> dict:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    totals = {"http": 0, "ws": 0, "requests": 0, "decoded": 0, "resources": []}
    urls = {}

    def responded(event):
        urls[event["requestId"]] = event["response"]["url"]

    def finished(event):
        totals["http"] += event["encodedDataLength"]
        totals["requests"] += 1
        totals["resources"].append((event["encodedDataLength"], urls.get(event["requestId"], "?")))

    def received(event):
        totals["decoded"] += event["dataLength"]

    def ws_frame(event):
        totals["ws"] += len(event["response"]["payloadData"]) * 3 // 4  # base64 of binary frames

    cdp.on("Network.responseReceived", responded)
    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.dataReceived", received)
    cdp.on("Network.webSocketFrameReceived", ws_frame)
    cdp.on("Network.webSocketFrameSent", ws_frame)
    page.goto(url, wait_until="networkidle")
    page.get_by_text("Privacy notice").wait_for(timeout=30_000)
    page.wait_for_timeout(1500)
    context.close()
    return totals


def main(urls: list[str], resources: bool = False) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for url in urls:
            t = first_visit(browser, url)
            print(
                f"{url}: {(t['http'] + t['ws']) / 1024:.0f} KB transferred "
                f"({t['requests']} HTTP responses {t['http'] / 1024:.0f} KB, decoded {t['decoded'] / 1024:.0f} KB; "
                f"websocket {t['ws'] / 1024:.0f} KB)"
            )
            fonts = [(size, u) for size, u in t["resources"] if "/static/media/" in u]
            print(
                "  font files:", ", ".join(f"{u.rsplit('/', 1)[1]} {size / 1024:.0f} KB" for size, u in fonts) or "none"
            )
            for size, u in sorted(t["resources"], reverse=True) if resources else ():
                print(f"  {size / 1024:7.1f} KB  {u}")
        browser.close()


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--resources"]
    main(args or ["http://127.0.0.1:8501/?event=FIFE16&table=1"], resources="--resources" in sys.argv[1:])
