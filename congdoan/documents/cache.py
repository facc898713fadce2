"""Rendered Word files kept on disk, shared by every worker process, bounded in number and size.

What it earns: a draft is downloaded again and again while its content rarely changes; a hit reads
one file instead of a docxtpl render (about 12 ms for a typical plan, ~25 ms for a large one), and
every worker process shares it. The caller names each file by a SHA-256 key of everything the
output depends on (stored_files.plan_docx); the same key always means the same document, so entries
are never invalidated, only pruned: the least recently used go first once there are more than
`max_files` or they hold more than `max_bytes`.

Each file is written to a temporary name and moved into place (os.replace), so a reader sees a
whole file or none. Its first bytes are a marker and the SHA-256 of the rest: a truncated or
damaged file is treated as missing (and removed), never served. Every failure of the disk (full,
read-only, removed meanwhile) counts as a miss; the caller renders and the download still works.

Pure Python, no Flask: stored_files.py reads the directory and limits from the app config.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import time
from pathlib import Path

log = logging.getLogger(__name__)

MAGIC = b"congdoan-docx-cache/1\n"
_DIGEST = 32
_KEY = re.compile(r"^[0-9a-f]{64}$")
SUFFIX = ".docx"
TEMP_PREFIX = ".tmp-"
TOUCH_AFTER = 600          # seconds: refresh a hit's modification time at most this often (LRU)
STALE_TEMP_AFTER = 600     # seconds: a temporary file this old belongs to a writer that died


class DocxCache:
    def __init__(self, directory: str | os.PathLike, *, max_files: int = 256, max_bytes: int = 64 * 1024 * 1024):
        self.directory = Path(directory)
        self.max_files = max_files
        self.max_bytes = max_bytes

    @property
    def enabled(self) -> bool:
        return self.max_files > 0 and self.max_bytes > 0

    def path(self, key: str) -> Path:
        if not _KEY.match(key):
            raise ValueError("cache keys are SHA-256 hex digests")
        return self.directory / (key + SUFFIX)

    def get(self, key: str) -> bytes | None:
        """The stored bytes, or None when missing, unreadable or damaged (a damaged file is removed)."""
        if not self.enabled:
            return None
        path = self.path(key)
        try:
            with open(path, "rb") as handle:
                raw = handle.read()
                mtime = os.fstat(handle.fileno()).st_mtime
        except OSError:
            return None
        head = len(MAGIC) + _DIGEST
        data = raw[head:]
        if raw[:len(MAGIC)] != MAGIC or hashlib.sha256(data).digest() != raw[len(MAGIC):head]:
            log.warning("damaged cached Word file %s: removed, rendering again", path.name)
            self._remove(path)
            return None
        if time.time() - mtime > TOUCH_AFTER:
            try:
                os.utime(path)            # recently used: pruned last
            except OSError:
                pass
        return data

    def put(self, key: str, data: bytes) -> None:
        """Store the bytes under `key` (atomically), then prune to the limits. Never raises OSError."""
        if not self.enabled or len(data) > self.max_bytes:
            return
        path = self.path(key)
        temp = None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=SUFFIX, dir=self.directory)
            with os.fdopen(fd, "wb") as handle:
                handle.write(MAGIC + hashlib.sha256(data).digest() + data)
            os.replace(temp, path)
            temp = None
            self.prune()
        except OSError as exc:
            log.warning("could not keep a rendered Word file in %s: %s", self.directory, exc)
        finally:
            if temp is not None:
                self._remove(Path(temp))

    def prune(self) -> None:
        """Remove the least recently used files beyond max_files / max_bytes, and dead temporaries."""
        now = time.time()
        entries = []
        try:
            with os.scandir(self.directory) as listing:
                for entry in listing:
                    try:
                        stat = entry.stat()
                    except OSError:
                        continue
                    if entry.name.startswith(TEMP_PREFIX):
                        if now - stat.st_mtime > STALE_TEMP_AFTER:
                            self._remove(Path(entry.path))
                    elif entry.name.endswith(SUFFIX):
                        entries.append((stat.st_mtime, stat.st_size, entry.path))
        except OSError:
            return
        entries.sort(reverse=True)            # newest first
        count = size = 0
        for _, file_size, file_path in entries:
            count += 1
            size += file_size
            if count > self.max_files or size > self.max_bytes:
                self._remove(Path(file_path))

    def files(self) -> list[Path]:
        try:
            return sorted(p for p in self.directory.iterdir() if p.name.endswith(SUFFIX)
                          and not p.name.startswith(TEMP_PREFIX))
        except OSError:
            return []

    @staticmethod
    def _remove(path: Path) -> None:
        try:
            path.unlink()
        except OSError:
            pass
