"""Create the PostgreSQL database named in a URL when it does not exist yet (used by make test-pg)."""
import sys
from urllib.parse import urlsplit

import psycopg


def main(url: str) -> None:
    parts = urlsplit(url.replace("postgresql+psycopg://", "postgresql://"))
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


if __name__ == "__main__":
    main(sys.argv[1])
