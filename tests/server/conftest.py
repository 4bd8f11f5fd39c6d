"""Starts `unspin serve` for the HTTP tests: UNSPIN_BIN names the binary,
UNSPIN_MODEL the model (ctest sets both)."""
import json
import os
import re
import signal
import socket
import subprocess
import time
import http.client

import pytest

UNSPIN = os.environ.get("UNSPIN_BIN", "build/unspin")


def recv_until_close(sock):
    """Everything `sock` receives until the peer closes it (timeouts and
    resets propagate)."""
    chunks = []
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


class Server:
    def __init__(self, *flags):
        self.proc = subprocess.Popen([UNSPIN, "serve", "--port", "0", *flags],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        line = self.proc.stderr.readline()
        match = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", line)
        if not match:
            self.proc.kill()
            raise RuntimeError("serve did not start: " + line + self.proc.stderr.read())
        self.port = int(match.group(1))

    def request(self, method, path, body=None, headers=None, timeout=120):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            if isinstance(body, (dict, list)):
                body = json.dumps(body)
                headers = {"Content-Type": "application/json", **(headers or {})}
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            data = response.read()
            return response.status, dict(response.getheaders()), data
        finally:
            conn.close()

    def json(self, method, path, body=None, headers=None):
        status, response_headers, data = self.request(method, path, body, headers)
        assert response_headers.get("Content-Type", "").startswith("application/json"), data
        return status, response_headers, json.loads(data)

    def raw(self, data, wait=1.0):
        """Sends raw bytes; returns what comes back until the server closes
        the connection or stays silent for `wait` seconds."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=wait) as s:
            s.sendall(data)
            chunks = []
            while True:
                try:
                    chunk = s.recv(65536)
                except (socket.timeout, ConnectionResetError):
                    break
                if not chunk:
                    break
                chunks.append(chunk)
            return b"".join(chunks)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


@pytest.fixture(scope="module")
def server():
    s = Server("--workers", "2", "--max-body-bytes", "100000")
    yield s
    assert s.stop() == 0
