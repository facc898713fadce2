"""The campaign deadline rush (issue 20 point 2): many members file a request with a ~1 MB evidence
photo into one campaign at once, while the committee reads the campaign's list and the accountant the
totals; afterwards every filed request is counted in the database and on disk.

    python -m bench.rush [--db postgresql|sqlite] [--members 200] [--duration 60] [--workers 4] [--reuse]

Side by side: 200 members filing, each a thread of its own with its own connection that files again as soon
as its answer comes, and wrk on 4 connections reading (the campaign's page and the payment inbox's totals).
The members are threads rather than wrk because at the end wrk drops the requests still in flight, which
the server may still commit: a member stops starting new requests when the time is up but waits for the
answer it is owed, so that every stored request has an answer to be counted against.
Then the check that nothing was lost or doubled: requests stored in the campaign = the answers that said
"filed" (303); evidence rows = requests (one photo each); files on disk = StoredFile rows (no orphan
left by a refused or interrupted upload).
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from .run import (OUT, ROOT, Session, bench_url, database_url, prepare, reuse, serve, server_cpu_seconds,
                  sign_in_all)

BOUNDARY = "congdoanbenchboundary7d1f"


def photo(size: int = 1_000_000) -> bytes:
    """A real JPEG of about `size` bytes (noise compresses badly, as a phone photo of paper does not,
    but it is what makes the byte count honest)."""
    from PIL import Image
    side = 600
    while True:
        rng = random.Random(side)
        image = Image.frombytes("RGB", (side, side), bytes(rng.getrandbits(8) for _ in range(side * side * 3)))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=85)
        if out.tell() >= size * 0.9:
            return out.getvalue()
        side += 100


def multipart(fields: dict[str, str], jpeg: bytes) -> bytes:
    parts = []
    for name, value in fields.items():
        parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="evidence"; filename="giay-khen.jpg"\r\n'
                 f'Content-Type: image/jpeg\r\n\r\n'.encode() + jpeg + b"\r\n")
    parts.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(parts)


def open_campaign(url: str) -> int:
    engine = sa.create_engine(url)
    today = dt.date.today()
    with engine.begin() as conn:
        campaign_id = conn.execute(sa.text(
            "INSERT INTO campaigns (kind, title, description, deadline, created_by_id, created_at, updated_at) "
            "VALUES ('child_award', :title, '', :deadline, 1, :now, :now) RETURNING id"),
            {"title": f"Khen thưởng con đoàn viên — đợt thử tải {today:%d/%m/%Y}",
             "deadline": today + dt.timedelta(days=30), "now": dt.datetime.utcnow()}).scalar_one()
    engine.dispose()
    return campaign_id


def counts(url: str, campaign_id: int) -> dict[str, int]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        one = lambda q: conn.execute(sa.text(q), {"c": campaign_id}).scalar_one()  # noqa: E731
        out = {"requests": one("SELECT count(*) FROM member_requests WHERE campaign_id = :c"),
               "request_files": one("SELECT count(*) FROM request_files rf JOIN member_requests r "
                                    "ON r.id = rf.request_id WHERE r.campaign_id = :c"),
               "stored_files": one("SELECT count(*) FROM stored_files")}
    engine.dispose()
    folder = OUT / "instance" / "files"
    out["files_on_disk"] = sum(1 for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0
    return out


def file_requests(base: str, path: str, members: list, body: bytes, duration: float) -> dict:
    """Each member files again and again until `duration` is over; returns the answers' counts and the
    latency percentiles in microseconds."""
    import http.client
    import statistics
    import threading
    import time
    import urllib.parse

    host, port = urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port
    latencies, filed, refused, errors = [], [0], [0], [0]
    lock = threading.Lock()
    start = time.perf_counter()
    deadline = start + duration

    def member(session) -> None:
        connection = http.client.HTTPConnection(host, port, timeout=60)
        headers = {"User-Agent": "congdoan-bench", "Cookie": session.cookie, "X-CSRFToken": session.csrf,
                   "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
        while time.perf_counter() < deadline:
            sent = time.perf_counter()
            try:
                connection.request("POST", path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except OSError:
                status = None
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=60)
            with lock:
                latencies.append(time.perf_counter() - sent)
                if status == 303:
                    filed[0] += 1
                elif status is None:
                    errors[0] += 1
                else:
                    refused[0] += 1
        connection.close()

    threads = [threading.Thread(target=member, args=(m,)) for m in members]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [latencies[0] if latencies else 0] * 99
    return {"requests": len(latencies), "duration_us": int(elapsed * 1e6), "p50": int(q[49] * 1e6),
            "p95": int(q[94] * 1e6), "p99": int(q[98] * 1e6), "filed": filed[0], "refused": refused[0],
            "errors": errors[0], "non2xx": refused[0]}


def run_wrk(url: str, *, duration: int, connections: int, script: Path, env: dict) -> subprocess.Popen:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "30s", "-s", str(script), url]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **env})


def parse(output: str) -> dict:
    line = next((l for l in output.splitlines() if l.startswith("BENCH ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed: {output}")
    return {k: int(v) for k, v in (part.split("=", 1) for part in line.split()[1:])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--reuse", action="store_true", help="keep the database the last run built")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    prepared = reuse(url := bench_url(args.db)) if args.reuse else prepare(url := database_url(args.db))
    campaign_id = open_campaign(url)
    body = multipart({"child_name": "Nguyễn Minh An", "school": "Trường Tiểu học Thành Tô", "class_name": "3A2",
                      "achievement": "Hoàn thành xuất sắc nhiệm vụ học tập và rèn luyện",
                      "school_year": "2025 - 2026", "campaign_id": str(campaign_id)}, photo())
    server, base = serve(url, args.workers)
    try:
        from . import data
        # Members after the committee and the group leaders' first ids: plain members.
        members = [Session(base, f"dv{i:05d}@bench.demo", data.PASSWORD) for i in range(1001, 1001 + args.members)]
        staff = sign_in_all(base, prepared["ids"])
        readers = OUT / "rush-readers.tsv"
        readers.write_text(
            f"1\tGET\t/dot-tiep-nhan/{campaign_id}\t{staff['chair'].cookie}\t{staff['chair'].csrf}\t\n"
            f"1\tGET\t/de-xuat/cho-chi\t{staff['accountant'].cookie}\t{staff['accountant'].csrf}\t\n",
            encoding="utf-8")
        before = counts(url, campaign_id)
        cpu = server_cpu_seconds(server.pid)
        reading = run_wrk(base + "/", duration=args.duration, connections=4, script=ROOT / "bench" / "mixed.lua",
                          env={"BENCH_MIX": str(readers), "BENCH_IDS": "1-2"})
        w = file_requests(base, f"/de-xuat/moi/khen-thuong-con?dot={campaign_id}", members, body, args.duration)
        r = parse(reading.communicate()[0])
        cpu = server_cpu_seconds(server.pid) - cpu
        after = counts(url, campaign_id)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    stored = after["requests"] - before["requests"]
    checks = {
        "requests stored = answers 'filed'": stored == w["filed"],
        "one evidence row per stored request": after["request_files"] - before["request_files"] == stored,
        "files on disk = StoredFile rows (no orphan)": after["files_on_disk"] - before["files_on_disk"]
        == after["stored_files"] - before["stored_files"] == stored,
    }
    seconds = w["duration_us"] / 1e6
    lines = [f"Rush ({args.db}, {args.workers} gunicorn workers, {args.members} members filing with a "
             f"{len(body) / 1e6:.2f} MB body, 4 readers, {args.duration} s)", "",
             "| who | requests | per second | p50 ms | p95 ms | p99 ms | refused | errors |", "|---|---:|---:|---:|---:|---:|---:|---:|",
             f"| members filing | {w['requests']} | {w['requests'] / seconds:.1f} | {w['p50'] / 1000:.0f} | "
             f"{w['p95'] / 1000:.0f} | {w['p99'] / 1000:.0f} | {w['refused']} | {w['errors']} |",
             f"| committee and accountant reading | {r['requests']} | {r['requests'] / (r['duration_us'] / 1e6):.1f} | "
             f"{r['p50'] / 1000:.0f} | {r['p95'] / 1000:.0f} | {r['p99'] / 1000:.0f} | {r['non2xx']} | {r['errors']} |",
             "", f"Server CPU per request: {cpu * 1000 / max(1, w['requests'] + r['requests']):.1f} ms. "
             f"Stored: {stored} requests, answers 'filed': {w['filed']}.", ""]
    lines += [f"- {'ok' if ok else 'FAILED'}: {name}" for name, ok in checks.items()]
    report = "\n".join(lines)
    print(report)
    (OUT / f"rush-{args.db}.md").write_text(report + "\n", encoding="utf-8")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
