"""Several instances sharing state through Redis (ROUNDS_REDIS_URL): one rate limit and one response cache, and
each instance carrying on alone when Redis goes away. A real redis-server runs on a loopback port."""
import os
import re
import subprocess
import tempfile
import time

import pytest
import requests

from conftest import Server, drop_database, free_port
from test_physicians import make_db


class Redis:
    def __init__(self):
        self.port = free_port()
        self.proc = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no", "--loglevel", "warning"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            if self.cli("PING") == "PONG":
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}"

    def cli(self, *args):
        r = subprocess.run(["redis-cli", "-p", str(self.port), *args], capture_output=True, text=True)
        return r.stdout.strip()

    def stop(self):
        self.proc.kill()
        self.proc.wait()


@pytest.fixture(scope="module")
def db():
    name, owner, app = make_db()
    yield app
    drop_database(name)


@pytest.fixture
def redis():
    r = Redis()
    yield r
    r.stop()


def metric(server, name, labels=""):
    text = requests.get(server.url("/metrics"), timeout=10).text
    m = re.search(rf"^{re.escape(name + labels)} (\d+)", text, re.M)
    return int(m.group(1)) if m else None


def two_instances(db, redis, per_second, burst):
    """Two servers on one database and one Redis, sharing a signing key, both signed in as the demo rep."""
    key = os.path.join(tempfile.mkdtemp(), "jwt.pem")
    flags = ["--redis-url", redis.url, "--rate-limit-per-second", str(per_second), "--rate-limit-burst", str(burst),
             "--jwt-key-file", key]
    a = Server(db, *flags)
    b = Server(db, *flags)
    a.login("rep@acme.demo", "Rounds-Demo-Acme-1")
    b.headers = a.headers  # same signing key: one token works on both
    return a, b, key


def test_two_instances_enforce_one_rate_limit(db, redis):
    a, b, key = two_instances(db, redis, 1, 8)
    try:
        statuses = []
        for i in range(12):  # 6 each: under either instance's own burst of 8
            r = (a if i % 2 == 0 else b).get("/api/v1/me")
            statuses.append(r.status_code)
            if r.status_code == 429:
                assert r.headers["Content-Type"].startswith("application/problem+json")
                assert int(r.headers["Retry-After"]) >= 1
        assert 429 in statuses, statuses
        assert statuses.count(200) <= 8, statuses
        assert redis.cli("--scan", "--pattern", "rounds:rl:*") != ""
        # Redis gone: each instance answers from its own in-process limiter instead of failing.
        redis.stop()
        time.sleep(1.2)
        fresh = Server(db, "--redis-url", redis.url, "--rate-limit-per-second", "100", "--rate-limit-burst", "100",
                       "--jwt-key-file", key, "--redis-timeout-ms", "50")
        try:
            fresh.headers = a.headers
            assert [fresh.get("/api/v1/me").status_code for _ in range(5)] == [200] * 5
            assert metric(fresh, "rounds_redis_failures_total") >= 1
        finally:
            fresh.stop()
    finally:
        a.stop()
        b.stop()


def test_instances_share_the_response_cache(db, redis):
    a, b, _ = two_instances(db, redis, 1000, 1000)
    try:
        first = a.get("/api/v1/specialties")
        assert first.status_code == 200
        keys = redis.cli("--scan", "--pattern", "rounds:cache:*")
        assert "specialties" in keys, keys
        assert metric(b, "rounds_shared_cache_lookups_total", '{result="hit"}') == 0
        second = b.get("/api/v1/specialties")
        assert second.status_code == 200 and second.json() == first.json()
        assert metric(b, "rounds_shared_cache_lookups_total", '{result="hit"}') == 1
        ttl = int(redis.cli("TTL", keys.splitlines()[0]))
        assert 0 < ttl <= 86400
    finally:
        a.stop()
        b.stop()


def test_a_bad_redis_url_stops_the_start_with_a_clear_message(db):
    with pytest.raises(RuntimeError) as e:
        Server(db, "--redis-url", "http://nope")
    assert "redis-url" in str(e.value)
