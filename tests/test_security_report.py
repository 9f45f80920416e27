"""docs/security.md is what the tests' security marks say today: regenerate it with make security-report."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_docs_security_md_is_written_from_the_tests_as_they_are(tmp_path):
    written = tmp_path / "security.md"
    environment = {**os.environ, "SECURITY_REPORT": str(written)}
    environment.pop("TEST_DATABASE_URL", None)  # the table comes from collection alone, on any database
    subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-m", "security", "-p", "no:cacheprovider"],
        cwd=ROOT,
        env=environment,
        check=True,
        capture_output=True,
    )
    assert written.read_text().count("\n| ") >= 20
    assert written.read_text() == (ROOT / "docs" / "security.md").read_text(), "run make security-report"
