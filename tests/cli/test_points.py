"""``acujournal points``: list and search the catalogue from the command line."""

from __future__ import annotations

import argparse
import csv
import io

import pytest

from acujournal.cli import points
from acujournal.cli.common import CliError
from acujournal.domain.catalogue import default_catalogue


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="acujournal")
    points.register(parser.add_subparsers())
    args = parser.parse_args(["points", *argv])
    result: int = args.handler(args)
    return result


def csv_rows(text: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def test_csv_lists_the_whole_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--format", "csv"]) == 0
    header, rows = csv_rows(capsys.readouterr().out)
    assert header == ["code", "meridian", "pinyin", "english", "region"]
    assert [row["code"] for row in rows] == [point.code for point in default_catalogue()]
    by_code = {row["code"]: row for row in rows}
    assert by_code["BL40"] == {
        "code": "BL40",
        "meridian": "BL",
        "pinyin": "Weizhong",
        "english": "Bend Middle",
        "region": "knee",
    }
    assert by_code["EX-B2"]["meridian"] == ""
    assert by_code["ASHI"]["region"] == ""


def test_csv_search_puts_the_exact_match_first(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["UB40", "--format", "csv"]) == 0
    _, rows = csv_rows(capsys.readouterr().out)
    assert rows[0]["code"] == "BL40"


def test_table_is_the_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert run([]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["CODE", "PINYIN", "ENGLISH", "REGION", "HANZI"]
    assert len(lines) == 1 + len(default_catalogue())
    bl40 = next(line for line in lines if line.startswith("BL40 "))
    assert bl40.split() == ["BL40", "Weizhong", "Bend", "Middle", "knee", "委中"]
    # the columns line up: every row's pinyin starts where the header's does
    column = lines[0].index("PINYIN")
    assert all(line[column - 2 : column] == "  " for line in lines)


def test_table_search(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["three li"]) == 0
    listed = [line.split()[0] for line in capsys.readouterr().out.splitlines()[1:]]
    assert {"ST36", "LI10"} <= set(listed)


def test_no_match_is_an_error_naming_the_query(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(CliError, match='no point matches "qqqqqq"') as caught:
        run(["qqqqqq"])
    assert caught.value.exit_code == 1
    assert capsys.readouterr().out == ""


def test_no_match_suggests_close_points() -> None:
    with pytest.raises(CliError, match="did you mean GB31 Fengshi"):
        run(["GB31xyz"])


def test_unknown_format_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        run(["--format", "json"])
    assert "invalid choice" in capsys.readouterr().err
