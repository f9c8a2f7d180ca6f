"""Clinic settings: the clinic's name, address and logo, the intake questionnaire offered
first, practitioner profiles, caution depths.

Everything is saved together when the dialog is accepted, in one transaction; a mistake on any
tab is shown with the field it concerns and nothing is stored until it is fixed.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from acujournal.domain.model import AcupunctureStyle, Practitioner
from acujournal.domain.needle_sizes import NeedleSizeNames
from acujournal.domain.validation import (
    GAUGE_MM_RANGE,
    LENGTH_MM_RANGE,
    YEARS_IN_PRACTICE_RANGE,
    Problem,
    ValidationError,
)
from acujournal.services.practitioners import list_practitioners
from acujournal.services.questionnaires import available_questionnaires
from acujournal.services.settings import (
    MAX_IDLE_LOCK_MINUTES,
    ClinicDetails,
    get_caution_depths,
    get_clinic_details,
    get_default_questionnaire,
    get_idle_lock_minutes,
    get_needle_size_names,
    save_settings,
)
from acujournal.storage.db import Database

STYLE_NAMES = {
    AcupunctureStyle.TCM: "Traditional Chinese medicine",
    AcupunctureStyle.JAPANESE: "Japanese",
    AcupunctureStyle.KOREAN: "Korean",
    AcupunctureStyle.WESTERN_MEDICAL: "Western medical",
    AcupunctureStyle.FIVE_ELEMENT: "Five element",
    AcupunctureStyle.AURICULAR: "Auricular",
    AcupunctureStyle.OTHER: "Other",
}


class PractitionerForm(QWidget):
    """Edits one practitioner profile; :meth:`practitioner` reads it back."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = QLineEdit()
        self.qualification = QLineEdit()
        self.qualification.setPlaceholderText(self.tr("e.g. Lic.Ac., BSc Acupuncture"))
        self.years = QSpinBox()
        self.years.setRange(YEARS_IN_PRACTICE_RANGE[0] - 1, YEARS_IN_PRACTICE_RANGE[1])
        self.years.setSpecialValueText(self.tr("not given"))
        self.style = QComboBox()
        for style, name in STYLE_NAMES.items():
            self.style.addItem(self.tr(name), style.value)
        self.gauge = self._mm(GAUGE_MM_RANGE, 2, 0.01)
        self.length = self._mm(LENGTH_MM_RANGE, 1, 5.0)
        self.brand = QLineEdit()
        self.active = QCheckBox(self.tr("Still works here (listed when recording sessions)"))
        form = QFormLayout(self)
        for label, widget in (
            (self.tr("&Name:"), self.name),
            (self.tr("&Qualification:"), self.qualification),
            (self.tr("&Years in practice:"), self.years),
            (self.tr("St&yle:"), self.style),
            (self.tr("Default needle &gauge:"), self.gauge),
            (self.tr("Default needle &length:"), self.length),
            (self.tr("Default needle &brand:"), self.brand),
        ):
            form.addRow(label, widget)
            widget.setAccessibleName(label.replace("&", "").rstrip(":"))
        form.addRow("", self.active)
        self._id: uuid.UUID | None = None

    def _mm(self, bounds: tuple[float, float], decimals: int, step: float) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setDecimals(decimals)
        box.setRange(0.0, bounds[1])
        box.setSingleStep(step)
        box.setSuffix(" mm")
        box.setSpecialValueText(self.tr("not given"))
        return box

    def show_practitioner(self, practitioner: Practitioner) -> None:
        self._id = practitioner.id
        self.name.setText(practitioner.name)
        self.qualification.setText(practitioner.qualification)
        self.years.setValue(
            self.years.minimum()
            if practitioner.years_in_practice is None
            else practitioner.years_in_practice
        )
        self.style.setCurrentIndex(max(0, self.style.findData(practitioner.style.value)))
        self.gauge.setValue(practitioner.default_gauge_mm or 0.0)
        self.length.setValue(practitioner.default_length_mm or 0.0)
        self.brand.setText(practitioner.default_needle_brand)
        self.active.setChecked(practitioner.active)

    def practitioner(self) -> Practitioner:
        assert self._id is not None
        years = self.years.value()
        return Practitioner(
            id=self._id,
            name=self.name.text().strip(),
            qualification=self.qualification.text().strip(),
            years_in_practice=None if years == self.years.minimum() else years,
            style=AcupunctureStyle(self.style.currentData()),
            default_gauge_mm=self.gauge.value() or None,
            default_length_mm=self.length.value() or None,
            default_needle_brand=self.brand.text().strip(),
            active=self.active.isChecked(),
        )


class SettingsDialog(QDialog):
    """The clinic's settings in three tabs; saved together on OK."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle(self.tr("Clinic settings"))
        self.resize(760, 560)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._clinic_tab(), self.tr("&Clinic"))
        self.tabs.addTab(self._practitioners_tab(), self.tr("&Practitioners"))
        self.tabs.addTab(self._depths_tab(), self.tr("Caution &depths"))
        self.error = QLabel()
        self.error.setObjectName("settingsError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: palette(highlighted-text); background: #b3261e;")
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._load()

    # Tabs ----------------------------------------------------------------------------------
    def _clinic_tab(self) -> QWidget:
        tab = QWidget()
        self.clinic_name = QLineEdit()
        self.clinic_name.setPlaceholderText(self.tr("Printed at the top of every report"))
        self.clinic_address = QPlainTextEdit()
        self.clinic_address.setTabChangesFocus(True)
        self.clinic_address.setFixedHeight(90)
        self.logo_path = QLineEdit()
        self.logo_path.setPlaceholderText(self.tr("A PNG or JPEG file, up to 4 MB"))
        self.logo_path.textChanged.connect(self._show_logo)
        browse = QPushButton(self.tr("Choose &logo…"))
        browse.clicked.connect(self._choose_logo)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_path, 1)
        logo_row.addWidget(browse)
        self.logo_preview = QLabel()
        self.logo_preview.setFixedHeight(80)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        outer = QVBoxLayout(tab)
        form = QFormLayout()
        outer.addLayout(form)
        outer.addStretch(1)
        form.addRow(self.tr("Clinic &name:"), self.clinic_name)
        form.addRow(self.tr("&Address:"), self.clinic_address)
        form.addRow(self.tr("Logo:"), logo_row)
        form.addRow("", self.logo_preview)
        self.idle_minutes = QSpinBox()
        self.idle_minutes.setRange(0, MAX_IDLE_LOCK_MINUTES)
        self.idle_minutes.setSuffix(self.tr(" min"))
        self.idle_minutes.setSpecialValueText(self.tr("never"))
        self.idle_minutes.setAccessibleName(self.tr("Lock after minutes without use"))
        form.addRow(self.tr("Lock the screen &after:"), self.idle_minutes)
        self.needle_sizes = QComboBox()
        for names, label in (
            (NeedleSizeNames.MILLIMETRES, self.tr("millimetres only: 0.25 × 40")),
            (NeedleSizeNames.CHINESE, self.tr("with gauge and cun: 0.25 (32G) × 40 (1.5 cun)")),
            (NeedleSizeNames.JAPANESE, self.tr("with number and sun: 0.25 (No. 5) × 40 (1.3 sun)")),
        ):
            self.needle_sizes.addItem(label, names.value)
        self.needle_sizes.setAccessibleName(self.tr("How needle sizes are named"))
        self.needle_sizes.setToolTip(
            self.tr(
                "Sizes are always stored in millimetres. Depth stays in millimetres: a cun of "
                "depth depends on the patient's build."
            )
        )
        form.addRow(self.tr("Needle si&zes:"), self.needle_sizes)
        self.default_questionnaire = QComboBox()
        self.default_questionnaire.setObjectName("defaultQuestionnaire")
        self.default_questionnaire.setAccessibleName(self.tr("Default intake questionnaire"))
        self.default_questionnaire.setToolTip(
            self.tr(
                "Chosen first when the intake questionnaire is filled in on this screen or "
                "saved as a PDF form. Add the clinic's own in Journal > Intake questionnaires."
            )
        )
        form.addRow(self.tr("Default &intake questionnaire:"), self.default_questionnaire)
        self.clinic_name.setAccessibleName(self.tr("Clinic name"))
        self.clinic_address.setAccessibleName(self.tr("Clinic address"))
        self.logo_path.setAccessibleName(self.tr("Logo file"))
        return tab

    def _practitioners_tab(self) -> QWidget:
        tab = QWidget()
        self.practitioner_list = QListWidget()
        self.practitioner_list.setAccessibleName(self.tr("Practitioners"))
        self.practitioner_list.currentItemChanged.connect(self._practitioner_chosen)
        add = QPushButton(self.tr("&Add practitioner"))
        add.clicked.connect(self.add_practitioner)
        left = QVBoxLayout()
        left.addWidget(self.practitioner_list, 1)
        left.addWidget(add)
        self.practitioner_form = PractitionerForm()
        self.practitioner_form.setEnabled(False)
        self.practitioner_form.name.textEdited.connect(self._rename_current)
        layout = QHBoxLayout(tab)
        layout.addLayout(left, 1)
        layout.addWidget(self.practitioner_form, 2)
        return tab

    def _depths_tab(self) -> QWidget:
        tab = QWidget()
        note = QLabel(
            self.tr(
                "A recorded depth beyond a point's caution depth is flagged in the session "
                "editor. Set them from your own training and sources; none are built in."
            )
        )
        note.setWordWrap(True)
        self.depths = QTableWidget(0, 2)
        self.depths.setHorizontalHeaderLabels([self.tr("Point"), self.tr("Caution depth (mm)")])
        self.depths.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.depths.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.depths.setAccessibleName(self.tr("Caution depths"))
        add = QPushButton(self.tr("Add &point"))
        add.clicked.connect(lambda: self.add_depth("", None))
        remove = QPushButton(self.tr("&Remove selected"))
        remove.clicked.connect(self._remove_depths)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        layout = QVBoxLayout(tab)
        layout.addWidget(note)
        layout.addWidget(self.depths, 1)
        layout.addLayout(row)
        return tab

    # Loading -------------------------------------------------------------------------------
    def _load(self) -> None:
        clinic = get_clinic_details(self.db)
        self.clinic_name.setText(clinic.name)
        self.clinic_address.setPlainText(clinic.address)
        self.logo_path.setText(clinic.logo_path)
        self.idle_minutes.setValue(get_idle_lock_minutes(self.db))
        chosen = self.needle_sizes.findData(get_needle_size_names(self.db).value)
        self.needle_sizes.setCurrentIndex(max(chosen, 0))
        for info in available_questionnaires(self.db):
            self.default_questionnaire.addItem(f"{info.title} ({info.key})", info.key)
        default = self.default_questionnaire.findData(get_default_questionnaire(self.db))
        self.default_questionnaire.setCurrentIndex(max(default, 0))
        self._practitioners: dict[uuid.UUID, Practitioner] = {}
        self._changed: set[uuid.UUID] = set()
        for practitioner in list_practitioners(self.db):
            self._list_practitioner(practitioner)
        if self.practitioner_list.count():
            self.practitioner_list.setCurrentRow(0)
        for code, depth in get_caution_depths(self.db).items():
            self.add_depth(code, depth)

    def _list_practitioner(self, practitioner: Practitioner) -> QListWidgetItem:
        self._practitioners[practitioner.id] = practitioner
        item = QListWidgetItem(practitioner.name or self.tr("(new practitioner)"))
        item.setData(Qt.ItemDataRole.UserRole, practitioner.id)
        self.practitioner_list.addItem(item)
        return item

    # Practitioners -------------------------------------------------------------------------
    def _keep_form(self) -> None:
        """Take what the form shows back into the practitioner it shows."""
        if not self.practitioner_form.isEnabled():
            return
        edited = self.practitioner_form.practitioner()
        if edited != self._practitioners.get(edited.id):
            self._practitioners[edited.id] = edited
            self._changed.add(edited.id)

    def _practitioner_chosen(self, current: QListWidgetItem | None, _previous: object) -> None:
        self._keep_form()
        if current is None:
            self.practitioner_form.setEnabled(False)
            return
        practitioner = self._practitioners[current.data(Qt.ItemDataRole.UserRole)]
        self.practitioner_form.show_practitioner(practitioner)
        self.practitioner_form.setEnabled(True)

    def _rename_current(self, name: str) -> None:
        item = self.practitioner_list.currentItem()
        if item is not None:
            item.setText(name.strip() or self.tr("(new practitioner)"))

    def add_practitioner(self) -> Practitioner:
        practitioner = Practitioner(name="")
        self._changed.add(practitioner.id)
        item = self._list_practitioner(practitioner)
        self.practitioner_list.setCurrentItem(item)
        self.practitioner_form.name.setFocus()
        return practitioner

    # Caution depths ------------------------------------------------------------------------
    def add_depth(self, code: str, depth: float | None) -> int:
        row = self.depths.rowCount()
        self.depths.insertRow(row)
        self.depths.setItem(row, 0, QTableWidgetItem(code))
        self.depths.setItem(row, 1, QTableWidgetItem("" if depth is None else f"{depth:g}"))
        self.depths.setCurrentCell(row, 0)
        return row

    def _remove_depths(self) -> None:
        for row in sorted({i.row() for i in self.depths.selectedIndexes()}, reverse=True):
            self.depths.removeRow(row)

    def caution_depths(self) -> dict[str, float]:
        """The table's rows; a depth that is not a number is passed on as NaN and refused."""
        depths: dict[str, float] = {}
        for row in range(self.depths.rowCount()):
            code = (self.depths.item(row, 0) or QTableWidgetItem()).text().strip()
            text = (self.depths.item(row, 1) or QTableWidgetItem()).text().strip()
            if not code and not text:
                continue
            try:
                depths[code] = float(text.replace(",", "."))
            except ValueError:
                depths[code] = float("nan")
        return depths

    # Logo ----------------------------------------------------------------------------------
    def _choose_logo(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, self.tr("Clinic logo"), "", self.tr("Images (*.png *.jpg *.jpeg)")
        )
        if chosen:
            self.logo_path.setText(chosen)

    def _show_logo(self, path: str) -> None:
        pixmap = QPixmap(str(Path(path).expanduser())) if path.strip() else QPixmap()
        if pixmap.isNull():
            self.logo_preview.clear()
        else:
            self.logo_preview.setPixmap(
                pixmap.scaledToHeight(80, Qt.TransformationMode.SmoothTransformation)
            )

    # Saving --------------------------------------------------------------------------------
    def clinic(self) -> ClinicDetails:
        return ClinicDetails(
            name=self.clinic_name.text(),
            address=self.clinic_address.toPlainText(),
            logo_path=self.logo_path.text(),
        )

    def save(self) -> bool:
        """Store everything; False (with the problems shown) when anything is refused."""
        self._keep_form()
        changed = [self._practitioners[i] for i in self._practitioners if i in self._changed]
        try:
            save_settings(
                self.db,
                self.clinic(),
                changed,
                self.caution_depths(),
                idle_lock_minutes=self.idle_minutes.value(),
                needle_sizes=NeedleSizeNames(self.needle_sizes.currentData()),
                default_questionnaire=self.default_questionnaire.currentData(),
            )
        except ValidationError as error:
            self.error.setText("\n".join(self._describe(p) for p in error.problems))
            self.error.show()
            return False
        self._changed.clear()
        return True

    def _describe(self, problem: Problem) -> str:
        """A problem in the dialog's words: which tab and field, then what is wrong."""
        fields = {
            "clinic.name": self.tr("Clinic name"),
            "clinic.address": self.tr("Clinic address"),
            "clinic.logo": self.tr("Clinic logo"),
            "intake.default_questionnaire": self.tr("Default intake questionnaire"),
            "name": self.tr("name"),
            "years_in_practice": self.tr("years in practice"),
            "default_gauge_mm": self.tr("default needle gauge"),
            "default_length_mm": self.tr("default needle length"),
        }
        field = problem.field
        if field.startswith("practitioner "):
            who, _, detail = field.removeprefix("practitioner ").rpartition(".")
            where = self.tr("Practitioner %1, %2").replace("%1", who)
            where = where.replace("%2", fields.get(detail, detail))
        elif field.startswith("caution_depth["):
            point = field.removeprefix("caution_depth[").removesuffix("]")
            where = self.tr("Caution depth of %1").replace("%1", point or "?")
        else:
            where = fields.get(field, field)
        return f"{where}: {problem.message}"

    def accept(self) -> None:
        if self.save():
            super().accept()
