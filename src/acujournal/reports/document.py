"""The renderer every report derives from: page templates, running header and footer, bytes out.

One class owns the page: A4, a first-page template (letterhead with the clinic's logo) and a
later-page template; on every page a running header (report title, patient name on patient
reports) and a footer (clinic name, date generated, "page X of Y"). Subclasses only write
:meth:`ReportRenderer.story`.

"page X of Y" needs Y before the last page exists. Instead of building the document twice,
every page draws the total as a PDF form XObject that is defined once, when the canvas is
saved and the page count is known (PDF allows a form to be used before it is defined).

Builds are deterministic: ReportLab's ``invariant`` mode fixes the creation date and document
id, so the same data and ``generated_at`` give the same bytes.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import TYPE_CHECKING, Any

from acujournal.reports.data import ClinicHeader
from acujournal.reports.fonts import SANS, register_fonts
from acujournal.reports.styles import ACCENT, MUTED, RULE, Styles, make_styles
from acujournal.reports.text import clip, para_text, text_flowables

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Flowable

PAGE_TOTAL_FORM = "AcuPageTotal"
MARGIN = 48.0
HEADER_SPACE = 34.0
FOOTER_SPACE = 30.0
LOGO_MAX_WIDTH = 130.0
LOGO_MAX_HEIGHT = 52.0
RUNNING_TEXT_SIZE = 7.5
FRAME_PADDING = 6.0  # ReportLab's default Frame padding
PAGE_WIDTH = 595.2755905511812  # A4 in points, as reportlab.lib.pagesizes.A4[0]
METADATA_CHARS = 200


def generated_label(moment: datetime) -> str:
    """How the generation time is printed: "2026-03-02 14:05"."""
    return moment.strftime("%Y-%m-%d %H:%M")


def _report_canvas_class() -> type[Canvas]:
    from reportlab.lib import colors
    from reportlab.pdfgen.canvas import Canvas

    class ReportCanvas(Canvas):  # type: ignore[misc]
        """A canvas that defines the page-total form once the last page is done."""

        def save(self) -> None:
            # showPage has already run for the last page, so the counter is one past it.
            total = self.getPageNumber() - 1
            self.beginForm(PAGE_TOTAL_FORM)
            self.setFont(SANS, RUNNING_TEXT_SIZE)
            self.setFillColor(colors.HexColor(MUTED))
            self.drawString(0, 0, str(total))
            self.endForm()
            super().save()

    return ReportCanvas


def _usable_logo(logo: bytes | None) -> Any:
    """An ImageReader for the logo, or None when there is none or it cannot be decoded."""
    if not logo:
        return None
    from reportlab.lib.utils import ImageReader

    try:
        reader = ImageReader(io.BytesIO(logo))
        width, height = reader.getSize()
    except Exception:  # any decoder failure just means "print without a logo"
        return None
    return reader if width > 0 and height > 0 else None


class ReportRenderer:
    """Base class of the PDF reports; ``generate()`` returns the finished PDF as bytes.

    ``title`` goes into the running header and the PDF's metadata; ``patient_name`` (for
    reports about one patient) is printed in the header of every page.
    """

    body_size = 9.0

    def __init__(
        self,
        *,
        clinic: ClinicHeader,
        generated_at: datetime,
        title: str,
        subject: str,
        patient_name: str | None = None,
    ) -> None:
        register_fonts()
        self.clinic = clinic
        self.generated_at = generated_at
        self.title = title
        self.subject = subject
        self.patient_name = patient_name
        self.styles: Styles = make_styles(self.body_size)
        self.frame_width = PAGE_WIDTH - 2 * MARGIN
        self._logo = _usable_logo(clinic.logo)
        # Worked out once, not on every page: a name may be a megabyte long.
        self._running_patient = (
            None if patient_name is None else "Patient: " + para_text(clip(patient_name, 70))
        )
        self._running_clinic = para_text(clip(clinic.name, 60))

    # What subclasses write -----------------------------------------------------------------
    def story(self) -> list[Flowable]:
        """The report's content, after the letterhead."""
        raise NotImplementedError

    # Building ------------------------------------------------------------------------------
    def generate(self) -> bytes:
        """Lay out the whole report and return the PDF bytes."""
        from reportlab.lib.pagesizes import A4
        from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

        buffer = io.BytesIO()
        metadata_title = plain_metadata(self.title)
        if self.patient_name is not None:
            metadata_title += " — " + plain_metadata(self.patient_name)
        doc = BaseDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN + HEADER_SPACE,
            bottomMargin=MARGIN + FOOTER_SPACE,
            title=metadata_title,
            author=plain_metadata(self.clinic.name),
            subject=plain_metadata(self.subject),
            creator="AcuJournal",
            producer="AcuJournal (ReportLab)",
            invariant=1,
        )
        frame = Frame(
            doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body", showBoundary=0
        )
        doc.addPageTemplates(
            [
                PageTemplate(
                    id="first",
                    frames=[frame],
                    onPage=self._first_page,
                    autoNextPageTemplate="later",
                ),
                PageTemplate(id="later", frames=[frame], onPage=self._later_page),
            ]
        )
        doc.build(self.letterhead() + self.story(), canvasmaker=_report_canvas_class())
        return buffer.getvalue()

    # The letterhead (first page) -----------------------------------------------------------
    def letterhead(self) -> list[Flowable]:
        """Clinic name and address at the top of the first page, beside the logo."""
        from reportlab.lib import colors
        from reportlab.lib.styles import ParagraphStyle
        from reportlab.platypus import HRFlowable, Spacer

        indent = LOGO_MAX_WIDTH + 12 if self._logo is not None else 0
        name_style = ParagraphStyle("lh_name", parent=self.styles.letterhead_name)
        name_style.rightIndent = indent
        address_style = ParagraphStyle("lh_address", parent=self.styles.letterhead_address)
        address_style.rightIndent = indent
        flowables: list[Flowable] = []
        flowables += text_flowables(self.clinic.name, name_style)
        flowables += text_flowables(self.clinic.address, address_style)
        if self._logo is not None:
            # Keep the rule below the logo even when the name and address are short.
            used = len(flowables) * self.styles.letterhead_address.leading
            flowables.append(Spacer(1, max(LOGO_MAX_HEIGHT - used, 0)))
        flowables.append(
            HRFlowable(width="100%", thickness=0.8, color=colors.HexColor(ACCENT), spaceBefore=6)
        )
        flowables.append(Spacer(1, 6))
        return flowables

    # Page furniture ------------------------------------------------------------------------
    def _first_page(self, canvas: Canvas, doc: Any) -> None:
        self._furniture(canvas, doc)
        if self._logo is not None:
            width, height = self._logo.getSize()
            scale = min(LOGO_MAX_WIDTH / width, LOGO_MAX_HEIGHT / height)
            drawn_w, drawn_h = width * scale, height * scale
            # Inside the frame's padding, so the logo lines up with the rule under it.
            top = doc.pagesize[1] - doc.topMargin - FRAME_PADDING
            canvas.drawImage(
                self._logo,
                doc.pagesize[0] - doc.rightMargin - FRAME_PADDING - drawn_w,
                top - drawn_h,
                width=drawn_w,
                height=drawn_h,
                mask="auto",
            )

    def _later_page(self, canvas: Canvas, doc: Any) -> None:
        self._furniture(canvas, doc)

    def _furniture(self, canvas: Canvas, doc: Any) -> None:
        from reportlab.lib import colors
        from reportlab.lib.enums import TA_CENTER, TA_RIGHT
        from reportlab.lib.styles import ParagraphStyle

        page_w, page_h = doc.pagesize
        left, right = doc.leftMargin, page_w - doc.rightMargin
        width = right - left
        running = self.styles.running
        canvas.saveState()
        canvas.setStrokeColor(colors.HexColor(RULE))
        canvas.setLineWidth(0.5)

        header_y = page_h - MARGIN
        self._draw_text(canvas, f"<b>{para_text(self.title)}</b>", running, left, header_y, width)
        if self._running_patient is not None:
            right_style = ParagraphStyle("running_right", parent=running, alignment=TA_RIGHT)
            self._draw_text(
                canvas,
                self._running_patient,
                right_style,
                left + width * 0.35,
                header_y,
                width * 0.65,
            )
        canvas.line(left, header_y - 13, right, header_y - 13)

        footer_y = MARGIN - 4
        canvas.line(left, footer_y + 12, right, footer_y + 12)
        self._draw_text(canvas, self._running_clinic, running, left, footer_y, width * 0.42)
        centred = ParagraphStyle("running_centre", parent=running, alignment=TA_CENTER)
        generated = "Generated " + generated_label(self.generated_at)
        self._draw_text(canvas, generated, centred, left + width * 0.42, footer_y, width * 0.33)
        page_label = f"page {canvas.getPageNumber()} of "
        label_x = right - 62
        canvas.setFont(SANS, RUNNING_TEXT_SIZE)
        canvas.setFillColor(colors.HexColor(MUTED))
        canvas.drawString(label_x, footer_y - RUNNING_TEXT_SIZE, page_label)
        canvas.translate(
            label_x + canvas.stringWidth(page_label, SANS, RUNNING_TEXT_SIZE),
            footer_y - RUNNING_TEXT_SIZE,
        )
        canvas.doForm(PAGE_TOTAL_FORM)
        canvas.restoreState()

    @staticmethod
    def _draw_text(
        canvas: Canvas, markup: str, style: Any, x: float, top: float, width: float
    ) -> None:
        """Draw one line of running text with its top at ``top`` (Han runs need a Paragraph)."""
        from reportlab.platypus import Paragraph

        paragraph = Paragraph(markup, style)
        _, height = paragraph.wrap(width, 40)
        paragraph.drawOn(canvas, x, top - height)


def plain_metadata(text: str) -> str:
    """Text fit for the PDF's metadata (cleaned, one line, clipped)."""
    return " ".join(clip(text, METADATA_CHARS * 2).split())[:METADATA_CHARS]
