"""Process lifecycle: configuration errors, graceful shutdown, database outages, connection limits."""
import os
import signal
import subprocess
import threading
import time

import requests

from conftest import BIN, Server, clean_env, connect, psql, recv_all, require_env, wait_until


def run(*args, env=None):
    require_env()
    return subprocess.run([BIN, *args], capture_output=True, text=True, env=clean_env(env), timeout=60)


def test_bad_setting_stops_start_with_a_clear_message():
    r = run("serve", env={"ROUNDS_HTTP_PORT": "70000", "ROUNDS_DATABASE_URL": "postgresql://x@127.0.0.1/x"})
    assert r.returncode == 2
    assert "ROUNDS_HTTP_PORT" in r.stderr and "0 to 65535" in r.stderr


def test_serve_without_database_url_fails_fast():
    r = run("serve")
    assert r.returncode == 2
    assert "ROUNDS_DATABASE_URL" in r.stderr


def test_every_subcommand_has_help():
    for sub in ["serve", "worker", "migrate", "ingest", "admin", "bench"]:
        r = run(sub, "--help")
        assert r.returncode == 0, (sub, r.stderr)
        assert "Usage" in r.stdout


def test_sigterm_lets_the_request_in_flight_finish_then_exits_0(app_url):
    s = Server(app_url, "--debug-routes", "true", "--shutdown-timeout-ms", "10000")
    result = {}

    def slow():
        result["resp"] = requests.get(s.url("/debug/sleep?ms=1500"), timeout=20)

    t = threading.Thread(target=slow)
    t.start()
    # The metrics request counts itself, so 2 means the slow request is in flight.
    assert wait_until(lambda: "rounds_http_in_flight_requests 2" in s.get("/metrics").text, timeout=5)
    s.proc.send_signal(signal.SIGTERM)
    t.join(timeout=30)
    assert result["resp"].status_code == 200
    assert result["resp"].json() == {"slept_ms": 1500}
    assert s.proc.wait(timeout=20) == 0
    assert s.stop() == 0
    # Nothing listens any more.
    try:
        connect(s.port).close()
        refused = False
    except OSError:
        refused = True
    assert refused


def test_sigterm_closes_idle_keepalive_connections_promptly(app_url):
    s = Server(app_url)
    idle = connect(s.port)
    idle.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    time.sleep(0.2)
    started = time.monotonic()
    s.proc.send_signal(signal.SIGTERM)
    assert s.proc.wait(timeout=10) == 0
    assert time.monotonic() - started < 5
    s.stop()


def test_database_outage_gives_503_and_recovers_without_restart(temp_cluster):
    migrate = run("migrate", "--database-url", temp_cluster.url)
    assert migrate.returncode == 0, migrate.stderr
    s = Server(temp_cluster.url, "--debug-routes", "true", "--db-connect-timeout-ms", "1000",
               "--db-pool-wait-ms", "500")
    try:
        assert s.get("/readyz").status_code == 200
        assert s.get("/debug/sleep?ms=1").status_code == 200
        temp_cluster.stop()
        r = s.get("/readyz")
        assert r.status_code == 503
        assert r.headers["Content-Type"] == "application/problem+json"
        assert int(r.headers["Retry-After"]) >= 1
        r = s.get("/debug/sleep?ms=1")
        assert r.status_code == 503, r.text
        assert "Retry-After" in r.headers
        assert s.get("/healthz").status_code == 200  # liveness does not depend on the database
        temp_cluster.start()
        assert wait_until(lambda: s.get("/readyz").status_code == 200, timeout=20)
        assert s.get("/debug/sleep?ms=1").status_code == 200
        assert s.proc.poll() is None, "the server must not have restarted or died"
    finally:
        s.stop()


def test_readyz_is_503_until_migrations_are_applied(unmigrated_db):
    s = Server(unmigrated_db)
    try:
        r = s.get("/readyz")
        assert r.status_code == 503
        assert "rounds migrate" in r.json()["detail"] or "not reachable" in r.json()["detail"]
        assert run("migrate", "--database-url", unmigrated_db).returncode == 0
        assert s.get("/readyz").status_code == 200
    finally:
        s.stop()


def test_concurrent_migrate_processes_apply_each_file_once(unmigrated_db):
    procs = [subprocess.Popen([BIN, "migrate", "--database-url", unmigrated_db], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=clean_env()) for _ in range(3)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    applied = sum(o[0].count("applied ") for o in outs)
    files = int(psql(unmigrated_db, "SELECT count(*) FROM public.schema_migrations"))
    assert applied == files
    status = run("migrate", "--status", "--database-url", unmigrated_db)
    assert status.returncode == 0 and "pending" not in status.stdout


def test_pool_exhaustion_is_503_with_retry_after(app_url):
    s = Server(app_url, "--debug-routes", "true", "--db-pool-size", "1", "--db-pool-wait-ms", "200")
    try:
        holder = threading.Thread(target=lambda: s.get("/debug/sleep?ms=1500"))
        holder.start()
        wait_until(lambda: 'rounds_db_pool_in_use{pool="primary"} 1' in s.get("/metrics").text, timeout=5)
        r = s.get("/debug/sleep?ms=0")
        assert r.status_code == 503, r.text
        assert r.headers["Retry-After"] == "1"
        holder.join()
        assert s.get("/debug/sleep?ms=0").status_code == 200
    finally:
        s.stop()


def test_connections_over_the_limit_are_closed(app_url):
    s = Server(app_url, "--http-max-connections", "2")
    try:
        a, b = connect(s.port), connect(s.port)
        a.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        b.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(0.2)
        c = connect(s.port)
        c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert recv_all(c, timeout=5) == b""
        a.close(); b.close()
        assert wait_until(lambda: s.get("/healthz").status_code == 200, timeout=5)
        assert "rounds_http_rejected_connections_total 1" in s.get("/metrics").text
    finally:
        s.stop()
