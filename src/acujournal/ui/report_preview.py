"""A dialog that shows a finished PDF report and prints or saves it.

The report arrives as bytes (the renderers never write files) and is shown from memory, so a
patient's report touches the disk only when the user saves it. Printing renders each page
with QtPdf into the printer; the resolution is capped so a 1200 dpi printer does not make the
app build half-gigabyte page images.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from acujournal.services.report_files import safe_file_name, write_atomically

MAX_PRINT_DPI = 300


class ReportPreviewDialog(QDialog):
    """Shows PDF bytes with Print, Save as… and Close buttons.

    The document is loaded from an in-memory buffer; :meth:`save_to` and :meth:`print_to` do
    the work of the buttons without any dialog, so both can be tested and reused.
    """

    def __init__(self, pdf: bytes, suggested_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Report preview"))
        self.resize(860, 1000)
        self._pdf = bytes(pdf)
        self.suggested_name = safe_file_name(suggested_name)
        # QPdfDocument reads from the device as long as it is open: keep both alive.
        self._data = QByteArray(self._pdf)
        self._buffer = QBuffer(self._data, self)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self._buffer)

        self.view = QPdfView(self)
        self.view.setObjectName("reportView")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

        buttons = QDialogButtonBox(self)
        self.print_button = QPushButton(self.tr("&Print…"))
        self.save_button = QPushButton(self.tr("&Save as…"))
        buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)
        self.print_button.clicked.connect(self.print_report)
        self.save_button.clicked.connect(self.save_as)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addWidget(buttons)

    # State ---------------------------------------------------------------------------------
    def is_ready(self) -> bool:
        """True once the document is loaded (loading from a buffer may finish later)."""
        return self.document.status() == QPdfDocument.Status.Ready

    def page_count(self) -> int:
        return self.document.pageCount()

    # Saving --------------------------------------------------------------------------------
    def save_to(self, path: Path) -> None:
        """Write the PDF to ``path`` through a temporary file; raises OSError on failure."""
        write_atomically(path, self._pdf)

    def save_as(self) -> None:
        """Ask where to save (the suggested name pre-filled), then save; problems are shown."""
        chosen, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save report"), self.suggested_name, self.tr("PDF files (*.pdf)")
        )
        if not chosen:
            return
        path = Path(chosen)
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        try:
            self.save_to(path)
        except OSError as error:
            QMessageBox.warning(
                self,
                self.tr("Report not saved"),
                self.tr("Could not save the report to {path}: {reason}").format(
                    path=path, reason=error.strerror or error
                ),
            )

    # Printing ------------------------------------------------------------------------------
    def print_report(self) -> None:
        """Show the print dialog, then print the chosen pages."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.suggested_name)
        printer.setFromTo(1, max(self.page_count(), 1))
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> int:
        """Render the document's pages (the printer's page range, or all) into ``printer``.

        Returns the number of pages printed.
        """
        count = self.page_count()
        first = max(printer.fromPage(), 1) if printer.fromPage() else 1
        last = min(printer.toPage(), count) if printer.toPage() else count
        if count == 0 or first > last:
            return 0
        dpi = min(printer.resolution(), MAX_PRINT_DPI)
        painter = QPainter()
        if not painter.begin(printer):
            raise OSError("The printer could not be started.")
        printed = 0
        try:
            for page in range(first - 1, last):
                if printed:
                    printer.newPage()
                points = self.document.pagePointSize(page)
                image = self.document.render(
                    page, QSize(round(points.width() / 72 * dpi), round(points.height() / 72 * dpi))
                )
                target = QRectF(painter.viewport())
                scale = min(target.width() / image.width(), target.height() / image.height())
                drawn = QRectF(0, 0, image.width() * scale, image.height() * scale)
                drawn.moveCenter(target.center())
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
                painter.drawImage(drawn, image)
                printed += 1
        finally:
            painter.end()
        return printed
