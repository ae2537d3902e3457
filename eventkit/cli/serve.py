"""`python -m eventkit serve`: several app processes behind nginx, one command.

One Streamlit process runs scripts on one core (the GIL); `--workers N`
starts N of them on private ports, all sharing the database (the SQLite
file: WAL, one IMMEDIATE transaction per write, so they never corrupt or
lose a write; or PostgreSQL, shared by the processes of several hosts),
and puts nginx from Debian in front:

- sticky sessions by a random routing cookie (`ek_route`, set on the first
  page load and never stored): a phone's websocket, its media files and its
  reconnects reach the same process. Not ip_hash: a venue's Wi-Fi often puts
  every phone behind one address, which would send them all to one process.
- Streamlit's static files (~2.2 MB a first visit) served by nginx from a
  pre-compressed copy (gzip_static, built once per Streamlit version), so a
  phone downloads ~0.5 MB and no CPU is spent compressing per visit; HTML
  and JSON gzipped on the fly.
- no font files on a phone's first visit (they were half of it): the theme
  uses the device's own fonts (.streamlit/config.toml); nginx takes the
  Source Sans preload out of the page and the copy has no Source Sans
  (166 KB, drawn before the theme arrives); the copy's JavaScript does not
  preload the Material Symbols icon font (366 KB) at start-up: attendee
  screens draw no Material icon, so only staff screens fetch it.
- websocket upgrade on /_stcore/stream, no proxy buffering, long timeouts.

The nginx configuration is generated into a temporary folder and printed.
"""

from __future__ import annotations

import gzip
import importlib.metadata
import importlib.util
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from eventkit.access.staff import configured_admin_password, start_up
from eventkit.event.demo import ensure_demo
from eventkit.event.links import PUBLIC_PORT_ENV
from eventkit.storage import Store

from .nginx import nginx_config, open_files_problem

APP = Path(__file__).resolve().parents[2] / "app.py"
COMPRESSIBLE = {".js", ".css", ".html", ".json", ".svg", ".txt", ".ttf", ".otf", ".map", ".wasm"}
STATIC_REVISION = 1  # of the copy's changes below: a new one builds a new copy
# What the copy leaves out, by file type (pattern, replacement):
NO_FONT_DOWNLOADS = {
    # Streamlit's start-up `document.fonts.load(`1em "${x.materialIcons}"`)`
    ".js": (re.compile(r'document\.fonts\.load\((`1em "\$\{[\w$]+\.materialIcons\}"`)\)'), r"Promise.resolve(\1)"),
    # Source Sans: the "skip to main content" link is drawn in it before the theme arrives
    ".css": (re.compile(r'@font-face\{font-family:"?Source Sans"?;[^}]*\}'), ""),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_is_free(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def precompressed_static() -> Path:
    """A copy of Streamlit's static folder with .gz beside each text file (built once per version)."""
    # Found without importing streamlit: outside eventkit/ui it is only a server to run.
    found = importlib.util.find_spec("streamlit")
    if found is None or found.origin is None:
        raise RuntimeError("Streamlit is not installed: pip install -r requirements.txt")
    source = Path(found.origin).parent / "static"
    version = importlib.metadata.version("streamlit")
    root = Path(tempfile.gettempdir()) / f"eventkit-static-{version}-r{STATIC_REVISION}"
    done = root / ".complete"
    if done.exists():
        root.chmod(0o755)  # nginx's workers run as an unprivileged user
        return root
    building = Path(tempfile.mkdtemp(prefix="eventkit-static-"))
    for path in source.rglob("*"):
        target = building / path.relative_to(source)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
        if path.suffix in NO_FONT_DOWNLOADS:
            text = path.read_text(encoding="utf-8")
            if (lighter := without_font_downloads(path.suffix, text)) != text:
                target.write_text(lighter, encoding="utf-8")
        if path.suffix in COMPRESSIBLE and path.stat().st_size > 512:
            with open(target, "rb") as src, gzip.open(f"{target}.gz", "wb", compresslevel=9) as dst:
                shutil.copyfileobj(src, dst)
    (building / ".complete").touch()
    building.chmod(0o755)
    shutil.rmtree(root, ignore_errors=True)
    building.rename(root)
    return root


def without_font_downloads(suffix: str, text: str) -> str:
    """A static file of Streamlit's without what makes a phone download fonts it does not use.

    JavaScript: no start-up load of the Material Symbols icon font; it still
    loads from the stylesheet as soon as a screen draws a Material icon (staff
    screens), which stays blank until then (font-display: block), not its name.
    CSS: no Source Sans; text drawn before the theme arrives uses the
    device's sans-serif, as the theme does.
    """
    pattern, replacement = NO_FONT_DOWNLOADS.get(suffix, (None, ""))
    return pattern.sub(replacement, text) if pattern else text


def start_worker(db: str, port: int, log: Path, public_port: int | None = None) -> subprocess.Popen:
    """One Streamlit process on a private port, without the file watcher, logging to a file.

    public_port is the port phones reach (nginx's): QR codes suggest it, not the worker's.
    """
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
    ]
    env = {**os.environ, "EVENTKIT_DB": db, **({PUBLIC_PORT_ENV: str(public_port)} if public_port else {})}
    with open(log, "ab") as out:
        return subprocess.Popen(cmd, cwd=APP.parent, env=env, stdout=out, stderr=subprocess.STDOUT)


def wait_healthy(port: int, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return True
        except OSError:
            time.sleep(0.3)
    return False


def serve(db: str, *, workers: int = 2, port: int = 8501, host: str = "0.0.0.0") -> int:
    """Run N workers behind nginx until interrupted; returns the exit status."""
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        print(
            "error: nginx is not installed (Debian: apt-get install -y nginx-light), or run one "
            "process with: streamlit run app.py",
            file=sys.stderr,
        )
        return 1
    if not port_is_free(host, port):
        print(f"error: port {port} is already in use; choose another with --port", file=sys.stderr)
        return 1
    store = Store(db)
    ensure_demo(store)  # once, before the workers race to do it (they load it safely anyway)
    # Likewise the organiser password: printed here, where whoever started the server sees it
    # (the workers' output goes to log files).
    start_up(store, configured_admin_password(), sys.stdout)
    tmp = Path(tempfile.mkdtemp(prefix="eventkit-serve-"))
    tmp.chmod(0o755)  # nginx's workers (unprivileged) keep their temp files here
    ports = [free_port() for _ in range(max(workers, 1))]
    procs = [start_worker(db, p, tmp / f"worker-{p}.log", port) for p in ports]
    try:
        if not all(wait_healthy(p) for p in ports):
            print("error: a worker did not start; its output:", file=sys.stderr)
            for log in tmp.glob("worker-*.log"):
                print(log.read_text(errors="replace")[-2000:], file=sys.stderr)
            return 1
        conf = tmp / "nginx.conf"
        conf.write_text(nginx_config(tmp, f"{host}:{port}", ports, precompressed_static()))
        procs.append(subprocess.Popen([nginx, "-p", str(tmp), "-c", str(conf), "-e", str(tmp / "error.log")]))
        if problem := open_files_problem():
            print(problem, file=sys.stderr)
        print(
            f"eventkit: {len(ports)} worker(s) on {', '.join(map(str, ports))} behind nginx on "
            f"http://{host}:{port}  (database {store.describe()}; nginx config {conf}; pid {os.getpid()})",
            flush=True,
        )
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        while all(p.poll() is None for p in procs):
            time.sleep(1)
        print("error: a process exited; stopping", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)
