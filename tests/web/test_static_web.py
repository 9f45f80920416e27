"""Static files are linked by a hash of their content, so a deploy never serves old scripts to new pages."""

import hashlib
import re
from pathlib import Path


def test_every_static_link_carries_the_hash_of_the_files_content(client, app):
    page = client.get("/login").get_data(as_text=True)
    links = re.findall(r'(?:href|src)="/static/([^"?]+)\?v=([0-9a-f]{12})"', page)
    assert {name for name, _ in links} >= {"css/portal.css", "js/portal.js", "vendor/htmx.min.js", "favicon.svg"}
    for name, version in links:
        content = (Path(app.static_folder) / name).read_bytes()
        assert version == hashlib.sha256(content).hexdigest()[:12], name
        with client.get(f"/static/{name}?v={version}") as served:
            assert served.status_code == 200


def test_a_changed_file_gets_a_new_link(app, tmp_path):
    from portal.web.static_files import version_of

    script = tmp_path / "app.js"
    script.write_text("old();")
    before = version_of(str(tmp_path), "app.js")
    script.write_text("new(); // longer")
    assert version_of(str(tmp_path), "app.js") != before
    assert version_of(str(tmp_path), "missing.js") is None
