"""A file cache safe for counters shared by several processes of one machine.

On the embedded SQLite database, login throttling counts failures outside the database
(settings): in Django's file cache, whose `add` and `incr` read then write, so two wrong
passwords arriving at once in two gunicorn workers could count once. Here both hold an
exclusive lock (`flock`) on a file of the cache's folder while they read and write."""

import fcntl
import os
from contextlib import contextmanager

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache

LOCK_NAME = "verrou"  # not a `.djcache` file: `clear()` and culling leave it alone


class LockedFileCache(FileBasedCache):
    @contextmanager
    def exclusive(self):
        os.makedirs(self._dir, exist_ok=True)
        with open(os.path.join(self._dir, LOCK_NAME), "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with self.exclusive():
            return super().add(key, value, timeout, version)

    def incr(self, key, delta=1, version=None):
        with self.exclusive():
            return super().incr(key, delta, version)
