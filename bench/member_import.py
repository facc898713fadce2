"""A factory union's member list imported as the admin's upload is (issue 20 point 4): a .xlsx of N rows
(default 50,000, in 2,000 groups) read, checked and saved by the worker's job, in a fresh database.
Prints the time of each stage and the peak memory of the process that ran it.

    python -m bench.member_import [--db sqlite|postgresql] [--rows 50000]

Target: 50,000 rows in under 2 minutes, memory bounded (the file is at most 5 MB; the rows and the
report of 50,000 people are what the process holds).
"""
from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import time

from .run import OUT, bench_url


def build_file(rows: int) -> bytes:
    from openpyxl import Workbook
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["Họ và tên", "Email", "Điện thoại", "Tổ", "Vai trò"])
    groups = max(1, rows // 25)
    for i in range(rows):
        sheet.append([f"Nguyễn Văn Công Nhân {i}", f"cn{i:06d}@nhamay.vn", f"09{i:08d}", f"Tổ {i % groups + 1:04d}", ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def child(url: str, path: str) -> None:
    """Runs in its own process, so that its peak memory is the import's."""
    os.environ["DATABASE_URL"] = url
    from flask_migrate import upgrade

    from congdoan import create_app
    from congdoan.extensions import db
    from congdoan.jobs import worker
    from congdoan.people import import_jobs
    from congdoan.people.models import User
    from congdoan.people.services import create_group

    app = create_app(instance_path=str(OUT / "instance"), SECRET_KEY="bench", RATELIMIT_ENABLED=False)
    data = open(path, "rb").read()
    with app.app_context():
        upgrade()
        admin = User(email="admin@nhamay.vn", password_hash="-", must_change_password=False)
        admin.set_name("Quản Trị")
        db.session.add(admin)
        db.session.flush()
        rows = int(path.rsplit("-", 1)[1].split(".")[0])
        for g in range(max(1, rows // 25)):
            create_group(f"Tổ {g + 1:04d}", actor=admin)
        import_jobs.start(admin, "danh-sach.xlsx", data, create_groups=False)
        db.session.commit()
    stages: dict[str, float] = {}
    started = time.perf_counter()
    from congdoan.people import member_import
    real_read, real_check, real_create = member_import.read_rows, member_import._check, member_import._create

    def timed(name, fn):
        def run(*args, **kwargs):
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                stages[name] = time.perf_counter() - t
        return run
    member_import.read_rows = timed("read the file", real_read)
    member_import._check = timed("check the rows", real_check)
    member_import._create = timed("passwords and save", real_create)
    worker.run(app, once=True)
    total = time.perf_counter() - started
    with app.app_context():
        item = db.session.get(import_jobs.MemberImport, 1)
        created = len(item.report["created"]) if item.report else 0
        stage, error = item.stage, item.error
    print(json.dumps({"stages": stages, "total": total, "created": created, "stage": stage, "error": error,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0
    OUT.mkdir(exist_ok=True)
    path = OUT / f"members-{args.rows}.xlsx"
    if not path.exists():
        path.write_bytes(build_file(args.rows))
    if args.db == "postgresql":
        url = database_url_named(bench_url("postgresql") + "_import")
    else:
        url = f"sqlite:///{OUT / 'import.sqlite'}"
        for suffix in ("", "-wal", "-shm"):
            try:
                os.unlink(url.removeprefix("sqlite:///") + suffix)
            except FileNotFoundError:
                pass
    result = subprocess.run([sys.executable, "-m", "bench.member_import", "--child", url, str(path)],
                            capture_output=True, text=True, env={**os.environ, "RATELIMIT_ENABLED": "0"})
    line = next((l for l in result.stdout.splitlines() if l.startswith("{")), None)
    if line is None:
        print(result.stdout[-2000:], result.stderr[-4000:], file=sys.stderr)
        return 1
    r = json.loads(line)
    from congdoan.money import fmt_number
    print(f"Member import ({args.db}, {fmt_number(args.rows)} rows, {path.stat().st_size / 1e6:.1f} MB .xlsx): "
          f"{fmt_number(r['created'])} created, {r['total']:.1f} s in all, peak memory {r['peak_mb']:.0f} MB")
    for name, seconds in r["stages"].items():
        print(f"  {name}: {seconds:.1f} s")
    if r["stage"] != "done":
        print(f"  import ended {r['stage']}: {r['error']}")
        return 1
    return 0


def database_url_named(url: str) -> str:
    import urllib.parse

    import psycopg
    parts = urllib.parse.urlsplit(url)
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        name = parts.path.lstrip("/")
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url


if __name__ == "__main__":
    sys.exit(main())
