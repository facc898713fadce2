"""The backup archive: one gzip-compressed tar file.

    manifest.json                   format, version, created_at, database kind, schema revision,
                                    rows per table, and the SHA-256 and size of every other member
    database.sqlite | database.pgdump
    files/<ab>/<ab...>.<ext>        each stored file, at the path it has under UPLOAD_FOLDER

The manifest comes first, so `tar -xzOf ARCHIVE manifest.json` shows what a backup holds. Reading
checks gzip's CRC, the tar structure, that the members are exactly those the manifest lists, and
each member's size and SHA-256, all before the caller writes anything to the instance.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import tarfile
import time
import zlib

FORMAT = "congdoan-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}
_FILE_MEMBER = re.compile(r"files/([0-9A-Za-z]{2})/\1[0-9A-Za-z_-]*(\.[0-9A-Za-z]{1,8})?")
# Magic, deflate, no flags, mtime 0, no extra flags (level 6), OS "unknown": what Writer writes.
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
_CHUNK = 1024 * 1024
_MANIFEST_MAX = 64 * 1024 * 1024


class ArchiveError(Exception):
    """The archive cannot be written or is not a sound backup; the message is for the operator."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def file_member(storage_key: str) -> str:
    return f"files/{storage_key[:2]}/{storage_key}"


def file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


class _HashingReader:
    """Reads a file for tarfile while hashing what was read."""

    def __init__(self, handle) -> None:
        self.handle, self.digest, self.size = handle, hashlib.sha256(), 0

    def read(self, n: int = -1) -> bytes:
        data = self.handle.read(n)
        self.digest.update(data)
        self.size += len(data)
        return data


class Writer:
    """Writes OUT.partial-… beside OUT and renames it to OUT only when complete and flushed to disk:
    a backup that fails half-way never leaves a file that looks like a good backup."""

    def __init__(self, out: str, manifest: dict) -> None:
        self.out = out
        self.tmp = os.path.join(os.path.dirname(out) or ".",
                                f".{os.path.basename(out)}.partial-{os.getpid()}")
        # Readable by the owner only: it holds password hashes and members' private requests.
        self._raw = os.fdopen(os.open(self.tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")
        # Level 6: stored files (JPEG, PDF, .docx) hardly compress; the database does at any level.
        # No name and no time in the gzip header: it is always GZIP_HEADER, so that reading can
        # check those bytes too (gzip's CRC covers only the content).
        self._gzip = gzip.GzipFile(filename="", mode="wb", compresslevel=6, fileobj=self._raw, mtime=0)
        self._tar = tarfile.open(fileobj=self._gzip, mode="w:", format=tarfile.PAX_FORMAT)
        data = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")
        self._add(MANIFEST, io.BytesIO(data), len(data))

    def _add(self, name: str, handle, size: int) -> None:
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = size, int(time.time()), 0o600
        self._tar.addfile(info, handle)

    def add_file(self, name: str, path: str, sha256: str, size: int) -> None:
        """Add a file whose content must have this SHA-256 and size (checked while it is read)."""
        with open(path, "rb") as handle:
            reader = _HashingReader(handle)
            self._add(name, reader, size)
        if reader.size != size or reader.digest.hexdigest() != sha256:
            raise ArchiveError(f"Tệp {path} đã thay đổi hoặc hỏng: nội dung không khớp SHA-256 đã lưu "
                               f"({sha256[:12]}…).")

    def commit(self) -> None:
        self._tar.close()
        self._gzip.close()
        self._raw.flush()
        os.fsync(self._raw.fileno())
        self._raw.close()
        os.replace(self.tmp, self.out)

    def abort(self) -> None:
        try:
            self._tar.close()
            self._gzip.close()
        except Exception:   # already failing: the partial file is removed below whatever happens
            pass
        self._raw.close()
        if os.path.exists(self.tmp):
            os.unlink(self.tmp)


def _member_path(name: str) -> str | None:
    """Where a member may be unpacked (relative), or None when its name is not one we write."""
    if name in DATABASE_MEMBERS.values() or _FILE_MEMBER.fullmatch(name):
        return name
    return None


_BROKEN = "Tệp sao lưu bị hỏng hoặc không phải bản sao lưu của congdoan"


def unpack(archive: str, staging: str) -> dict:
    """Unpack `archive` into `staging` (a fresh, empty folder) and return its manifest, or raise
    ArchiveError naming what is wrong. Every member is checked against the manifest."""
    manifest = None
    seen: dict[str, tuple[str, int]] = {}
    try:
        with open(archive, "rb") as handle:
            if handle.read(len(GZIP_HEADER)) != GZIP_HEADER:
                raise ArchiveError(f"{_BROKEN}: phần đầu tệp không đúng.")
        with gzip.open(archive, "rb") as compressed, tarfile.open(fileobj=compressed, mode="r:") as tar:
            for member in tar:
                name = member.name
                if name == MANIFEST and member.isfile() and member.size <= _MANIFEST_MAX:
                    manifest = json.loads(tar.extractfile(member).read().decode("utf-8"))
                    continue
                relative = _member_path(name)
                if relative is None or not member.isfile() or name in seen:
                    raise ArchiveError(f"{_BROKEN}: có thành phần lạ “{name}”.")
                target = os.path.join(staging, relative)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                source = tar.extractfile(member)
                digest, size = hashlib.sha256(), 0
                # Owner only, as congdoan/uploads stores them (and the database file likewise).
                with os.fdopen(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
                    for chunk in iter(lambda: source.read(_CHUNK), b""):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                seen[name] = (digest.hexdigest(), size)
            # tarfile stops at the end-of-archive blocks; gzip checks its CRC only at the end of the
            # stream: read to the end so that a changed byte anywhere in the file is noticed.
            while compressed.read(_CHUNK):
                pass
    except ArchiveError:
        raise
    except FileNotFoundError:
        raise ArchiveError(f"Không tìm thấy tệp sao lưu {archive}.") from None
    except OSError as exc:
        if exc.errno is not None:   # the system's (disk full, no permission), not the archive's content
            raise ArchiveError(f"Không đọc hoặc giải nén được bản sao lưu vào {staging}: {exc}.") from None
        raise ArchiveError(f"{_BROKEN} ({type(exc).__name__}: {exc}). Hãy dùng một bản sao lưu khác.") from None
    except (tarfile.TarError, EOFError, zlib.error, ValueError, UnicodeDecodeError) as exc:
        raise ArchiveError(f"{_BROKEN} ({type(exc).__name__}: {exc}). "
                           f"Hãy dùng một bản sao lưu khác.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError(f"{_BROKEN}: thiếu bản kê (manifest.json).")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ArchiveError(f"Bản sao lưu dùng định dạng phiên bản {manifest.get('format_version')}, "
                           f"phiên bản này của ứng dụng chỉ đọc được định dạng {FORMAT_VERSION}.")
    if not (isinstance(manifest.get("counts"), dict) and isinstance(manifest.get("members"), dict)
            and manifest.get("database") in DATABASE_MEMBERS):
        raise ArchiveError(f"{_BROKEN}: bản kê (manifest.json) thiếu thông tin.")
    listed = manifest["members"]
    for name, expected in sorted(listed.items()):
        if not isinstance(expected, dict):
            raise ArchiveError(f"{_BROKEN}: bản kê (manifest.json) thiếu thông tin.")
        if name not in seen:
            raise ArchiveError(f"{_BROKEN}: thiếu thành phần “{name}” có trong bản kê.")
        sha256, size = seen[name]
        if sha256 != expected.get("sha256") or size != expected.get("size"):
            raise ArchiveError(f"{_BROKEN}: “{name}” không khớp SHA-256 trong bản kê "
                               f"(tệp đã bị sửa hoặc hỏng).")
    extra = sorted(set(seen) - set(listed))
    if extra:
        raise ArchiveError(f"{_BROKEN}: “{extra[0]}” không có trong bản kê.")
    return manifest
