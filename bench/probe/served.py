"""make probe: a fresh PostgreSQL database congdoan_probe_<random>, migrated and seeded with the
demo, served by gunicorn (4 sync workers, --timeout 60) on 127.0.0.1 and a free port; the probe
runs against it; then the server stops and the database is dropped.

    python -m bench.probe.served [--pg postgresql://postgres@127.0.0.1:5432] [probe options]
"""
from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PROBE_REDIS_DB = 14


def _redis_for_limits() -> int | None:
    """The Redis database the served instance counts its limits in, emptied; None without a Redis."""
    try:
        import redis
        client = redis.Redis(host="127.0.0.1", port=6379, db=PROBE_REDIS_DB, socket_connect_timeout=1)
        client.flushdb()
        return PROBE_REDIS_DB
    except Exception:
        return None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.probe.served", description=__doc__)
    parser.add_argument("--pg", default=os.environ.get("PROBE_PG", "postgresql://postgres@127.0.0.1:5432"),
                        help="the PostgreSQL server (on 127.0.0.0/8) where the probe database is made")
    parser.add_argument("--keep", action="store_true",
                        help="keep the database and the instance folder (with gunicorn.log) afterwards")
    args, probe_args = parser.parse_known_args(argv)
    server = urllib.parse.urlsplit(args.pg)
    if server.hostname not in ("127.0.0.1", "localhost") and not (server.hostname or "").startswith("127."):
        parser.error("the probe only talks to 127.0.0.0/8")
    name = f"congdoan_probe_{secrets.token_hex(4)}"
    admin_url = server._replace(path="/postgres").geturl()
    url = server._replace(path=f"/{name}").geturl()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    instance = tempfile.mkdtemp(prefix="congdoan-probe-")
    env = dict(os.environ, DATABASE_URL=url, INSTANCE_PATH=instance, SECRET_KEY=secrets.token_hex(32),
               BASE_URL=base, PYTHONPATH=str(ROOT))
    redis_db = _redis_for_limits()
    if redis_db is not None:
        # As in production with several workers (README): the limits are counted in Redis, shared by the
        # four workers; a database of its own, emptied before and after.
        env["REDIS_URL"] = f"redis://127.0.0.1:6379/{redis_db}"
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    gunicorn = None
    started = time.perf_counter()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        print(f"probe: database {name}, serving on {base}", flush=True)
        subprocess.run(flask + ["db", "upgrade"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        subprocess.run(flask + ["seed-demo"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        log = open(Path(instance) / "gunicorn.log", "w")
        gunicorn = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "4", "--timeout", "60",
                                     "-b", f"127.0.0.1:{port}", "wsgi:app"], cwd=ROOT, env=env,
                                    stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 180    # workers import the app: slow on a busy machine
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=10):
                    break
            except OSError:
                if time.monotonic() > deadline or gunicorn.poll() is not None:
                    raise RuntimeError(f"the server did not start (log: {log.name})") from None
                time.sleep(0.3)
        print(f"probe: ready after {time.perf_counter() - started:.0f} s", flush=True)
        from .__main__ import main as probe_main
        return probe_main(["--base-url", base, "--database-url", url] + probe_args)
    finally:
        if gunicorn is not None:
            gunicorn.send_signal(signal.SIGTERM)
            try:
                gunicorn.wait(timeout=30)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
                gunicorn.wait()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
            if not args.keep:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not args.keep:
            shutil.rmtree(instance, ignore_errors=True)
        if redis_db is not None:
            _redis_for_limits()
        print(f"probe: server stopped, database {name} {'kept' if args.keep else 'dropped'}; "
              f"{time.perf_counter() - started:.0f} s in all", flush=True)


if __name__ == "__main__":
    sys.exit(main())
