"""deploy/nginx-load-balancer.conf, the README's worked example for several hosts, run by a real nginx.

Two stand-in app hosts answer with their name and the cookie they were sent;
the example config (only its host names, port and server name changed) must
keep each browser on one host, hand a first visit's new cookie to the host
too, spread browsers over the hosts, and move browsers of a dead host.
"""

from __future__ import annotations

import http.server
import json
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[1] / "deploy" / "nginx-load-balancer.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
MAIN = """worker_processes 1;
pid {tmp}/nginx.pid;
daemon off;
error_log {tmp}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {site};
}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stand_in(name: str) -> http.server.ThreadingHTTPServer:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps({"host": name, "cookie": self.headers.get("Cookie", "")}).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def balancer(tmp_path_factory):
    """(url, {name: stand-in server}): the example config in front of two stand-in hosts."""
    if not Path(NGINX).exists():
        pytest.skip("nginx is not installed (Debian: apt-get install nginx-light)")
    tmp = tmp_path_factory.mktemp("lb")
    tmp.chmod(0o755)
    hosts = {"app1": stand_in("app1"), "app2": stand_in("app2")}
    port = free_port()
    site = EXAMPLE.read_text()
    servers = "".join(
        f"    server 127.0.0.1:{h.server_address[1]} max_fails=3 fail_timeout=10s;\n" for h in hosts.values()
    )
    site = site.replace("    server app1.internal:8501 max_fails=3 fail_timeout=10s;\n", servers)
    site = "\n".join(line for line in site.splitlines() if "internal:8501" not in line)
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};")
    (tmp / "site.conf").write_text(site)
    (tmp / "nginx.conf").write_text(MAIN.format(tmp=tmp, site=tmp / "site.conf"))
    proc = subprocess.Popen([NGINX, "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-e", str(tmp / "error.log")])
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            get(url)
            break
        except OSError:
            time.sleep(0.05)
    yield url, hosts
    proc.terminate()
    proc.wait(10)
    for host in hosts.values():
        host.shutdown()


def get(url: str, cookie: str | None = None) -> tuple[dict, str]:
    """(what the host saw, the Set-Cookie the browser got)."""
    request = urllib.request.Request(url + "/", headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read()), response.headers.get("Set-Cookie") or ""


def test_a_first_visit_gets_a_cookie_and_its_host_sees_the_same_one(balancer):
    url, _ = balancer
    seen, set_cookie = get(url, "other=1")
    route = set_cookie.split(";")[0]
    assert route.startswith("ek_route=") and len(route) > 20 and "HttpOnly" in set_cookie
    assert seen["cookie"].startswith(route + ";") and "other=1" in seen["cookie"]
    again, set_again = get(url, f"{route}; other=1")
    assert set_again == "" and again["cookie"] == f"{route}; other=1"


def test_one_browser_stays_on_one_host_and_browsers_spread_over_all(balancer):
    url, hosts = balancer
    cookies = [f"ek_route=browser{i:03d}" for i in range(40)]
    first = {c: get(url, c)[0]["host"] for c in cookies}
    for cookie in cookies[:10]:
        assert {get(url, cookie)[0]["host"] for _ in range(5)} == {first[cookie]}
    assert set(first.values()) == set(hosts)


def test_the_browsers_of_a_host_that_stops_move_to_the_others(balancer):
    url, hosts = balancer
    cookies = [f"ek_route=moving{i:03d}" for i in range(30)]
    before = {c: get(url, c)[0]["host"] for c in cookies}
    hosts["app1"].shutdown()
    hosts["app1"].server_close()
    after = {c: get(url, c)[0]["host"] for c in cookies}
    assert set(after.values()) == {"app2"}
    assert all(after[c] == "app2" for c in cookies if before[c] == "app2"), "the others' browsers stay put"
