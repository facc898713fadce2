"""Every script of ours in static/ parses. A script that does not parse runs none of its handlers on any
page, and nothing on the page says so (a merge once spliced two versions of app.js together)."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[1] / "static"
OURS = sorted(p for p in STATIC.rglob("*.js") if not p.name.endswith(".min.js"))


def test_there_are_scripts_to_check():
    assert OURS, "static/ has no script of ours: the check below would check nothing"


@pytest.mark.parametrize("script", OURS, ids=lambda p: p.name)
def test_script_parses(script):
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        if os.environ.get("CI") == "true":
            pytest.fail("node is missing: CI must check that static scripts parse (.ci/run installs nodejs)")
        pytest.skip("node is not installed here (apt-get install nodejs)")
    result = subprocess.run([node, "--check", str(script)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr


def test_favicon_is_served(client):
    response = client.get("/favicon.ico")
    body = response.get_data()
    response.close()
    assert response.status_code == 200
    assert response.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    assert body.startswith(b"\x00\x00\x01\x00")   # an ICO file
