"""``acujournal report`` as a practitioner or clinic manager would run it.

The subcommand is registered on a parser of its own here, so these tests do not depend on the
main parser's list of subcommands.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pytest

from acujournal.cli import report
from acujournal.cli.common import CliError, add_database_options
from acujournal.storage.db import Database
from tests.builders import make_journal
from tests.reports.course import flat, pdf_text, weekly_course


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="acujournal")
    add_database_options(parser)
    report.register(parser.add_subparsers())
    args = parser.parse_args(argv)
    # As acujournal.cli.main.run_command does: an expected problem is one line on stderr.
    try:
        code = args.handler(args)
    except CliError as error:
        print(f"acujournal: {error}", file=sys.stderr)
        code = error.exit_code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def patient_id(db: Database) -> str:
    course = weekly_course(make_journal(db))
    db.dispose()
    return str(course.journal.patient.id)


def test_progress_summary_and_clinic_reports_are_written(
    patient_id: str, journal_args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    progress = tmp_path / "progress.pdf"
    code, out, err = _run(
        ["report", "progress", "--patient", patient_id, "--include-internal",
         "--out", str(progress), *journal_args],
        capsys,
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out.startswith(f"Wrote the progress report to {progress}")
    text = flat(" ".join(pdf_text(progress.read_bytes())))
    assert "Leg pain fell from 7 to 3" in text
    assert "Internal note 1" in text
    assert os.stat(progress).st_mode & 0o077 == 0, "a report is readable by its owner only"

    summary = tmp_path / "summary.pdf"
    code, _, err = _run(
        ["report", "summary", "--patient", patient_id, "--from", "2026-01-12",
         "--to", "2026-01-19", "--out", str(summary), *journal_args],
        capsys,
    )  # fmt: skip
    assert (code, err) == (0, "")
    text = flat(" ".join(pdf_text(summary.read_bytes())))
    assert "You had 2 treatments between 12 January 2026 and 19 January 2026" in text

    clinic = tmp_path / "clinic.pdf"
    code, _, err = _run(
        ["report", "clinic", "--from", "2026-01-01", "--to", "2026-03-31",
         "--out", str(clinic), *journal_args],
        capsys,
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert "Sessions 5" in flat(" ".join(pdf_text(clinic.read_bytes())))


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["progress"], "A progress report needs --patient ID."),
        (["summary", "--patient", "nobody"], '"nobody" is not a patient id (a UUID).'),
        (
            ["progress", "--patient", "00000000-0000-0000-0000-000000000000"],
            "No patient with id 00000000-0000-0000-0000-000000000000.",
        ),
        (["clinic", "--from", "2026-13-01"], '--from "2026-13-01" is not a date like 2026-01-31.'),
        (
            ["clinic", "--from", "2026-03-01", "--to", "2026-01-01"],
            "The period starts (2026-03-01) after it ends (2026-01-01).",
        ),
        (["clinic", "--patient", "x"], "The clinic report covers the whole clinic"),
        (
            ["summary", "--patient", "{patient}", "--include-internal"],
            "A patient summary never holds internal notes",
        ),
    ],
)
def test_expected_problems_are_one_sentence(
    patient_id: str,
    journal_args: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    arguments: list[str],
    message: str,
) -> None:
    argv = ["report", *(a.replace("{patient}", patient_id) for a in arguments)]
    code, out, err = _run([*argv, "--out", str(tmp_path / "r.pdf"), *journal_args], capsys)
    assert code == 1
    assert out == ""
    assert err.startswith(f"acujournal: {message}")
    assert "Traceback" not in err
    assert not (tmp_path / "r.pdf").exists()


def test_an_unwritable_destination_is_refused_before_any_work(
    patient_id: str, journal_args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "no such folder" / "report.pdf"
    code, _, err = _run(
        ["report", "summary", "--patient", patient_id, "--out", str(missing), *journal_args],
        capsys,
    )
    assert code == 1
    assert (
        err == f"acujournal: Cannot write {missing}: the folder {missing.parent} does not exist.\n"
    )

    code, _, err = _run(
        [
            "report",
            "summary",
            "--patient",
            patient_id,
            "--out",
            str(tmp_path),
            *journal_args,
        ],
        capsys,
    )
    assert code == 1
    assert err == f"acujournal: Cannot write {tmp_path}: it is a folder.\n"
