"""`unspin serve` over real sockets: the answers, every HTTP-level error
path, limits, overload and shutdown. The API's own error answers are
unit-tested in tests/server_api_test.cc."""
import http.client
import json
import os
import socket
import subprocess
import threading
import time

from conftest import UNSPIN, Server, recv_until_close

SPUN = ("The talks were held in Cairo, in accordance with the Related Press information company. "
        "The most recent spherical of talks left principally ladies and youngsters without meals to outlive.")


def test_health_and_page(server):
    status, _, health = server.json("GET", "/healthz")
    assert status == 200 and health["status"] == "ok" and health["workers"] == 2
    assert health["trace"] is False
    status, headers, page = server.request("GET", "/")
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert b"<textarea id=\"input\"" in page and b"/v1/detect" in page


def test_detect_matches_the_cli(server):
    status, _, answer = server.json("POST", "/v1/detect", {"text": SPUN})
    assert status == 200
    cli = json.loads(subprocess.run([UNSPIN, "detect", "--json", "-"], input=SPUN.encode(),
                                    capture_output=True, check=True).stdout)
    assert answer == cli
    assert "the Associated Press" in answer["restored"]
    # The bare text works the same.
    status, _, plain = server.json("POST", "/v1/detect", SPUN.encode(), {"Content-Type": "text/plain"})
    assert status == 200 and plain == answer


def test_screen_matches_the_cli(server):
    # Spun text is passed on to the decoder; clean text is cleared. Each
    # answer is what `unspin screen` prints for the same text.
    with open(os.path.join(os.path.dirname(__file__), "..", "..", "examples", "news.txt"), encoding="utf-8") as f:
        clean = f.read()
    for text, verdict in ((SPUN, "passed"), (clean, "clear")):
        status, _, answer = server.json("POST", "/v1/screen", {"text": text})
        assert status == 200
        cli = json.loads(subprocess.run([UNSPIN, "screen", "-"], input=text.encode(),
                                        capture_output=True, check=True).stdout)
        assert answer == cli and answer["screened"] == verdict


def test_restore(server):
    status, _, answer = server.json("POST", "/v1/restore", {"text": SPUN})
    assert status == 200
    assert "women and children" in answer["text"] and answer["spans"] > 0


def test_suggest(server):
    status, _, answer = server.json("POST", "/v1/suggest", {"text": "bosom peril", "top": 3})
    assert status == 200
    assert answer["suggestions"][0]["original"] == "breast cancer" and len(answer["suggestions"]) <= 3
    cli = json.loads(subprocess.run([UNSPIN, "suggest", "--json", "--top", "3", "bosom peril"],
                                    capture_output=True, check=True).stdout)
    assert answer["suggestions"] == cli["suggestions"]
    status, _, err = server.json("POST", "/v1/suggest", {"text": "a b c d e f g h i j k l m"})
    assert status == 400 and err["code"] == "invalid_phrase"
    status, _, err = server.json("POST", "/v1/suggest", {"text": "bosom peril", "context": 3})
    assert status == 400 and err["code"] == "invalid_field"
    status, _, err = server.json("POST", "/v1/suggest", {"text": "bosom peril", "max_evidence": 3})
    assert status == 400 and err["code"] == "unknown_field" and "context, top" in err["error"]


def test_concurrent_requests_agree(server):
    results, errors = [], []

    def client():
        try:
            for _ in range(5):
                results.append(server.json("POST", "/v1/detect", {"text": SPUN}))
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=client) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(results) == 40
    assert all(status == 200 and body == results[0][2] for status, _, body in results)


def test_unknown_paths_and_methods(server):
    status, _, body = server.json("GET", "/v2/detect")
    assert status == 404 and body["code"] == "not_found" and "/v1/detect" in body["error"]
    assert "/v1/screen" in body["error"]
    status, headers, body = server.json("GET", "/v1/detect")
    assert status == 405 and headers["Allow"] == "POST" and body["code"] == "method_not_allowed"
    status, headers, body = server.json("POST", "/healthz", {"text": "x"})
    assert status == 405 and headers["Allow"] == "GET"
    status, _, body = server.json("POST", "/v1/trace", {"text": SPUN})
    assert status == 404 and body["code"] == "no_index"


def test_request_errors_are_json(server):
    status, _, body = server.json("POST", "/v1/detect", b"{\"text\": ", {"Content-Type": "application/json"})
    assert status == 400 and body["code"] == "invalid_json"
    status, _, body = server.json("POST", "/v1/detect", b"<t/>", {"Content-Type": "application/xml"})
    assert status == 415 and "text/plain" in body["error"]
    status, _, body = server.json("POST", "/v1/detect", b"caf\xc3 au lait", {"Content-Type": "text/plain"})
    assert status == 400 and body["code"] == "invalid_utf8"


def test_oversized_bodies_are_413(server):
    status, _, body = server.json("POST", "/v1/detect", {"text": "word " * 30000})
    assert status == 413 and body["code"] == "body_too_large" and "100000" in body["error"]
    # Chunked, with no length to check up front.
    def chunks():
        for _ in range(30):
            yield b"x" * 10000
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    conn.request("POST", "/v1/detect", chunks(), {"Content-Type": "text/plain"}, encode_chunked=True)
    response = conn.getresponse()
    body = json.loads(response.read())
    conn.close()
    assert response.status == 413 and body["code"] == "body_too_large"
    # A malformed chunked body is a 400 of its own.
    reply = server.raw(b"POST /v1/detect HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
    assert reply.startswith(b"HTTP/1.1 400") and b"bad_body" in reply, reply
    # The server goes on answering.
    assert server.json("GET", "/healthz")[0] == 200


def test_malformed_http_is_400(server):
    reply = server.raw(b"GARBAGE\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 400"), reply
    assert b"\"code\":\"bad_request\"" in reply
    reply = server.raw(b"GET /" + b"a" * 10000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert reply == b"" or reply.split(b" ")[1] in (b"400", b"414"), reply[:200]
    assert server.json("GET", "/healthz")[0] == 200


def test_overload_is_503_and_silent_clients_are_dropped():
    s = Server("--workers", "1", "--connections", "1", "--max-queue", "0", "--read-timeout", "2")
    try:
        # A client that connects and says nothing holds the only connection
        # thread until the read timeout.
        silent = socket.create_connection(("127.0.0.1", s.port), timeout=10)
        time.sleep(0.3)
        status, headers, body = s.json("GET", "/healthz")
        assert status == 503 and body["code"] == "busy" and headers["Retry-After"] == "1"
        start = time.monotonic()
        assert silent.recv(100) == b""  # disconnected
        assert time.monotonic() - start < 5
        silent.close()
        time.sleep(0.1)
        assert s.json("GET", "/healthz")[0] == 200
    finally:
        assert s.stop() == 0


def test_sigterm_stops_cleanly():
    s = Server()
    assert s.json("GET", "/healthz")[0] == 200
    assert s.stop() == 0
    assert "stopped" in s.proc.stderr.read()


def run_serve(*flags):
    return subprocess.run([UNSPIN, "serve", *flags], capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)


def test_start_up_errors(tmp_path):
    r = run_serve("--port", "70000")
    assert r.returncode == 2 and "--port" in r.stderr
    r = run_serve("--model", str(tmp_path / "none"))
    assert r.returncode == 4 and "model" in r.stderr
    r = run_serve("--port", "0", "--index", str(tmp_path / "no-index"))
    assert r.returncode == 4 and "index" in r.stderr
    busy = Server()
    try:
        r = run_serve("--port", str(busy.port))
        assert r.returncode == 1 and "cannot listen" in r.stderr
    finally:
        busy.stop()


def test_small_answers_do_not_wait_for_delayed_acks(server):
    # With Nagle's algorithm on, each answer on a kept-alive connection
    # waited about 40 ms for the client's delayed ACK.
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    start = time.monotonic()
    for _ in range(50):
        conn.request("GET", "/healthz")
        assert conn.getresponse().read()
    conn.close()
    assert time.monotonic() - start < 1.0


def test_pipelined_requests_are_each_answered(server):
    # Three requests in one packet: the second and third are already read
    # (buffered) when the first is answered, and must not wait for more.
    request = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(request * 2 + request.replace(b"Host: x", b"Host: x\r\nConnection: close"))
        start = time.monotonic()
        reply = recv_until_close(s)
    assert reply.count(b"HTTP/1.1 200") == 3, reply
    assert time.monotonic() - start < 2
