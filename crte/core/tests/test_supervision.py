"""Production supervision: systemd units that restart a dead web process or worker (honcho
alone stops everything when one process dies), checked by systemd itself; two workers by
default so that one long job does not block everyone."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
UNITS = ROOT / "deploy" / "systemd"


def installed_units(target: Path) -> list[Path]:
    """The units as an operator installs them, pointing at this checkout."""
    paths = []
    for unit in sorted(UNITS.glob("*.service")):
        text = unit.read_text().replace("/srv/crte-pilote", str(ROOT))
        text = re.sub(r"^(User|Group)=crte$", r"\1=root", text, flags=re.M)
        text = text.replace("EnvironmentFile=/etc/", "EnvironmentFile=-/etc/")
        name = unit.name.replace("@.service", "@1.service")
        (target / name).write_text(text)
        paths.append(target / name)
    return paths


def test_systemd_accepts_the_units(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        if os.environ.get("CI"):
            pytest.fail("systemd-analyze manquant en CI (paquet Debian systemd)")
        pytest.skip("systemd-analyze absent")
    units = installed_units(tmp_path)
    command = [analyze, "verify", *map(str, units)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert {u.name for u in units} == {"crte-release.service", "crte-web.service", "crte-worker@1.service"}


@pytest.mark.parametrize("unit", ["crte-web.service", "crte-worker@.service"])
def test_web_and_workers_are_restarted_whenever_they_stop(unit):
    text = (UNITS / unit).read_text()
    assert "Restart=always" in text and "UMask=0077" in text


def test_the_workers_run_by_the_recipe_fail_what_a_dead_worker_left():
    assert "crte worker" in (UNITS / "crte-worker@.service").read_text()
    for procfile in ("Procfile", "Procfile.dev"):
        worker = re.search(r"^worker: (.*)$", (ROOT / procfile).read_text(), re.M)[1]
        assert "crte worker" in worker


def test_make_serve_runs_two_workers_and_says_it_does_not_restart():
    makefile = (ROOT / "Makefile").read_text()
    serve = makefile.split("\nserve:", 1)[1].split("\n\n", 1)[0]
    assert "worker=2" in serve or "worker=$(JOB_WORKERS)" in serve
    assert "systemd" in serve
