"""The wheel carries everything the app needs and works installed, away from the source tree.

The wheel is built with the project's own build backend and installed, without its
dependencies, into a new virtual environment. The dependencies (Qt, SQLAlchemy, ReportLab...)
come from the test environment through a .pth file, so nothing is downloaded; AcuJournal
itself comes only from the wheel, which the tests check before trusting anything it prints.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

import acujournal
from tests.reports.course import pdf_text

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class InstalledWheel:
    wheel: Path
    venv: Path
    site_packages: Path

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def acujournal(self) -> Path:
        return self.venv / "bin" / "acujournal"


def _run(*command: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    """Run a command to completion; its stdout, or a failed test showing what it printed."""
    result = subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env=env,
        check=False,
    )
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> InstalledWheel:
    work = tmp_path_factory.mktemp("wheel")
    pip = (sys.executable, "-m", "pip")
    offline = ("--quiet", "--no-deps", "--no-index")
    # Built by the backend the project declares, without a separate build environment to
    # download (the test extra installs hatchling).
    _run(*pip, "wheel", *offline, "--no-build-isolation", "--wheel-dir", work / "dist", ROOT)
    (wheel,) = (work / "dist").glob("acujournal-*.whl")

    venv = work / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    _run(*pip, "--python", python, "install", *offline, wheel)
    site_packages = Path(
        _run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))").strip()
    )
    # Lines of a .pth file are appended to sys.path after the venv's own site-packages, and
    # .pth files found in those folders are not read: the test environment's editable
    # install of AcuJournal (a .pth pointing at src/) stays out of the picture.
    dependency_folders = dict.fromkeys(
        [sysconfig.get_path("purelib"), sysconfig.get_path("platlib")]
    )
    (site_packages / "test-environment-dependencies.pth").write_text(
        "".join(f"{folder}\n" for folder in dependency_folders)
    )
    return InstalledWheel(wheel=wheel, venv=venv, site_packages=site_packages)


@pytest.fixture
def outside() -> dict[str, str]:
    """Environment for the installed app: no PYTHONPATH or the like, no display needed."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def _shipped(folder: Path, inside_wheel: str) -> set[str]:
    """The names the files under a source folder should have inside the wheel."""
    return {
        f"{inside_wheel}/{path.relative_to(folder).as_posix()}"
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_wheel_carries_resources_migrations_and_the_point_catalogue(
    installed: InstalledWheel,
) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    resources = _shipped(ROOT / "resources", "acujournal/resources")
    migrations = _shipped(
        ROOT / "src" / "acujournal" / "storage" / "migrations", "acujournal/storage/migrations"
    )

    assert "acujournal/resources/points/classical.csv" in resources
    assert "acujournal/resources/icons/hicolor/256x256/apps/acujournal.png" in resources
    assert "acujournal/storage/migrations/versions/0001_initial_schema.py" in migrations
    assert resources - names == set()
    assert migrations - names == set()
    assert [name for name in names if "__pycache__" in name or name.startswith("tests/")] == []
    assert f"acujournal-{acujournal.__version__}.dist-info/METADATA" in names


def test_installed_package_comes_from_the_wheel(
    installed: InstalledWheel, tmp_path: Path, outside: dict[str, str]
) -> None:
    probe = """
import json, acujournal
from acujournal.domain.catalogue import default_catalogue
from acujournal.resource_files import resources_dir
from acujournal.storage.db import MIGRATIONS_DIR
print(json.dumps({
    "package": acujournal.__file__,
    "migrations": str(MIGRATIONS_DIR),
    "resources": str(resources_dir()),
    "BL40": default_catalogue().resolve("ub40").pinyin,
}))
"""
    found = json.loads(_run(installed.python, "-c", probe, cwd=tmp_path, env=outside))

    assert Path(found["package"]).is_relative_to(installed.site_packages)
    assert Path(found["migrations"]).is_relative_to(installed.site_packages)
    assert Path(found["resources"]) == installed.site_packages / "acujournal" / "resources"
    assert found["BL40"] == "Weizhong"


def test_installed_command_runs_outside_the_repository(
    installed: InstalledWheel, tmp_path: Path, outside: dict[str, str]
) -> None:
    def acujournal_command(*args: str | Path) -> str:
        return _run(installed.acujournal, *args, cwd=tmp_path, env=outside)

    assert acujournal_command("--version").strip() == f"AcuJournal {acujournal.__version__}"

    journal = tmp_path / "clinic.sqlite3"
    acujournal_command("demo", "--db", journal, "--patients", "5", "--years", "1", "--quiet")
    acujournal_command("export", "--db", journal, "--out", "clinic.json")
    patients = json.loads((tmp_path / "clinic.json").read_text())["patients"]
    assert len(patients) == 5

    acujournal_command(
        "report", "progress", "--db", journal, "--patient", patients[0]["id"], "--out", "p.pdf"
    )
    acujournal_command("report", "clinic", "--db", journal, "--out", "clinic.pdf")
    progress = (tmp_path / "p.pdf").read_bytes()
    assert progress.startswith(b"%PDF-")
    assert (tmp_path / "clinic.pdf").read_bytes().startswith(b"%PDF-")
    # The report fonts load from the wheel's resources, so the PDF has real text in it.
    assert "Progress report" in " ".join(pdf_text(progress))
