"""The intake questionnaire as a fillable PDF form, for patients to fill in at home.

Built from the questionnaire data like the tablet form: one block per question, with PDF form
fields (AcroForm: text fields, radio buttons, check boxes) that any PDF reader can fill and
save. The filled file is read back by :mod:`acujournal.services.intake_pdf`, which finds every
answer by the field names made here (:func:`field_name`). A hidden, read-only field names the
questionnaire and its version, so a PDF that is not this form is recognised as such.

Field names: ``<question>`` for a text field or a radio group, ``<question>__<choice>`` for
one check box of a multiple choice or body region, ``<question>__<n>`` for item n (from 1) of
an outcome instrument, ``<question>__done`` for the box saying a yes/no instrument (RMDQ) was
filled in. Names hold no dots: PDF readers read a dot as a level of nesting.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph

from acujournal.domain.outcomes import INSTRUMENTS, ODI_SECTIONS, SBI_ITEMS
from acujournal.domain.questionnaire import (
    BODY_PARTS_MIDLINE,
    BODY_PARTS_SIDED,
    NRS_RANGE,
    Question,
    QuestionKind,
    Questionnaire,
    body_region_label,
)
from acujournal.reports.data import ClinicHeader
from acujournal.reports.document import ReportRenderer
from acujournal.reports.fonts import SANS
from acujournal.reports.intake_fields import (  # noqa: F401  (the form's field names, re-exported)
    DONE,
    FORM_FIELD,
    FORM_MARK,
    NO,
    YES,
    field_name,
    form_marker,
)
from acujournal.reports.text import clean_text, clip, para_text, text_flowables

BOX = 13.0
ROW = 19.0
CAPTION_SIZE = 9.5
TEXT_HEIGHT = 20.0
LONG_TEXT_HEIGHT = 62.0


def instrument_items(question: Question) -> list[str]:
    """Row labels of an instrument question: section names, never the licensed item text."""
    code = question.instrument or ""
    if code == "ODI":
        return [f"{i}. {name}" for i, name in enumerate(ODI_SECTIONS, start=1)]
    if code == "SBI":
        return [f"{i}. {name}" for i, name in enumerate(SBI_ITEMS, start=1)]
    return [f"Statement {i}" for i in range(1, INSTRUMENTS[code].item_count + 1)]


# Layout ------------------------------------------------------------------------------------

WidgetKind = Literal["text", "multiline", "radio", "checkbox", "hidden"]


@dataclass(frozen=True, slots=True)
class _Widget:
    kind: WidgetKind
    name: str
    x: float
    width: float = BOX
    value: str = ""
    caption: str = ""
    tooltip: str = ""
    maxlen: int = 200


@dataclass(slots=True)
class _Row:
    height: float
    widgets: list[_Widget] = field(default_factory=list)
    label: str = ""
    """Text drawn at the left of the row (an instrument's section name)."""


class _FieldBlock(Flowable):  # type: ignore[misc]
    """One question: its wrapped label (with help text) above rows of form fields."""

    def __init__(self, label: Paragraph, rows: list[_Row]) -> None:
        super().__init__()
        self.label = label
        self.rows = rows
        self._label_height = 0.0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        _, self._label_height = self.label.wrap(available_width, available_height)
        self.height = self._label_height + 4 + sum(row.height for row in self.rows) + 8
        return self.width, self.height

    def draw(self) -> None:
        canvas: Canvas = self.canv
        self.label.drawOn(canvas, 0, self.height - self._label_height)
        top = self.height - self._label_height - 4
        for row in self.rows:
            top -= row.height
            if row.label:
                canvas.setFont(SANS, CAPTION_SIZE)
                canvas.drawString(0, top + 4, clean_text(row.label))
            for widget in row.widgets:
                _draw_widget(canvas, widget, top)


class _FormMarker(Flowable):  # type: ignore[misc]
    """A hidden, read-only field naming the questionnaire (takes no room on the page)."""

    def __init__(self, marker: str) -> None:
        super().__init__()
        self.marker = marker

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0.0, 0.0

    def draw(self) -> None:
        _draw_widget(self.canv, _Widget("hidden", FORM_FIELD, 0, 1, value=self.marker), 0)


def _draw_widget(canvas: Canvas, widget: _Widget, y: float) -> None:
    form = canvas.acroForm
    border = colors.HexColor("#555555")
    common: dict[str, Any] = {
        "name": widget.name,
        "tooltip": widget.tooltip or None,
        "relative": True,
        "borderColor": border,
        "fillColor": colors.white,
        "borderWidth": 0.8,
    }
    if widget.kind in ("text", "multiline"):
        height = LONG_TEXT_HEIGHT if widget.kind == "multiline" else TEXT_HEIGHT
        form.textfield(
            x=widget.x,
            y=y + 1,
            width=widget.width,
            height=height - 2,
            maxlen=widget.maxlen,
            fontName="Helvetica",
            fontSize=10,
            fieldFlags="multiline" if widget.kind == "multiline" else "",
            **common,
        )
    elif widget.kind == "hidden":
        form.textfield(
            x=widget.x,
            y=y,
            width=1,
            height=1,
            value=widget.value,
            name=widget.name,
            relative=True,
            fieldFlags="readOnly",
            annotationFlags="hidden",
            borderWidth=0,
        )
    elif widget.kind == "radio":
        # Without "noToggleToOff" a patient can clear an answer given by mistake.
        form.radio(
            x=widget.x,
            y=y + 2,
            size=BOX,
            value=widget.value,
            buttonStyle="circle",
            shape="circle",
            fieldFlags="radio",
            **common,
        )
    else:
        form.checkbox(x=widget.x, y=y + 2, size=BOX, buttonStyle="check", fieldFlags="", **common)
    if widget.caption:
        canvas.setFont(SANS, CAPTION_SIZE)
        canvas.drawString(widget.x + BOX + 4, y + 4, clean_text(widget.caption))


def _options(
    kind: WidgetKind,
    names: list[str],
    values: list[str],
    captions: list[str],
    tooltip: str,
    width: float,
    x0: float = 0.0,
    columns: int = 1,
) -> list[_Row]:
    """Radio buttons or check boxes with captions, laid out in ``columns`` columns."""
    rows: list[_Row] = []
    column_width = (width - x0) / columns
    for index, (name, value, caption) in enumerate(zip(names, values, captions, strict=True)):
        if index % columns == 0:
            rows.append(_Row(ROW))
        rows[-1].widgets.append(
            _Widget(
                kind,
                name,
                x0 + column_width * (index % columns),
                value=value,
                caption=clip(caption, 70),
                tooltip=f"{tooltip}: {caption}",
            )
        )
    return rows


def question_rows(question: Question, width: float) -> list[_Row]:
    """The form fields of one question, as rows below its label."""
    key, kind, tip = question.key, question.kind, clip(question.label, 120)
    if kind in (QuestionKind.TEXT, QuestionKind.DATE):
        limit = 40 if kind is QuestionKind.DATE else question.max_length
        box_width = 170.0 if kind is QuestionKind.DATE else min(width, 360.0)
        return [_Row(TEXT_HEIGHT, [_Widget("text", key, 0, box_width, tooltip=tip, maxlen=limit)])]
    if kind is QuestionKind.LONG_TEXT:
        widget = _Widget("multiline", key, 0, width, tooltip=tip, maxlen=question.max_length)
        return [_Row(LONG_TEXT_HEIGHT, [widget])]
    if kind is QuestionKind.YES_NO:
        return _options("radio", [key, key], [YES, NO], ["Yes", "No"], tip, 160, columns=2)
    if kind is QuestionKind.CHOICE:
        values = [c.value for c in question.choices]
        labels = [c.label for c in question.choices]
        columns = 2 if len(values) > 3 else len(values)
        return _options("radio", [key] * len(values), values, labels, tip, width, columns=columns)
    if kind is QuestionKind.MULTI_CHOICE:
        names = [field_name(key, c.value) for c in question.choices]
        labels = [c.label for c in question.choices]
        return _options("checkbox", names, [""] * len(names), labels, tip, width, columns=2)
    if kind is QuestionKind.BODY_REGIONS:
        return _body_rows(question, width)
    if kind is QuestionKind.NRS:
        low, high = NRS_RANGE
        scores = [str(n) for n in range(low, high + 1)]
        return _options("radio", [key] * len(scores), scores, scores, tip, 11 * 34, columns=11)
    return _instrument_rows(question, width)


def _body_rows(question: Question, width: float) -> list[_Row]:
    key, tip = question.key, question.label
    midline = [field_name(key, code) for code in BODY_PARTS_MIDLINE]
    labels = [body_region_label(code) for code in BODY_PARTS_MIDLINE]
    rows = _options("checkbox", midline, [""] * len(midline), labels, tip, width, columns=3)
    header = _Row(ROW, label="Each side:")
    rows.append(header)
    for part in BODY_PARTS_SIDED:
        row = _Row(ROW, label=body_region_label(part))
        for offset, side in ((110.0, "left"), (180.0, "right")):
            code = f"{side}_{part}"
            row.widgets.append(
                _Widget(
                    "checkbox",
                    field_name(key, code),
                    offset,
                    caption=side,
                    tooltip=f"{tip}: {body_region_label(code)}",
                )
            )
        rows.append(row)
    return rows


def _instrument_rows(question: Question, width: float) -> list[_Row]:
    assert question.instrument is not None
    inst = INSTRUMENTS[question.instrument]
    items = instrument_items(question)
    key = question.key
    if inst.item_range is None:  # yes/no statements (RMDQ): tick those that apply
        names = [field_name(key, n) for n in range(1, len(items) + 1)]
        rows = _options("checkbox", names, [""] * len(names), items, question.label, width, 0, 4)
        done = _Widget(
            "checkbox",
            field_name(key, DONE),
            0,
            caption="I have answered this questionnaire (boxes left empty mean no)",
            tooltip=f"{question.label}: answered",
        )
        return [*rows, _Row(ROW, [done])]
    low, high = inst.item_range
    rows = []
    for number, label in enumerate(items, start=1):
        row = _Row(ROW, label=label)
        for score in range(low, high + 1):
            row.widgets.append(
                _Widget(
                    "radio",
                    field_name(key, number),
                    150 + 34 * (score - low),
                    value=str(score),
                    caption=str(score),
                    tooltip=f"{question.label}, {label}: {score}",
                )
            )
        rows.append(row)
    return rows


class IntakeFormRenderer(ReportRenderer):
    """The questionnaire as a fillable form; ``generate()`` returns the PDF bytes."""

    body_size = 10.5

    def __init__(self, questionnaire: Questionnaire, clinic: ClinicHeader, generated_at: datetime):
        super().__init__(
            clinic=clinic,
            generated_at=generated_at,
            title=questionnaire.title,
            subject=f"AcuJournal intake form {questionnaire.form_id}",
        )
        self.questionnaire = questionnaire

    def story(self) -> list[Flowable]:
        q, st = self.questionnaire, self.styles
        story: list[Flowable] = [
            _FormMarker(form_marker(q)),
            Paragraph(para_text(q.title), st.title),
        ]
        story += text_flowables(q.intro, st.body)
        story.append(
            Paragraph(
                "Fill in the boxes on screen in any PDF reader, save the file and send it back "
                "to the clinic. Questions marked * need an answer. Write dates as year-month-day, "
                "for example 1968-04-02.",
                st.note_heading,
            )
        )
        for section in q.sections:
            blocks = list(self._blocks(section.questions))
            # A section title never ends a page alone: it stays with its first question.
            opening = [Paragraph(para_text(section.title), st.heading)]
            opening += text_flowables(section.intro, st.body)
            story.append(KeepTogether([*opening, blocks[0]]))
            story += blocks[1:]
        return story

    def _blocks(self, questions: tuple[Question, ...]) -> Iterator[Flowable]:
        for question in questions:
            mark = " *" if question.required else ""
            text = f"<b>{para_text(question.label)}{mark}</b>"
            if question.help:
                text += f"<br/><font size={self.body_size - 1.5}>{para_text(question.help)}</font>"
            label = Paragraph(text, self.styles.body)
            yield _FieldBlock(label, question_rows(question, self.frame_width - 12))


def intake_form_pdf(
    questionnaire: Questionnaire, clinic: ClinicHeader, generated_at: datetime
) -> bytes:
    """The fillable PDF form of a questionnaire."""
    return IntakeFormRenderer(questionnaire, clinic, generated_at).generate()
