"""The frozen one-folder app (packaging/build-frozen) starts, opens a clinic and writes a report.

Building takes about half a minute on two cores; the build is shared by the tests of this
module, which carry the ``frozen`` marker so that ``pytest -m "not frozen"`` can leave them
out while working on something else. scripts/test runs them with the rest of the suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import acujournal
from tests.reports.course import pdf_text

pytestmark = [pytest.mark.slow, pytest.mark.frozen]

ROOT = Path(__file__).resolve().parents[2]
# Far above what the app needs; a bundle past this has picked up something it should not.
MAX_BUNDLE_MB = 400


@pytest.fixture(scope="module")
def app_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("frozen")
    build = ROOT / "packaging" / "build-frozen"
    result = subprocess.run(
        [build, "--python", sys.executable, "--dist", work / "dist", "--work", work / "build"],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return work / "dist" / "AcuJournal"


def _run_frozen(app_folder: Path, *args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the frozen executable from a folder of its own, with no Python settings around."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    return subprocess.run(
        [app_folder / "acujournal", *args],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=cwd,
        env=env,
        check=False,
    )


def test_bundle_holds_resources_and_migrations_and_no_unused_qt(app_folder: Path) -> None:
    internal = app_folder / "_internal"
    files = [path for path in app_folder.rglob("*") if path.is_file()]
    size_mb = sum(path.stat().st_size for path in files) / 1e6

    assert (internal / "acujournal" / "resources" / "points" / "classical.csv").is_file()
    assert (internal / "acujournal" / "resources" / "fonts" / "DejaVuSans.ttf").is_file()
    assert (internal / "acujournal" / "storage" / "migrations" / "env.py").is_file()
    assert list((internal / "acujournal" / "storage" / "migrations" / "versions").glob("0001_*.py"))
    assert [path.name for path in files if "WebEngine" in path.name or "Quick" in path.name] == []
    assert size_mb < MAX_BUNDLE_MB


def test_frozen_app_opens_a_demo_clinic_and_writes_a_clinic_report(
    app_folder: Path, tmp_path: Path
) -> None:
    data = Path(os.environ["ACUJOURNAL_DATA_DIR"])  # a temporary folder (tests/conftest.py)

    version = _run_frozen(app_folder, "--version", cwd=tmp_path)
    assert version.stdout.strip() == f"AcuJournal {acujournal.__version__}"

    # No journal yet: the first start generates the demo clinic and shows the patient list.
    started = _run_frozen(app_folder, "--quit-after-load", cwd=tmp_path)
    assert started.returncode == 0, started.stderr
    assert "Traceback" not in started.stderr
    assert "Cannot load library" not in started.stderr  # a Qt plugin missing from the bundle
    demo = data / "demo-clinic.sqlite3"
    assert demo.is_file()

    report = _run_frozen(
        app_folder, "report", "clinic", "--db", demo, "--out", "clinic.pdf", cwd=tmp_path
    )
    assert report.returncode == 0, report.stderr
    text = " ".join(pdf_text((tmp_path / "clinic.pdf").read_bytes()))
    assert "Clinic report" in text
    assert "Sessions" in text
