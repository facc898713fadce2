"""Word to PDF with LibreOffice (soffice --headless), one conversion at a time per profile.

LibreOffice keeps its settings in a user profile directory; two conversions sharing one profile fail
at random (exit 1, no PDF). Every conversion here takes an exclusive fcntl lock on a lock file keyed by
the profile directory, so conversions never overlap on one profile, whether they come from threads of
one process or from several worker processes. The profile itself is kept between conversions (a
fresh profile costs a second or more on each run).
"""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no fcntl; fall back to an in-process lock
    fcntl = None

_CANDIDATES = (
    "soffice",
    "libreoffice",
    "/usr/bin/soffice",
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
)

_thread_lock = threading.Lock()  # used only where fcntl is missing


class PdfError(Exception):
    """The PDF could not be made; the message is Vietnamese and may carry LibreOffice's own output:
    it is for the administrator (the job's last error), not for members."""


class ConversionBusy(PdfError):
    """Another conversion held the profile until the deadline."""


class ConversionTimeout(PdfError):
    """LibreOffice did not finish in time; its process group was ended."""


class ConversionTooLarge(PdfError):
    """The converted file is larger than the caller allows."""


def soffice_path() -> str | None:
    """Where LibreOffice's soffice is: $CONGDOAN_SOFFICE, the PATH, or the usual install places."""
    configured = os.environ.get("CONGDOAN_SOFFICE")
    if configured:
        return configured if os.path.isfile(configured) and os.access(configured, os.X_OK) else None
    for candidate in _CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
        if os.path.isabs(candidate) and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


MISSING_REASON = ("Máy chủ chưa cài LibreOffice (soffice) nên chưa xuất được PDF; "
                  "vẫn tải được bản Word (.docx).")


def pdf_available() -> tuple[bool, str]:
    """(True, "") when PDF conversion can run here, else (False, a Vietnamese reason fit for any
    member: no paths, no environment variable names; missing_detail() has those)."""
    if soffice_path() is None:
        return False, MISSING_REASON
    return True, ""


def missing_detail() -> str:
    """Why soffice was not found, for the administrator (the job's error, the log)."""
    if os.environ.get("CONGDOAN_SOFFICE"):
        return ("Không tìm thấy LibreOffice tại đường dẫn CONGDOAN_SOFFICE="
                f"{os.environ['CONGDOAN_SOFFICE']}; chưa xuất được PDF.")
    return MISSING_REASON + " (Không thấy soffice trong PATH hay ở các nơi cài đặt thường gặp.)"


def default_profile_dir() -> Path:
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return Path(tempfile.gettempdir()) / f"congdoan-lo-profile-{uid}"


def _lock_path(profile: Path) -> Path:
    key = hashlib.sha1(str(profile.resolve()).encode("utf-8")).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"congdoan-soffice-{key}.lock"


@contextmanager
def _exclusive(profile: Path, deadline: float):
    """Hold the profile's lock; give up (PdfError) at the deadline."""
    if fcntl is None:
        if not _thread_lock.acquire(timeout=max(deadline - time.monotonic(), 0)):
            raise ConversionBusy("Máy chủ đang bận tạo PDF khác, vui lòng thử lại sau ít phút.")
        try:
            yield
        finally:
            _thread_lock.release()
        return
    # One open file description per call: flock then excludes other threads of this process too.
    fd = os.open(_lock_path(profile), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise ConversionBusy("Máy chủ đang bận tạo PDF khác, vui lòng thử lại sau ít phút.")
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _kill(proc: subprocess.Popen) -> None:
    try:
        if hasattr(os, "killpg"):
            os.killpg(proc.pid, signal.SIGKILL)  # soffice starts soffice.bin: end the whole group
        else:
            proc.kill()
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass
    for pipe in (proc.stdout, proc.stderr):   # communicate() was interrupted: close what it left open
        if pipe is not None:
            pipe.close()


def convert_to_pdf(docx_bytes: bytes, *, timeout: float = 120,
                   profile_dir: str | Path | None = None) -> bytes:
    """The PDF of a .docx, made by LibreOffice. Raises PdfError with a Vietnamese message."""
    if not docx_bytes:
        raise PdfError("Không có nội dung văn bản để chuyển sang PDF.")
    data = convert(docx_bytes, source_name="van-ban.docx", target="pdf:writer_pdf_Export",
                   result_name="van-ban.pdf", what="PDF", timeout=timeout, profile_dir=profile_dir)
    if not data.startswith(b"%PDF"):
        raise PdfError("LibreOffice trả về một tệp không phải PDF.")
    return data


def convert(data: bytes, *, source_name: str, target: str, result_name: str, what: str,
            timeout: float, profile_dir: str | Path | None = None, max_result: int | None = None) -> bytes:
    """Convert one file with LibreOffice (`soffice --convert-to target`) in a temporary folder,
    under the profile's lock, ending the whole process group at `timeout` seconds. `what` names the
    result in the messages ("PDF", "tệp .docx"). Raises PdfError (Vietnamese); a result larger
    than `max_result` bytes is refused before it is read."""
    soffice = soffice_path()
    if soffice is None:
        raise PdfError(missing_detail())
    profile = Path(profile_dir) if profile_dir else default_profile_dir()
    profile.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + timeout

    with _exclusive(profile, deadline), tempfile.TemporaryDirectory(prefix="congdoan-lo-") as work:
        source = Path(work) / source_name
        source.write_bytes(data)
        outdir = Path(work) / "out"
        outdir.mkdir()
        command = [
            soffice,
            "--headless", "--norestore", "--nolockcheck",
            f"-env:UserInstallation={profile.resolve().as_uri()}",
            "--convert-to", target,
            "--outdir", str(outdir),
            str(source),
        ]
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise ConversionBusy(f"Quá thời gian chờ tạo {what}, vui lòng thử lại.")
        env = dict(os.environ, HOME=os.environ.get("HOME") or work)
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, cwd=work, env=env,
                                start_new_session=hasattr(os, "setsid"))
        try:
            _, stderr = proc.communicate(timeout=remaining)
        except subprocess.TimeoutExpired:
            _kill(proc)
            raise ConversionTimeout(f"LibreOffice không tạo xong {what} sau {int(timeout)} giây.") from None
        except BaseException:
            _kill(proc)
            raise
        result = outdir / result_name
        if proc.returncode != 0 or not result.is_file() or result.stat().st_size == 0:
            detail = stderr.decode("utf-8", "replace").strip()[-300:]
            raise PdfError(f"LibreOffice không tạo được {what}"
                           + (f" (mã lỗi {proc.returncode})" if proc.returncode else "")
                           + (f": {detail}" if detail else "."))
        if max_result is not None and result.stat().st_size > max_result:
            raise ConversionTooLarge(f"LibreOffice tạo ra {what} quá lớn.")
        return result.read_bytes()
