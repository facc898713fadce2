"""A campaign's list exported to Excel at factory scale (issue 20 point 3): time and memory of the
accountant's export of a campaign of 2,000 and of 20,000 requests, in-process and over HTTP.

    python -m bench.campaign_export [--db sqlite|postgresql] [--rows 2000 20000] [--repeat 3] [--fresh]
                                    [--port 5107] [--no-http] [--list]

The data set is a factory union (50,000 members in 2,000 groups, from bench/data.py's builder with few
plans and tasks) with one campaign per size, each holding that many requests to export (every state but
withdrawn, the paid ones with their payment records, a few answers starting with "=") plus 5 % withdrawn
ones the list leaves out. It is built once, in bench-out/campaign-export.sqlite or the PostgreSQL
database congdoan_bench_export (BENCH_EXPORT_DATABASE_URL overrides it), and reused by later runs
(--fresh builds it again).

Each list is exported --repeat times (3) and the median time shown, with the largest memory growth;
each measure runs in a process of its own, after one export of an empty campaign (imports, the first
connection), so that its peak is the export's:

- in-process: the real route through Flask's test client, signed in as the accountant, the body read
  chunk by chunk. Time to the first byte of the body, total time, CPU time of the process (SQLite runs in
  it; a PostgreSQL server's is not counted), the file's size, tracemalloc's peak (Python's allocations,
  in a second export of the same list, since tracing slows the code down) and the growth of the
  process's resident memory (the peak RSS, VmHWM, reset before the export, minus the RSS before it).
- over HTTP: gunicorn with one sync worker on --port, the accountant signed in with the sign-in form;
  time to the first byte of the body and total time seen by the client, the worker's CPU time (a
  PostgreSQL server's not counted) and its RSS growth measured the same way. The file is then opened
  with openpyxl to check its rows and total.

The report is printed and written to bench-out/campaign-export-<db>.md; the figures are in docs/speed.md
("Campaign export at factory scale").

Target: 20,000 rows in under 10 s, and a peak that does not grow with the number of rows.
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import sqlalchemy as sa

from .run import OUT, ROOT, USER_AGENT, Session, settle

TITLE = "Khen thưởng con đoàn viên — thử xuất {n} đề xuất"
EMPTY_TITLE = "Khen thưởng con đoàn viên — đợt trống (khởi động)"
ACCOUNTANT = "dv00003@bench.demo"          # bench/data.py: person 3 is the accountant
WITHDRAWN_SHARE = 0.05
STATES = ["submitted", "returned", "confirmed", "queried", "approved", "done", "done", "refused"]


# --- the data set -----------------------------------------------------------------------------------

def database_url(kind: str) -> str:
    if kind == "postgresql":
        return os.environ.get("BENCH_EXPORT_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/congdoan_bench_export")
    return f"sqlite:///{OUT / 'campaign-export.sqlite'}"


def _empty(url: str) -> None:
    if url.startswith("postgresql"):
        import psycopg
        parts = urllib.parse.urlsplit(url)
        with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
            name = parts.path.lstrip("/")
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        return
    for suffix in ("", "-wal", "-shm"):
        Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)


def existing(url: str) -> dict[int, int]:
    """{rows: campaign id} of the campaigns an earlier run built (none when there is no database)."""
    if url.startswith("sqlite") and not Path(url.removeprefix("sqlite:///")).exists():
        return {}
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT id, title FROM campaigns WHERE title LIKE :t"),
                                {"t": "Khen thưởng con đoàn viên — %"}).all()
    except Exception:
        return {}
    finally:
        engine.dispose()
    out = {}
    for campaign_id, title in rows:
        match = re.search(r"thử xuất (\d+) đề xuất", title)
        out[int(match.group(1)) if match else 0] = campaign_id
    return out


def build(url: str, sizes: list[int]) -> dict[int, int]:
    """A fresh database: the factory union, then one campaign per size. Returns {rows: campaign id}."""
    _empty(url)
    os.environ["DATABASE_URL"] = url
    from flask_migrate import upgrade
    from werkzeug.security import generate_password_hash

    from congdoan import create_app
    from congdoan.extensions import db

    from . import data

    app = create_app(instance_path=str(OUT / "instance"))
    started = time.perf_counter()
    with app.app_context():
        upgrade()
        # 50,000 members in 2,000 groups (scale 10); plans, tasks and other requests only a few.
        data.build({"plans": 20, "tasks": 200, "requests": 700},
                   password_hash=generate_password_hash(data.PASSWORD, "pbkdf2:sha256:1000"), scale=10)
        _advance_sequences()
        people = db.session.execute(sa.text("SELECT count(*) FROM users")).scalar_one()
        groups = db.session.execute(sa.text("SELECT count(*) FROM groups")).scalar_one()
        rng = random.Random(20261207)
        ids = {0: _campaign(EMPTY_TITLE)}
        voucher = [0]
        for n in sizes:
            ids[n] = _campaign(TITLE.format(n=n))
            _requests(rng, ids[n], n, people, groups, voucher)
        db.session.commit()
        settle(db.engine)
        db.engine.dispose()
    print(f"Built in {time.perf_counter() - started:.0f} s: {people} members, {groups} groups, campaigns "
          + ", ".join(f"{n} rows (id {i})" for n, i in ids.items() if n), flush=True)
    return ids


def _advance_sequences() -> None:
    """PostgreSQL: the builder inserts its ids itself, which leaves each table's sequence at 1; move them
    past the rows so that the campaigns added here (and anything the app adds later) get free ids."""
    from congdoan.extensions import db
    if db.engine.dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        if "id" in table.c:
            db.session.execute(sa.text(
                f"SELECT setval(seq, (SELECT coalesce(max(id), 0) + 1 FROM {table.name}), false) "
                f"FROM pg_get_serial_sequence(:t, 'id') AS seq WHERE seq IS NOT NULL"), {"t": table.name})


def _campaign(title: str) -> int:
    from congdoan.extensions import db
    now = dt.datetime(2026, 11, 1, 8, 0)
    return db.session.execute(sa.text(
        "INSERT INTO campaigns (kind, title, description, deadline, created_by_id, created_at, updated_at) "
        "VALUES ('child_award', :title, '', :deadline, 1, :now, :now) RETURNING id"),
        {"title": title, "deadline": dt.date(2026, 12, 31), "now": now}).scalar_one()


def _requests(rng: random.Random, campaign_id: int, n: int, people: int, groups: int, voucher: list) -> None:
    from congdoan.extensions import db
    from congdoan.text import fold

    from .data import FAMILY, GIVEN, MIDDLE
    table, payments = db.metadata.tables["member_requests"], db.metadata.tables["request_payments"]
    start = db.session.execute(sa.text("SELECT coalesce(max(id), 0) FROM member_requests")).scalar_one() + 1
    now = dt.datetime(2026, 11, 1, 8, 0)
    withdrawn = int(n * WITHDRAWN_SHARE)
    rows, paid = [], []
    achievements = ["Hoàn thành xuất sắc nhiệm vụ học tập và rèn luyện", "Học sinh giỏi cấp thành phố",
                    "Giải Nhì học sinh giỏi cấp quận môn Toán", "Hoàn thành tốt nhiệm vụ học tập",
                    "Giấy khen Cháu ngoan Bác Hồ"]
    listed, k = 0, -1
    while listed < n or withdrawn:
        k += 1
        request_id = start + k
        requester = rng.randint(16, people)
        group = requester - 15 if requester < 16 + groups else (requester - 1) % groups + 1
        status = "withdrawn" if withdrawn and (k % 21 == 20 or listed == n) else rng.choice(STATES)
        if status == "withdrawn":
            withdrawn -= 1
        else:
            listed += 1
        child = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        achievement = "=1+1 Giải Nhất hội khỏe Phù Đổng" if k % 997 == 5 else rng.choice(achievements)
        details = {"child_name": child, "school": f"Trường Tiểu học số {rng.randint(1, 40)}",
                   "class_name": f"{rng.randint(1, 5)}A{rng.randint(1, 6)}", "achievement": achievement,
                   "school_year": "2025 - 2026"}
        amount = rng.choice([200_000, 300_000, 500_000]) if status in ("approved", "done") else None
        submitted = now - dt.timedelta(minutes=3 * k)
        decided = status in ("approved", "done", "refused")
        rows.append({
            "id": request_id, "kind": "child_award", "status": status, "version": 3, "requester_id": requester,
            "group_id": group, "campaign_id": campaign_id, "details": details,
            "summary": f"{child}, lớp {details['class_name']}, {achievement}"[:300], "summary_key": fold(child),
            "amount_approved": amount, "decision_note": "Chưa đủ điều kiện" if status == "refused" else "",
            "submitted_at": submitted, "updated_at": submitted,
            "confirmed_at": submitted if status not in ("submitted", "returned") else None,
            "decided_at": submitted + dt.timedelta(days=2) if decided else None,
            "decided_by_id": 1 if decided else None,
            "paid_at": submitted + dt.timedelta(days=5) if status == "done" else None,
            "paid_by_id": 3 if status == "done" else None})
        if status == "done":
            voucher[0] += 1
            paid.append({"request_id": request_id, "paid_on": (submitted + dt.timedelta(days=5)).date(),
                         "voucher_year": 2026, "voucher_seq": voucher[0], "receiver": child, "note": "",
                         "recorded_by_id": 3, "recorded_at": submitted + dt.timedelta(days=5), "version": 1})
    for i in range(0, len(rows), 2000):
        db.session.execute(table.insert(), rows[i:i + 2000])
    for i in range(0, len(paid), 2000):
        db.session.execute(payments.insert(), paid[i:i + 2000])


# --- measures -----------------------------------------------------------------------------------------

def _rss_kb(pid: int | str = "self") -> tuple[int, int]:
    """(current RSS, peak RSS since the last reset) in kB, from /proc/<pid>/status."""
    values = {}
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith(("VmRSS:", "VmHWM:")):
                values[line.split(":")[0]] = int(line.split()[1])
    return values["VmRSS"], values["VmHWM"]


def _reset_peak(pid: int | str = "self") -> None:
    """Linux: writing 5 to clear_refs resets the peak RSS (VmHWM) to the current RSS."""
    with open(f"/proc/{pid}/clear_refs", "w") as handle:
        handle.write("5")


def _median(runs: list[dict]) -> dict:
    """The median of each time over the runs, the largest memory growth."""
    import statistics
    out = {k: statistics.median(r[k] for r in runs) for k in ("ttfb", "total", "cpu", "bytes")}
    out["rss_growth_mb"] = max(r["rss_growth_mb"] for r in runs)
    out["runs"] = len(runs)
    return out


CAMPAIGN_PATH = "/dot-tiep-nhan/{id}/danh-sach.xlsx"
LIST_PATH = "/de-xuat/tat-ca.xlsx?dot={id}"      # the accountant's filtered list: the same rows, another route


def child(url: str, campaign_id: int, empty_id: int, repeat: int, path: str = CAMPAIGN_PATH) -> None:
    """In-process measure, in its own process: prints one JSON line."""
    os.environ["DATABASE_URL"] = url
    import gc
    import tracemalloc

    from congdoan import create_app

    from . import data
    app = create_app(instance_path=str(OUT / "instance"), SECRET_KEY="bench-secret", RATELIMIT_ENABLED=False)
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
    page = client.get("/dang-nhap").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/dang-nhap", data={"csrf_token": token, "email": ACCOUNTANT, "password": data.PASSWORD})

    def export(campaign: int) -> dict:
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get(path.format(id=campaign), buffered=False)
        assert response.status_code == 200, response.status_code
        first, size = None, 0
        for chunk in response.response:
            if first is None and chunk:
                first = time.perf_counter() - started
            size += len(chunk)
        response.close()
        return {"ttfb": first, "total": time.perf_counter() - started, "cpu": time.process_time() - cpu,
                "bytes": size}

    export(empty_id)                       # imports, the first connection, the sign-in's leftovers
    runs = []
    for _ in range(repeat):
        gc.collect()
        rss_before, _ = _rss_kb()
        _reset_peak()
        runs.append(export(campaign_id))
        _, peak = _rss_kb()
        runs[-1]["rss_growth_mb"] = (peak - rss_before) / 1024
    result = _median(runs)
    gc.collect()
    tracemalloc.start()
    export(campaign_id)
    result["traced_peak_mb"] = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    print(json.dumps(result))


def in_process(url: str, campaign_id: int, empty_id: int, repeat: int, path: str = CAMPAIGN_PATH) -> dict:
    result = subprocess.run([sys.executable, "-m", "bench.campaign_export", "--child", url, str(campaign_id),
                             str(empty_id), str(repeat), path], capture_output=True, text=True, cwd=ROOT,
                            env={**os.environ, "RATELIMIT_ENABLED": "0"})
    line = next((l for l in result.stdout.splitlines() if l.startswith("{")), None)
    if line is None:
        raise RuntimeError(result.stdout[-2000:] + result.stderr[-4000:])
    return json.loads(line)


def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _worker_pid(master: int) -> int:
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = open(f"/proc/{entry}/stat").read()
            except OSError:
                continue
            if int(stat[stat.rindex(")") + 2:].split()[1]) == master:
                return int(entry)
    raise RuntimeError("no gunicorn worker")


def serve(url: str, port: int) -> subprocess.Popen:
    """gunicorn, one sync worker (its memory is the export's), on `port`, answering."""
    import urllib.request
    env = {**os.environ, "DATABASE_URL": url, "INSTANCE_PATH": str(OUT / "instance"), "SECRET_KEY": "bench-secret",
           "RATELIMIT_ENABLED": "0"}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}", "--timeout",
                               "300", "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=env, start_new_session=True)
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
            return server
        except OSError:
            time.sleep(0.2)
    os.killpg(server.pid, signal.SIGTERM)
    raise RuntimeError(f"gunicorn did not answer on port {port}")


def over_http(port: int, session: Session, campaign_id: int, worker: int) -> tuple[dict, bytes]:
    import http.client
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    rss_before, _ = _rss_kb(worker)
    _reset_peak(worker)
    cpu = _cpu_seconds(worker)
    started = time.perf_counter()
    connection.request("GET", f"/dot-tiep-nhan/{campaign_id}/danh-sach.xlsx",
                       headers={"Cookie": session.cookie, "User-Agent": USER_AGENT})
    response = connection.getresponse()
    assert response.status == 200, response.status
    body = io.BytesIO()
    first = None
    while chunk := response.read1(65536):
        if first is None:
            first = time.perf_counter() - started
        body.write(chunk)
    total = time.perf_counter() - started
    connection.close()
    _, peak = _rss_kb(worker)
    return ({"ttfb": first, "total": total, "cpu": _cpu_seconds(worker) - cpu, "bytes": body.tell(),
             "rss_growth_mb": (peak - rss_before) / 1024,
             "length_header": response.getheader("Content-Length")}, body.getvalue())


def check_file(data: bytes, rows: int) -> str:
    """The file opens, has `rows` rows between its header and its total line, and the total is a number."""
    from openpyxl import load_workbook
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    values = [row for row in sheet.iter_rows(values_only=True)]
    header = next(i for i, row in enumerate(values) if row and row[0] == "STT")
    body, total = values[header + 1:-1], values[-1]
    ok = len(body) == rows and total[0] == "Tổng cộng" and [r[0] for r in body[:3]] == [1, 2, 3]
    return "ok" if ok else f"FAILED: {len(body)} rows, last line {total[:3]}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--rows", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--fresh", action="store_true", help="build the data set again")
    parser.add_argument("--port", type=int, default=5107)
    parser.add_argument("--no-http", action="store_true", help="only the in-process measure")
    parser.add_argument("--repeat", type=int, default=3, help="exports of each list (the median is shown)")
    parser.add_argument("--list", action="store_true",
                        help="also the accountant's filtered list of the same requests (/de-xuat/tat-ca.xlsx?dot=), in-process")
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), int(args.child[2]), int(args.child[3]), args.child[4])
        return 0
    OUT.mkdir(exist_ok=True)
    url = database_url(args.db)
    ids = {} if args.fresh else existing(url)
    if not all(n in ids for n in [0, *args.rows]):
        print(f"Building the data set in {args.db} ...", flush=True)
        ids = build(url, sorted(set(args.rows) | {n for n in ids if n}))
    lines = [f"Campaign export ({args.db}; {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC; median of {args.repeat} exports; "
             f"load average {os.getloadavg()[0]:.1f} at the start)", "",
             "| rows | where | first byte s | total s | CPU s | file MB | tracemalloc peak MB | RSS growth MB | file |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---|"]
    for n in args.rows:
        r = in_process(url, ids[n], ids[0], args.repeat)
        lines.append(f"| {n:,} | in-process | {r['ttfb']:.2f} | {r['total']:.2f} | {r['cpu']:.2f} | "
                     f"{r['bytes'] / 1e6:.2f} | {r['traced_peak_mb']:.1f} | {r['rss_growth_mb']:.1f} | |")
        print(lines[-1], flush=True)
        if args.list:
            r = in_process(url, ids[n], ids[0], args.repeat, LIST_PATH)
            lines.append(f"| {n:,} | in-process, filtered list | {r['ttfb']:.2f} | {r['total']:.2f} | {r['cpu']:.2f} | "
                         f"{r['bytes'] / 1e6:.2f} | {r['traced_peak_mb']:.1f} | {r['rss_growth_mb']:.1f} | |")
            print(lines[-1], flush=True)
    if not args.no_http:
        server = serve(url, args.port)
        try:
            from . import data
            session = Session(f"http://127.0.0.1:{args.port}", ACCOUNTANT, data.PASSWORD)
            worker = _worker_pid(server.pid)
            over_http(args.port, session, ids[0], worker)              # warm the worker
            for n in args.rows:
                runs = [over_http(args.port, session, ids[n], worker) for _ in range(args.repeat)]
                r, body = _median([run for run, _ in runs]), runs[-1][1]
                lines.append(f"| {n:,} | HTTP (gunicorn, 1 worker) | {r['ttfb']:.2f} | {r['total']:.2f} | {r['cpu']:.2f} | "
                             f"{r['bytes'] / 1e6:.2f} | | {r['rss_growth_mb']:.1f} | {check_file(body, n)} |")
                print(lines[-1], flush=True)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    lines.append(f"\nLoad average at the end: {os.getloadavg()[0]:.1f} (2 cores).")
    report = "\n".join(lines)
    print(report)
    (OUT / f"campaign-export-{args.db}.md").write_text(report + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
