"""Fixtures for integration tests: the real `rounds` binary on a free loopback port against real PostgreSQL."""
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid

import pytest
import requests

BIN = os.environ.get("ROUNDS_TEST_BIN", "")
OWNER_URL = os.environ.get("ROUNDS_TEST_DATABASE_URL", "")
APP_URL = os.environ.get("ROUNDS_TEST_APP_URL", "")
PGBIN = "/usr/lib/postgresql/15/bin"


def require_env():
    if not BIN or not OWNER_URL:
        pytest.fail("ROUNDS_TEST_BIN and ROUNDS_TEST_DATABASE_URL must be set (scripts/test.sh sets them)")


def clean_env(extra=None):
    """The environment for a child `rounds`: no stray ROUNDS_* settings of the caller."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROUNDS_") or k.startswith("ROUNDS_TEST_")}
    env.update(extra or {})
    return env


def wait_until(predicate, timeout=20.0, interval=0.05):
    """Polls `predicate` until it returns truthy or the deadline passes (bounded; no fixed sleeps)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except (OSError, requests.RequestException):
            value = None
        if value:
            return value
        time.sleep(interval)
    return predicate()


class Server:
    """A running `rounds serve` process."""

    def __init__(self, database_url, *flags, env=None):
        require_env()
        self.log_path = tempfile.mktemp(prefix="rounds-serve-", suffix=".log")
        self.log = open(self.log_path, "w+")
        self.storage = tempfile.mkdtemp(prefix="rounds-it-storage-")
        self.headers = {}
        args = [BIN, "serve", "--http-port", "0", "--database-url", database_url, "--log-format", "json",
                "--storage-dir", self.storage, *flags]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.log, text=True, env=clean_env(env))
        line = self.proc.stdout.readline()
        if "listening on" not in line:
            self.proc.kill()
            self.log.seek(0)
            raise RuntimeError(f"rounds serve did not start: {line!r}\n{self.log.read()}")
        self.base = line.strip().rsplit(" ", 1)[-1]
        self.port = int(self.base.rsplit(":", 1)[-1])

    def url(self, path):
        return self.base + path

    def get(self, path, **kw):
        kw.setdefault("timeout", 10)
        kw["headers"] = {**self.headers, **kw.get("headers", {})}
        return requests.get(self.url(path), **kw)

    def login(self, email, password):
        """Signs in and sends the access token with every later request of this Server object."""
        r = requests.post(self.url("/api/v1/auth/login"), json={"email": email, "password": password}, timeout=30)
        assert r.status_code == 200, r.text
        self.headers = {"Authorization": "Bearer " + r.json()["access_token"]}
        return r.json()

    def logs(self):
        self.log.flush()
        with open(self.log_path) as f:
            return f.read()

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode


@pytest.fixture(scope="session")
def app_url():
    require_env()
    return APP_URL or OWNER_URL


@pytest.fixture(scope="module")
def server(app_url):
    s = Server(app_url, "--debug-routes", "true", "--http-header-timeout-ms", "800",
               "--http-body-limit", "64k", "--http-header-limit", "8k")
    yield s
    s.stop()


def connect(port):
    return socket.create_connection(("127.0.0.1", port), timeout=10)


def recv_all(sock, timeout=10):
    sock.settimeout(timeout)
    chunks = []
    while True:
        try:
            data = sock.recv(65536)
        except (ConnectionResetError, socket.timeout):
            break
        if not data:
            break
        chunks.append(data)
    return b"".join(chunks)


class TempCluster:
    """A throw-away PostgreSQL cluster of this test alone, so it can be stopped and started at will."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="rounds-pg-")
        self.data = os.path.join(self.dir, "data")
        self.port = free_port()
        self.run = []
        if os.geteuid() == 0:
            user = "rounds-pg"
            pw = pwd.getpwnam(user)
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
            os.chmod(self.dir, 0o755)
            self.run = ["runuser", "-u", user, "--"]
        subprocess.run(self.run + [f"{PGBIN}/initdb", "-D", self.data, "-U", "postgres", "--auth=trust",
                                   "-E", "UTF8", "--locale=C.UTF-8"], check=True, capture_output=True)
        with open(os.path.join(self.data, "postgresql.conf"), "a") as f:
            f.write(f"listen_addresses='127.0.0.1'\nport={self.port}\nunix_socket_directories='{self.dir}'\n"
                    "fsync=off\nshared_buffers=32MB\n")
        self.start()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start(self):
        subprocess.run(self.run + [f"{PGBIN}/pg_ctl", "-D", self.data, "-l", os.path.join(self.dir, "log"),
                                   "-w", "-t", "60", "start"], check=True, capture_output=True)

    def stop(self):
        subprocess.run(self.run + [f"{PGBIN}/pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop"],
                       check=True, capture_output=True)

    def destroy(self):
        subprocess.run(self.run + [f"{PGBIN}/pg_ctl", "-D", self.data, "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture
def temp_cluster():
    c = TempCluster()
    yield c
    c.destroy()


def drop_database(name):
    """Drops a throw-away database, retrying briefly while sessions of a just-stopped server wind down."""
    def attempt():
        psql(OWNER_URL, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        return True
    deadline = time.monotonic() + 20
    while True:
        try:
            return attempt()
        except subprocess.CalledProcessError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def psql(url, sql):
    return subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-tA", url, "-c", sql],
                          check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture
def unmigrated_db():
    """An empty database with the extensions but no migrations."""
    require_env()
    name = "rounds_it_" + uuid.uuid4().hex[:10]
    psql(OWNER_URL, f"CREATE DATABASE {name} TEMPLATE rounds_template")
    yield OWNER_URL.rsplit("/", 1)[0] + "/" + name
    drop_database(name)
