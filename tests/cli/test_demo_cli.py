"""``acujournal demo`` as someone trying the app out would run it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from acujournal.__main__ import main
from acujournal.services.patients import list_patients
from acujournal.storage.db import open_database


def test_demo_writes_a_clinic_and_says_what_it_wrote(
    journal_args: list[str], db_url: URL, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["demo", *journal_args, "--patients", "15", "--years", "1", "--seed", "4"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "15 patients" in out
    db = open_database(db_url)
    try:
        assert len(list_patients(db, include_archived=True)) == 15
    finally:
        db.dispose()


def test_demo_refuses_a_journal_that_holds_patients(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "demo.sqlite3"
    assert main(["demo", "--db", str(path), "--patients", "3", "--years", "1", "--quiet"]) == 0
    before = path.read_bytes()
    code = main(["demo", "--db", str(path), "--patients", "3", "--years", "1"])
    out, err = capsys.readouterr()
    assert code == 1
    assert out == ""
    assert err.startswith("acujournal: This journal already holds patients")
    assert err.count("\n") == 1
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [("--patients", "0", "at least 1 patient"), ("--years", "40", "1 to 30 years")],
)
def test_demo_names_an_unsupported_size(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str, value: str, message: str
) -> None:
    path = tmp_path / "demo.sqlite3"
    code = main(["demo", "--db", str(path), option, value])
    _, err = capsys.readouterr()
    assert code == 2
    assert message in err
    assert not path.exists(), "nothing is created for a refused size"
