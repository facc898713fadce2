"""Direct access to the served instance's PostgreSQL database: counts that prove "one record",
"one chair", "nothing changed", and the outage of point 6 (only on a database named congdoan_probe_*)."""
from __future__ import annotations

import urllib.parse

import psycopg

PROBE_PREFIX = "congdoan_probe_"


def plain_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1).replace("postgres://", "postgresql://", 1)


class Database:
    def __init__(self, url: str):
        self.url = plain_url(url)
        parts = urllib.parse.urlsplit(self.url)
        if parts.hostname not in (None, "", "localhost") and not parts.hostname.startswith("127."):
            raise ValueError("the probe only talks to 127.0.0.0/8")
        self.name = parts.path.lstrip("/")
        self.admin_url = parts._replace(path="/postgres").geturl()

    def rows(self, sql: str, params=()) -> list[tuple]:
        with psycopg.connect(self.url, autocommit=True) as conn:
            return conn.execute(sql, params).fetchall()

    def scalar(self, sql: str, params=()):
        rows = self.rows(sql, params)
        return rows[0][0] if rows else None

    def execute(self, sql: str, params=()) -> None:
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(sql, params)

    @property
    def breakable(self) -> bool:
        return self.name.startswith(PROBE_PREFIX)

    def cut_off(self) -> None:
        """No new connections, and every open one ended: the app's pool finds the database gone."""
        if not self.breakable:
            raise RuntimeError(f"refusing to cut off {self.name}: not a {PROBE_PREFIX}* database")
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS false')
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE datname = %s AND pid <> pg_backend_pid()", (self.name,))

    def restore(self) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS true')
