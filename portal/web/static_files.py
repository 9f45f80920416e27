"""Static files are linked with a hash of their content (``?v=...``), so that after a deploy a browser
never runs its cached copy of old JavaScript or CSS against new markup."""

import hashlib
import os
from functools import lru_cache
from pathlib import Path

from flask import Flask


@lru_cache(maxsize=256)
def _content_hash(path: str, modified_ns: int, size: int) -> str:
    # Keyed on the file's modification time and size too, so a file changed in place is hashed again.
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def version_of(static_folder: str, filename: str) -> str | None:
    """A short hash of the file's content; None for a file that is not there (Flask answers 404 for it). (A page
    links half a dozen files: the path is joined as a string and a Path made only to hash a file not seen yet.)"""
    path = os.path.join(static_folder, filename)
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return _content_hash(path, stat.st_mtime_ns, stat.st_size)


def register(app: Flask) -> None:
    @app.url_defaults
    def versioned_static_url(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values and app.static_folder:
            version = version_of(app.static_folder, values["filename"])
            if version:
                values["v"] = version
