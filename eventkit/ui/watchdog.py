"""A watchdog for screens left open all day (the projector, the control panel): a blank page reloads itself.

A Streamlit page whose frontend hit an error it cannot recover from (for
example a timed fragment's update arriving for a part of the page a full
rerun had already replaced, after the server stalled) is a white page with a
live connection: nothing on it redraws, and nobody at a projector presses
reload. Streamlit reconnects by itself after a dropped connection or a
restarted server; this covers what it does not. A fixed script, installed once
per browser tab (st.components.v2 runs it in the page itself), checks every few
seconds that the app is still drawn. After BLANK_CHECKS checks in a row without
it, it says so in a line of its own at the top of the tab, waits until the
server answers its health check, and reloads a few seconds later: the event's state is in the
database and staff stay signed in, so nothing is lost.
"""

from __future__ import annotations

import streamlit as st

CHECK_MS = 3_000
BLANK_CHECKS = 3  # about 9 s without the app drawn before the tab says so and reloads
SAY_MS = 3_000  # the line stays this long before the reload, so whoever looks can read what happened
MESSAGE = "This screen stopped drawing. Reloading it; nothing is lost."

# Fixed code: nothing in it comes from a user. Installed once per tab; the interval
# lives on the window, so it outlives the element (and React tree) that started it.
_JS = f"""
export default function () {{
  if (window.__ekWatchdog) return;
  window.__ekWatchdog = true;
  let blank = 0, reloading = false;
  const drawn = () => {{
    const app = document.querySelector('[data-testid="stApp"]');
    const main = document.querySelector('[data-testid="stMain"]');
    return Boolean(app && main && main.innerText.trim().length > 0);
  }};
  const say = (text) => {{
    let line = document.getElementById("ek-watchdog");
    if (!line) {{
      line = document.createElement("div");
      line.id = "ek-watchdog";
      line.setAttribute("role", "alert");
      line.style.cssText = "position:fixed;top:0;left:0;right:0;z-index:100000;padding:1rem;" +
        "font:1.25rem sans-serif;background:#fff4ce;color:#3b2f00;border-bottom:2px solid #8a6d00";
      document.body.appendChild(line);
    }}
    line.textContent = text;
  }};
  const reloadWhenServerAnswers = async () => {{
    try {{
      const answer = await fetch("_stcore/health", {{ cache: "no-store" }});
      if (answer.ok) {{ setTimeout(() => window.location.reload(), {SAY_MS}); return; }}
    }} catch (error) {{ /* the server is not back yet */ }}
    say({MESSAGE!r} + " Waiting for the server to answer…");
    setTimeout(reloadWhenServerAnswers, {CHECK_MS});
  }};
  setInterval(() => {{
    blank = drawn() ? 0 : blank + 1;
    if (blank >= {BLANK_CHECKS} && !reloading) {{
      reloading = true;
      console.warn("eventkit watchdog: the app is no longer drawn (blank page); reloading");
      say({MESSAGE!r});
      reloadWhenServerAnswers();
    }}
  }}, {CHECK_MS});
}}
"""
_watchdog = st.components.v2.component("eventkit_watchdog", js=_JS)


def watch_for_a_blank_page() -> None:
    """Install the watchdog in this browser tab (an empty element; once per tab)."""
    _watchdog(key="ek-watchdog")
