"""A timestamp authority of the tests' own, on a loopback port: OpenSSL's
`ts -reply` behind a small HTTP server, with a root certificate and a
timestamping certificate made for the test. Never an outside authority."""

from __future__ import annotations

import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from safepassage.vault.timestamps import Authority

CONFIG = """[ tsa ]
default_tsa = tsa_config1
[ tsa_config1 ]
serial = {folder}/serial
crypto_device = builtin
signer_cert = {folder}/tsa.crt
signer_key = {folder}/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
[ tsa_ext ]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = critical,timeStamping
"""


def _openssl(folder: Path, *arguments: str, data: bytes | None = None) -> bytes:
    done = subprocess.run(
        ["openssl", *arguments], cwd=folder, input=data, capture_output=True, timeout=30, check=True
    )
    return done.stdout


def _certificates(folder: Path, name: str) -> None:
    (folder / "ts.cnf").write_text(CONFIG.format(folder=folder))
    (folder / "serial").write_text("01\n")
    curve = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes")
    _openssl(
        folder, "req", "-x509", *curve, "-keyout", "ca.key", "-out", "root.pem", "-days", "2",
        "-subj", f"/CN={name} root", "-addext", "basicConstraints=critical,CA:true",
        "-addext", "keyUsage=critical,keyCertSign",
    )  # fmt: skip
    _openssl(folder, "req", *curve, "-keyout", "tsa.key", "-out", "tsa.csr", "-subj", f"/CN={name}")
    _openssl(
        folder, "x509", "-req", "-in", "tsa.csr", "-CA", "root.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "tsa.crt", "-days", "2", "-extfile", "ts.cnf",
        "-extensions", "tsa_ext",
    )  # fmt: skip


@contextmanager
def local_authority(name: str = "Test TSA") -> Iterator[Authority]:
    """A running authority; its URL and root certificate."""
    with tempfile.TemporaryDirectory() as where:
        folder = Path(where)
        _certificates(folder, name)

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                query = self.rfile.read(int(self.headers["Content-Length"]))
                (folder / "q.tsq").write_bytes(query)
                reply = _openssl(
                    folder, "ts", "-reply", "-config", "ts.cnf", "-queryfile", "q.tsq",
                    "-out", "-",
                )  # fmt: skip
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            port = server.server_address[1]
            yield Authority(f"http://127.0.0.1:{port}/", folder / "root.pem")
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=10)
