"""The core (domain, storage, services, reports, cli) runs without Qt installed."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_core_works_when_qt_cannot_be_imported(tmp_path: object) -> None:
    script = textwrap.dedent(
        """
        import sys
        class NoQt:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("PySide6", "shiboken6"):
                    raise ImportError("Qt is not installed here")
                return None
        sys.meta_path.insert(0, NoQt())
        import acujournal.domain.validation, acujournal.services.sessions
        import acujournal.services.patients, acujournal.cli.main
        from acujournal.cli.main import parse, run_command
        args = parse(["points", "BL40", "--format", "csv"])
        sys.exit(run_command(args))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "BL40" in result.stdout
    assert "PySide6" not in result.stderr
