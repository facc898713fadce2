"""Kept results: the one mechanism by which a worker process keeps what it computed.

Every kept result lives in a `cachetools.LRUCache` made here by `lru(name, maxsize)`, guarded by its own
lock (threaded workers share it) and registered by name, so that `clear()` empties every one of them:
the tests between tests, and a restored backup, whose data no kept result describes.

Keep a result only where the bench shows it earns its keep: at least 0.2 ms of server CPU per request on a
page people use, or a real render (a Word file, an image). docs/caching.md lists every cache with what it
keeps, what its key names, and the figure that earns it. A result that depends on the database must say in
its key what it was computed from (a content hash, a change counter's value, a file's mtime): nothing here
expires by time, and nothing is shared between processes."""
from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import TypeVar

from cachetools import LRUCache, cached
from cachetools.keys import hashkey

T = TypeVar("T")

_caches: dict[str, tuple[LRUCache, threading.RLock]] = {}


class Kept:
    """A named LRU cache with its lock: `get_or_compute(key, compute)`."""

    def __init__(self, name: str, maxsize: int, getsizeof: Callable | None = None):
        if name in _caches:
            raise ValueError(f"cache {name!r} is made twice")
        self.name = name
        self.cache: LRUCache = LRUCache(maxsize, getsizeof=getsizeof)
        self.lock = threading.RLock()
        _caches[name] = (self.cache, self.lock)

    def get(self, key: Hashable, default=None):
        with self.lock:
            return self.cache.get(key, default)

    def put(self, key: Hashable, value) -> None:
        with self.lock:
            self.cache[key] = value

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value kept under `key`, else compute() (outside the lock: two threads may both compute
        a missing value; the second simply replaces the first, which is equal)."""
        missing = object()
        with self.lock:
            value = self.cache.get(key, missing)
        if value is missing:
            value = compute()
            with self.lock:
                self.cache[key] = value
        return value  # type: ignore[return-value]

    def clear(self) -> None:
        with self.lock:
            self.cache.clear()


def lru(name: str, maxsize: int, getsizeof: Callable | None = None) -> Kept:
    """A new named cache of at most `maxsize` entries (or of total `getsizeof` when given)."""
    return Kept(name, maxsize, getsizeof)


def memoize(name: str, maxsize: int, key: Callable = hashkey) -> Callable:
    """Decorator: keep a pure function's results by its arguments (cachetools.cached with a lock)."""
    kept = Kept(name, maxsize)
    return cached(kept.cache, key=key, lock=kept.lock)


def clear() -> None:
    """Empty every cache of this process."""
    for cache, lock in _caches.values():
        with lock:
            cache.clear()
