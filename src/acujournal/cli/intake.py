"""``acujournal intake-form`` and ``acujournal intake-import``: the intake as a fillable PDF.

``intake-form`` writes a questionnaire (the clinic's default one unless another is named) as
a PDF form a patient fills in any PDF reader at home. ``intake-import`` reads a filled-in form
back, prints everything that was read (with what is missing, unreadable or contradictory, and
the screening), and saves it only when the person at the keyboard says yes (or ``--yes`` was
given). A form of the clinic's own questionnaire is read with the definition in the journal.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import uuid
from pathlib import Path

from acujournal.cli.common import (
    CliError,
    add_database_options,
    journal_if_any,
    one_line,
    open_journal,
)
from acujournal.domain.intake import AnswerIssue
from acujournal.domain.questionnaire import answer_text
from acujournal.domain.screening import RED_FLAG_GROUP_LABELS, ScreeningOutcome, label_of
from acujournal.domain.validation import ValidationError
from acujournal.domain.wording import plural
from acujournal.services.intake import (
    PreparedIntake,
    same_patients,
    save_intake,
)
from acujournal.services.intake_pdf import (
    IntakeFormError,
    ReadForm,
    UnknownFormError,
    intake_form_pdf,
    prepare_pdf_intake,
    read_form_file,
)
from acujournal.services.patients import patient_overview
from acujournal.services.settings import get_default_questionnaire
from acujournal.storage.db import Database
from acujournal.storage.repository import NotFoundError

OUTCOME_WORDS = {
    ScreeningOutcome.REFER_NOW: "REFER NOW",
    ScreeningOutcome.CAUTION: "proceed with caution",
    ScreeningOutcome.NO_FLAGS: "no flags",
}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``intake-form`` and ``intake-import`` subcommands."""
    form = subparsers.add_parser(
        "intake-form",
        help="write the intake questionnaire as a fillable PDF form",
        description=(
            "Write an intake questionnaire as a PDF form that a patient fills in any PDF "
            "reader, saves and sends back; read it in with intake-import. The clinic's name "
            "and address from the journal head the form. The clinic's own questionnaires are "
            "listed by the questionnaires command."
        ),
    )
    form.add_argument("--out", metavar="FILE", required=True, help="the PDF file to write")
    form.add_argument(
        "--questionnaire",
        metavar="KEY",
        help="which questionnaire (default: the clinic's default one, at first sciatica)",
    )
    add_database_options(form)
    form.set_defaults(handler=run_form)

    read = subparsers.add_parser(
        "intake-import",
        help="read a filled-in intake PDF form into the journal, after confirmation",
        description=(
            "Read a filled-in intake form, print what was read (missing, unreadable and "
            "contradictory answers are shown as such, never guessed) and the screening, and "
            "save it once you confirm. Without --patient a new patient is made from the "
            "form's contact details. Ends with exit code 1 when nothing was saved."
        ),
    )
    read.add_argument("file", metavar="FILE", help="the filled-in PDF form")
    read.add_argument("--patient", metavar="ID", help="the patient the form belongs to")
    read.add_argument(
        "--case",
        metavar="ID",
        help="the case it belongs to (default: the patient's open case, if any)",
    )
    read.add_argument("--yes", action="store_true", help="save without asking")
    add_database_options(read)
    read.set_defaults(handler=run_import)


def run_form(args: argparse.Namespace) -> int:
    """Write the fillable form; the letterhead comes from the journal when there is one."""
    out = Path(args.out)
    if not out.parent.is_dir():
        raise CliError(f"Cannot write {out}: the folder {out.parent} does not exist.")
    db = journal_if_any(args)
    try:
        key = args.questionnaire or get_default_questionnaire(db)
        data = intake_form_pdf(db, key)
    except LookupError as error:
        raise CliError(str(error)) from error
    finally:
        if db is not None:
            db.dispose()
    _write(out, data)
    print(f"Wrote the intake form ({key}) to {out}.")
    return 0


def _write(target: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise CliError(f"Cannot write {target}: {error.strerror or error}.") from error


def run_import(args: argparse.Namespace) -> int:
    """Read a filled-in form, show it, and save it after confirmation."""
    path = Path(args.file)
    patient_id, case_id = _uuid(args.patient, "patient"), _uuid(args.case, "case")
    form, db = _read_form(args, path)
    try:
        try:
            prepared = prepare_pdf_intake(db, form, patient_id=patient_id, case_id=case_id)
        except IntakeFormError as error:
            raise CliError(str(error)) from error
        except NotFoundError as error:
            raise CliError(str(error)) from error
        print("\n".join(_report(db, path.name, prepared)))
        if not _confirmed(args.yes):
            print("Nothing was saved.")
            return 1
        try:
            intake = save_intake(db, prepared)
        except (ValidationError, NotFoundError) as error:
            raise CliError(f"Nothing was saved: {error}.") from error
    finally:
        db.dispose()
    who = "a new patient" if prepared.new_patient else "patient"
    print(
        f"Saved the intake for {who} {intake.patient_id}; a practitioner reviews it in AcuJournal."
    )
    return 0


def _read_form(args: argparse.Namespace, path: Path) -> tuple[ReadForm, Database]:
    """The form read, and the journal to save it in.

    A form is read before the journal is opened, so a bad file never creates an empty
    journal; the form of a clinic's own questionnaire is then read with the journal's
    definition, and so needs an existing journal.
    """
    try:
        return read_form_file(path), open_journal(args, create=True)
    except UnknownFormError as error:
        unknown = error
    except IntakeFormError as error:
        raise CliError(str(error)) from error
    try:
        db = open_journal(args)
    except CliError as error:
        raise CliError(f"{unknown} {error}") from error
    try:
        return read_form_file(path, db), db
    except IntakeFormError as error:
        db.dispose()
        raise CliError(str(error)) from error


def _confirmed(yes: bool) -> bool:
    if yes:
        return True
    try:
        answer = input("Save this intake? [y/N] ")
    except EOFError as error:
        raise CliError(
            "Nothing was saved: no answer to the question; pass --yes to save without asking."
        ) from error
    return answer.strip().lower() in ("y", "yes")


def _report(db: Database, name: str, prepared: PreparedIntake) -> list[str]:
    questionnaire, intake = prepared.questionnaire, prepared.intake
    lines = [f"Read {name}: {one_line(questionnaire.title)} ({questionnaire.form_id})"]
    if prepared.new_patient is not None:
        patient = prepared.new_patient
        born = patient.birth_date.isoformat() if patient.birth_date else "birth date unknown"
        lines.append(f"Patient: a new patient, {one_line(patient.name)}, born {born}")
        for twin in same_patients(db, patient):
            lines.append(
                f"  Note: the journal already has {one_line(twin.name)} with this birth date "
                f"(patient {twin.id}); use --patient {twin.id} if the form is theirs."
            )
    else:
        name = patient_overview(db, intake.patient_id).patient.name
        lines.append(f"Patient: {one_line(name)} ({intake.patient_id})")
    lines.append(f"Case: {intake.case_id}" if intake.case_id else "Case: none")
    issues: dict[str, list[AnswerIssue]] = {}
    for issue in prepared.issues:
        issues.setdefault(issue.question, []).append(issue)
    for section in questionnaire.sections:
        lines.append("")
        lines.append(one_line(section.title))
        for question in section.questions:
            value = intake.answers.get(question.key)
            shown = "(not answered)" if value is None else answer_text(question, value)
            if question.key in intake.unreadable:
                shown = f'(could not be read: "{intake.unreadable[question.key]}")'
            lines.append(f"  {one_line(question.label)} {one_line(shown)}")
            for issue in issues.get(question.key, []):
                if issue.kind.value not in ("missing", "unreadable"):
                    lines.append(f"    ! {issue.kind.value}: {one_line(issue.message)}")
    lines += ["", *_screening(prepared)]
    if prepared.issues:
        count = len(prepared.issues)
        lines.append(f"To look at: {plural(count, 'answer')} missing, unreadable or contradictory.")
    return lines


def _screening(prepared: PreparedIntake) -> list[str]:
    screening = prepared.intake.screening
    lines = [f"Screening: {OUTCOME_WORDS[screening.outcome]}"]
    if screening.red_flags:
        groups = ", ".join(RED_FLAG_GROUP_LABELS[g] for g in screening.red_flag_groups)
        lines.append(f"  Red flags ({groups}):")
        lines += [f"    - {label_of(flag)}" for flag in screening.red_flags]
    if screening.cautions:
        lines.append("  Cautions:")
        lines += [f"    - {label_of(caution)}" for caution in screening.cautions]
    if screening.unanswered:
        asked = ", ".join(label_of(code) for code in screening.unanswered)
        lines.append(f"  Not answered, ask about: {asked}")
    if screening.not_asked:
        unasked = ", ".join(label_of(code) for code in screening.not_asked)
        lines.append(f"  Not asked by this questionnaire: {unasked}")
    return lines


def _uuid(text: str | None, what: str) -> uuid.UUID | None:
    if text is None:
        return None
    try:
        return uuid.UUID(text)
    except ValueError as error:
        raise CliError(f'"{text}" is not a {what} id (a UUID).') from error
