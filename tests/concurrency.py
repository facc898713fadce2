"""Writers at once, each in its own thread, app context and session, as separate requests of a real
server are: the harness of the tests that count on the database to queue concurrent writers."""
from __future__ import annotations

import threading
from collections.abc import Callable

from congdoan.extensions import db


def run_together(app, parts: list, body: Callable) -> list[str]:
    """body(part) for each part in its own thread, all released at once by a barrier; returns the
    errors they raised (repr), empty when every writer got through."""
    errors: list[str] = []
    barrier = threading.Barrier(len(parts))

    def worker(part) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                body(part)
            except Exception as exc:            # pragma: no cover - reported by the caller's assert
                errors.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(part,)) for part in parts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return errors
