"""The HTTP core against the real binary: problem+json, limits, timeouts, keep-alive, gzip, metrics."""
import gzip
import http.client
import json
import socket
import threading
import time

import requests

from conftest import connect, recv_all


def assert_problem(resp, status):
    assert resp.status_code == status, resp.text
    assert resp.headers["Content-Type"] == "application/problem+json"
    body = resp.json()
    assert body["status"] == status
    assert body["type"].startswith("urn:rounds:problem:")
    assert body["title"] and body["detail"]
    assert body["request_id"] == resp.headers["X-Request-Id"]
    return body


def test_healthz_and_request_id(server):
    r = server.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}
    assert len(r.headers["X-Request-Id"]) >= 16
    r = server.get("/healthz", headers={"X-Request-Id": "client-chosen-42"})
    assert r.headers["X-Request-Id"] == "client-chosen-42"
    # An id with characters that could break logs is replaced, not echoed.
    r = server.get("/healthz", headers={"X-Request-Id": "bad id\"{"})
    assert r.headers["X-Request-Id"] != "bad id\"{"


def test_readyz_when_migrated(server):
    r = server.get("/readyz")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "ready"


def test_unknown_path_is_404_problem(server):
    body = assert_problem(server.get("/api/v1/nothing-here"), 404)
    assert "/api/v1/nothing-here" in body["detail"]


def test_wrong_method_is_405_with_allow(server):
    r = requests.post(server.url("/healthz"), data="{}", timeout=10)
    assert_problem(r, 405)
    assert set(a.strip() for a in r.headers["Allow"].split(",")) == {"GET", "HEAD"}


def test_head_has_length_but_no_body(server):
    r = requests.head(server.url("/api/v1/openapi.json"), timeout=10, headers={"Accept-Encoding": "identity"})
    assert r.status_code == 200
    assert int(r.headers["Content-Length"]) > 1000
    assert r.content == b""


def test_malformed_target_is_400(server):
    s = connect(server.port)
    s.sendall(b"GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n")
    data = recv_all(s, timeout=5).decode()
    assert data.startswith("HTTP/1.1 400"), data
    assert "application/problem+json" in data


def test_garbage_request_is_400_not_a_crash(server):
    s = connect(server.port)
    s.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n")
    data = recv_all(s, timeout=5)
    assert data.startswith(b"HTTP/1.1 400"), data
    assert server.get("/healthz").status_code == 200


def test_oversized_body_is_refused_without_reading_it(server):
    # Announce 50 MB, send none of it: the 413 must come back from the head alone, then the connection closes.
    s = connect(server.port)
    s.sendall(b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              b"Content-Length: 52428800\r\n\r\n")
    started = time.monotonic()
    data = recv_all(s, timeout=5).decode(errors="replace")
    assert data.startswith("HTTP/1.1 413"), data
    assert "application/problem+json" in data
    assert "52428800" in data
    assert time.monotonic() - started < 4


def test_oversized_chunked_body_is_413(server):
    s = connect(server.port)
    chunk = b"x" * 70000
    s.sendall(b"POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
              hex(len(chunk))[2:].encode() + b"\r\n" + chunk + b"\r\n0\r\n\r\n")
    data = recv_all(s, timeout=5).decode(errors="replace")
    assert data.startswith("HTTP/1.1 413"), data[:200]


def test_oversized_head_is_431(server):
    r = server.get("/healthz", headers={"X-Big": "a" * 20000})
    assert_problem(r, 431)


def test_slow_loris_is_dropped_while_others_are_served(server):
    # Trickle a request head one byte at a time; the header timeout (800 ms here) must cut it off.
    s = connect(server.port)
    closed = threading.Event()
    started = time.monotonic()

    def trickle():
        try:
            for b in b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100:
                s.sendall(bytes([b]))
                time.sleep(0.05)
                if closed.is_set():
                    return
        except OSError:
            closed.set()

    t = threading.Thread(target=trickle)
    t.start()
    # Meanwhile, other clients are answered promptly.
    for _ in range(5):
        r = server.get("/healthz", timeout=2)
        assert r.status_code == 200
    data = recv_all(s, timeout=6)
    elapsed = time.monotonic() - started
    closed.set()
    t.join()
    assert not data.startswith(b"HTTP/1.1 200"), data
    assert elapsed < 4, f"slow client held the connection for {elapsed:.1f}s"
    metrics = server.get("/metrics").text
    assert "rounds_http_timeouts_total" in metrics


def test_keep_alive_serves_several_requests_on_one_connection(server):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    ids = set()
    for _ in range(3):
        conn.request("GET", "/healthz")
        r = conn.getresponse()
        assert r.status == 200
        r.read()
        ids.add(r.getheader("X-Request-Id"))
    assert len(ids) == 3
    conn.close()


def test_large_responses_are_gzipped_when_accepted(server):
    plain = requests.get(server.url("/api/v1/openapi.json"), headers={"Accept-Encoding": "identity"}, timeout=10)
    assert "Content-Encoding" not in plain.headers
    spec = plain.json()
    assert spec["openapi"].startswith("3.")
    s = connect(server.port)
    s.sendall(b"GET /api/v1/openapi.json HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n")
    raw = recv_all(s)
    head, _, body = raw.partition(b"\r\n\r\n")
    assert b"Content-Encoding: gzip" in head
    assert b"Vary: Accept-Encoding" in head
    assert json.loads(gzip.decompress(body)) == spec


def test_metrics_by_route_template(server):
    server.get("/healthz")
    server.get("/no/such/thing")
    text = server.get("/metrics").text
    assert 'rounds_http_requests_total{route="/healthz",method="GET",status="200"}' in text
    assert 'route="unmatched",method="GET",status="404"' in text
    assert "rounds_http_request_duration_seconds_bucket" in text
    assert "rounds_http_in_flight_requests" in text
    assert 'rounds_db_pool_connections{pool="primary"}' in text
    assert "rounds_db_pool_wait_seconds_total" in text
    assert "rounds_build_info{" in text


def test_access_log_is_json_with_request_id(server):
    server.get("/healthz", headers={"X-Request-Id": "trace-me-123"})
    lines = [json.loads(l) for l in server.logs().splitlines() if l.startswith("{")]
    hits = [l for l in lines if l.get("msg") == "http_request" and l.get("request_id") == "trace-me-123"]
    assert hits, "no access log line for the request"
    assert hits[0]["status"] == 200 and hits[0]["route"] == "/healthz"
    assert "duration_ms" in hits[0]
