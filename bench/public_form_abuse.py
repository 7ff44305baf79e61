"""The public form under abuse, in one run, against the real server
(`safepassage serve` on loopback, default settings, a fresh SQLite data
folder):

(a) a flood: 2,000 cheap requests without a proof of work, sent from
    several threads as fast as they go; meanwhile genuine people send the
    form, some as a browser with JavaScript does (the page, its challenge
    solved, the form with the proof), some without JavaScript (the form
    alone). Printed: the share of each accepted, and for those without
    JavaScript refused, whether the page came back with everything typed.
(b) slow clients: 8 connections sending one byte a second (four trickle
    their headers, four their body; each reconnects if dropped); meanwhile
    genuine requests with a proof, one a second. Printed: the share
    answered within 2 s.
(c) malformed uploads: 100 requests in turn with 101 files, with a broken
    base64 part, or cut off mid-upload. Printed: the bytes left in staging
    once the server has answered them all, and the answers (no 5xx).

Targets: (a) 100 % of genuine requests with a proof accepted; (b) 100 %
answered within 2 s; (c) 0 bytes left. Without JavaScript a request is
refused during a flood, by design (nothing tells it from the flood), with
the form given back filled in: that share is printed, with no target.

Each phase starts its own server on the same database; about two minutes
in all.

    .venv/bin/python bench/public_form_abuse.py [--flood 2000] [--threads 6]
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from common import ROOT, django_only, machine

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
STORY = "They came to my flat at night and asked for the names of my friends. " * 20
SLOW_CLIENTS = 8
SLOW_SECONDS = 20
ANSWER_WITHIN = 2.0
MALFORMED = 100


def form(happened: str = STORY, **extra: str) -> dict[str, str]:
    return {
        "lang": "en",
        "name": "Rustam",
        "happened": happened,
        "help": "We need to leave the region.",
        "situation": "hiding",
        "contact_method": "signal",
        "contact_handle": "+7 928 000 11 22",
        "area": "chechnya",
        "household": "1",
        **extra,
    }


def part(name: str, value: bytes, filename: str | None = None, extra: str = "") -> bytes:
    disposition = f'form-data; name="{name}"'
    if filename is not None:
        disposition += f'; filename="{filename}"'
        extra = "Content-Type: image/jpeg\r\n" + extra
    return f"Content-Disposition: {disposition}\r\n{extra}\r\n".encode() + value


def multipart(parts: list[bytes], boundary: str, closed: bool = True) -> bytes:
    body = b"".join(b"--" + boundary.encode() + b"\r\n" + p + b"\r\n" for p in parts)
    return body + (b"--" + boundary.encode() + b"--\r\n" if closed else b"")


def fields(data: dict[str, str]) -> list[bytes]:
    return [part(name, value.encode()) for name, value in data.items()]


class Server:
    def __init__(self, data: str) -> None:
        self.data = data
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])

    @contextmanager
    def running(self) -> Iterator[Server]:
        env = dict(os.environ)
        env.update(
            {
                "PYTHONPATH": f"{ROOT}:{ROOT / 'src'}",
                "DJANGO_SETTINGS_MODULE": "safepassage.settings",
                "SAFEPASSAGE_DATA_DIR": self.data,
                "SAFEPASSAGE_LOG_LEVEL": "ERROR",
            }
        )
        command = [sys.executable, "-m", "safepassage.cli", "serve"]
        process = subprocess.Popen(
            [*command, "--bind", f"127.0.0.1:{self.port}"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(150):
                try:
                    if self.get("/healthz", timeout=1)[0] == 200:
                        break
                except OSError:
                    time.sleep(0.2)
            else:
                raise SystemExit("the server did not start")
            yield self
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()

    def _send(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str], timeout: float
    ) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            return response.status, response.read().decode(errors="replace")
        finally:
            connection.close()

    def get(self, path: str, timeout: float = 30) -> tuple[int, str]:
        return self._send("GET", path, None, {}, timeout)

    def post(self, data: dict[str, str], timeout: float = 30) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return self._send("POST", "/request/", body, headers, timeout)

    def post_multipart(self, parts: list[bytes], timeout: float = 30) -> tuple[int, str]:
        boundary = uuid.uuid4().hex
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        return self._send("POST", "/request/", multipart(parts, boundary), headers, timeout)


def solve(challenge: str) -> str:
    """What the form's script does in the browser (while the person types)."""
    bits = int(challenge.split(".")[1])
    nonce = 0
    while True:
        digest = hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()
        value = int.from_bytes(digest[:8], "big")
        if value >> (64 - bits) == 0:
            return str(nonce)
        nonce += 1


def with_javascript(server: Server, story: str, timeout: float = 30) -> tuple[int, float]:
    """The page, its challenge solved, the form: the status and the seconds
    the form took to answer (the solving happens while the person types)."""
    page = server.get("/request/", timeout=timeout)[1]
    challenge = re.search(r'name="proof_challenge" value="([^"]+)"', page)
    extra = {}
    if challenge:
        extra = {"proof_challenge": challenge[1], "proof_nonce": solve(challenge[1])}
    empty_file = part("attachments", b"", filename="")
    started = time.monotonic()
    status, _page = server.post_multipart([*fields(form(story, **extra)), empty_file], timeout)
    return status, time.monotonic() - started


def without_javascript(server: Server, story: str) -> tuple[int, bool]:
    """The form alone, as Tor Browser's safest mode sends it; whether a
    refusal gave back everything typed."""
    data = form(story)
    empty_file = part("attachments", b"", filename="")
    status, page = server.post_multipart([*fields(data), empty_file])
    kept = all(html_escaped(value) in page for value in data.values())
    return status, kept


def html_escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass
class Flood:
    seconds: float
    answers: Counter[int]
    js: list[tuple[int, float]]  # status, seconds the form took
    plain: list[tuple[int, bool]]  # status, everything typed given back


def flood_phase(server: Server, total: int, threads: int) -> Flood:
    cheap = form("Spam spam spam.")
    sent = Counter[int]()
    left = [total]
    lock = threading.Lock()

    def flooder() -> None:
        while True:
            with lock:
                if left[0] == 0:
                    return
                left[0] -= 1
            try:
                status = server.post(cheap)[0]
            except OSError:
                status = 0
            with lock:
                sent[status] += 1

    genuine_js: list[tuple[int, float]] = []
    genuine_plain: list[tuple[int, bool]] = []
    workers = [threading.Thread(target=flooder) for _ in range(threads)]
    started = time.monotonic()
    for worker in workers:
        worker.start()
    # Genuine people, one of each in turn, for as long as the flood lasts.
    number = 0
    while any(worker.is_alive() for worker in workers) and number < 50:
        number += 1
        genuine_js.append(with_javascript(server, f"{STORY} (with a proof, {number})"))
        genuine_plain.append(without_javascript(server, f"{STORY} (no script, {number})"))
    for worker in workers:
        worker.join()
    return Flood(time.monotonic() - started, sent, genuine_js, genuine_plain)


def slow_client(port: int, stop: threading.Event, headers_first: bool) -> None:
    """One byte a second, forever: the headers (slowloris) or, after quick
    headers, a body announced long (slow POST). Reconnects when dropped."""
    body = urllib.parse.urlencode(form()).encode()
    head = (
        b"POST /request/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n"
    )
    while not stop.is_set():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
                data = head + body
                if not headers_first:
                    connection.sendall(head)
                    data = body
                for byte in data:
                    if stop.wait(1.0):
                        return
                    connection.sendall(bytes([byte]))
        except OSError:
            if stop.wait(0.5):
                return


def slow_phase(server: Server) -> list[tuple[int, float]]:
    stop = threading.Event()
    clients = [
        threading.Thread(target=slow_client, args=(server.port, stop, n % 2 == 0))
        for n in range(SLOW_CLIENTS)
    ]
    for client in clients:
        client.start()
    time.sleep(3)  # they connect and start trickling
    answers: list[tuple[int, float]] = []
    started = time.monotonic()
    try:
        while time.monotonic() - started < SLOW_SECONDS:
            began = time.monotonic()
            try:
                status, seconds = with_javascript(server, f"{STORY} (slow phase)", ANSWER_WITHIN)
            except OSError:
                status, seconds = 0, time.monotonic() - began
            answers.append((status, seconds))
            time.sleep(max(0.0, 1.0 - (time.monotonic() - began)))
    finally:
        stop.set()
        for client in clients:
            client.join(timeout=10)
    return answers


def cut_off(port: int) -> None:
    boundary = uuid.uuid4().hex
    head = multipart(
        [*fields(form()), part("attachments", JPEG, filename="a.jpg")], boundary, closed=False
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sender:
        sender.sendall(
            b"POST /request/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: multipart/form-data; boundary=" + boundary.encode() + b"\r\n"
            b"Content-Length: 4000000\r\n\r\n" + head + b"x" * 1_500_000
        )


@dataclass
class Malformed:
    answers: Counter[str]
    left: int  # bytes in staging afterwards
    files: int


def malformed_phase(server: Server, staging: Path) -> Malformed:
    answers = Counter[str]()
    many = [part("attachments", JPEG + b"x" * 50_000, filename=f"{n}.jpg") for n in range(101)]
    broken = part(
        "attachments",
        b"QUJD" * 100_000 + b"%%%Q",
        filename="broken.jpg",
        extra="Content-Transfer-Encoding: base64\r\n",
    )
    whole = part("attachments", JPEG + b"x" * 300_000, filename="whole.jpg")
    for number in range(MALFORMED):
        kind = ("101 files", "broken base64", "cut off")[number % 3]
        if kind == "101 files":
            status = server.post_multipart([*fields(form()), *many])[0]
            answers[f"{kind}: {status}"] += 1
        elif kind == "broken base64":
            status = server.post_multipart([*fields(form()), whole, broken])[0]
            answers[f"{kind}: {status}"] += 1
        else:
            cut_off(server.port)
            answers[kind] += 1
    # Time for the server to notice the last senders went away; what staging
    # holds then was left behind.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(staging.glob("*.part")):
        time.sleep(0.2)
    left = [path.stat().st_size for path in staging.glob("*.part")]
    return Malformed(answers, sum(left), len(left))


def share(count: int, total: int) -> str:
    return f"{100 * count / total:.0f} % ({count} of {total})" if total else "n/a"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--flood", type=int, default=2000, help="cheap requests in the flood")
    parser.add_argument("--threads", type=int, default=6, help="threads sending the flood")
    args = parser.parse_args()
    data = django_only()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", run_syncdb=True, verbosity=0)
    from safepassage.vault import keys

    keys.hold_ceremony(custodians=3, threshold=2)
    staging = Path(settings.FILES_DIR) / "staging"
    server = Server(data)
    with server.running():
        flood = flood_phase(server, args.flood, args.threads)
    with server.running():
        slow = slow_phase(server)
    with server.running():
        malformed = malformed_phase(server, staging)

    js, plain = flood.js, flood.plain
    refused_plain = [kept for status, kept in plain if status == 429]
    print(
        f"machine: {machine()}; safepassage serve with its default settings "
        f"(SAFEPASSAGE_WORKERS={settings.WORKERS}, proof of work {settings.INTAKE_PROOF_BITS} "
        f"bits), SQLite, load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"(a) flood: {args.flood} cheap requests from {args.threads} threads in "
        f"{flood.seconds:.1f} s, answered {dict(sorted(flood.answers.items()))}"
    )
    slowest = max((seconds for _status, seconds in js), default=0.0)
    print(
        f"    with JavaScript (a proof): accepted {share(sum(s == 200 for s, _ in js), len(js))}"
        f", slowest answer {slowest:.2f} s; target 100 %"
    )
    print(
        f"    without JavaScript: accepted {share(sum(s == 200 for s, _ in plain), len(plain))}; "
        f"refused with everything typed given back: {share(sum(refused_plain), len(refused_plain))}"
        " (no target: refused during a flood by design)"
    )
    in_time = sum(status == 200 and seconds <= ANSWER_WITHIN for status, seconds in slow)
    print(
        f"(b) {SLOW_CLIENTS} slow clients (one byte a second) for {SLOW_SECONDS} s: genuine "
        f"requests answered within {ANSWER_WITHIN:.0f} s: {share(in_time, len(slow))}; "
        "target 100 %"
    )
    print(
        f"(c) {MALFORMED} malformed requests: left in staging {malformed.left} bytes "
        f"({malformed.files} files); target 0 bytes; answers "
        f"{dict(sorted(malformed.answers.items()))}"
    )


if __name__ == "__main__":
    main()
