"""A front and back body chart: mark where it hurts, see where needles went.

The two figures are drawn here with QPainterPath on a fixed canvas (``CANVAS``) and scaled to
the widget. Each figure is built from a few smooth body parts (head, neck, torso, arms, legs);
the coded pain regions are those parts cut into bands, so the regions tile the silhouette
exactly and never overlap. ``REGION_PATHS`` is the one table of region code -> path builder.

Sides follow the patient, as on a paper chart: the front figure faces the viewer, so the
patient's right is on the viewer's left; on the back figure the patient's left is on the left.
Limbs appear on both figures and share one code ("left_thigh" is the same thigh front or back).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QPoint,
    QPointF,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QColor,
    QContextMenuEvent,
    QFocusEvent,
    QFont,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QPolygonF,
    QTransform,
)
from PySide6.QtWidgets import QMenu, QSizePolicy, QToolTip, QWidget

FIGURE_WIDTH = 200.0
FIGURE_HEIGHT = 470.0
BACK_OFFSET = 250.0
"""The back figure sits this far right of the front figure on the canvas."""
CAPTION_HEIGHT = 30.0
LEGEND_HEIGHT = 26.0
CANVAS = QRectF(
    0.0, 0.0, BACK_OFFSET + FIGURE_WIDTH, FIGURE_HEIGHT + CAPTION_HEIGHT + LEGEND_HEIGHT
)
FRONT, BACK = "front", "back"


# Geometry --------------------------------------------------------------------------------
def _smooth(points: Sequence[tuple[float, float]]) -> QPainterPath:
    """A closed Catmull-Rom curve through ``points``: organic outlines from a few numbers."""
    pts = [QPointF(x, y) for x, y in points]
    path = QPainterPath(pts[0])
    count = len(pts)
    for i in range(count):
        p0, p1, p2, p3 = pts[i - 1], pts[i], pts[(i + 1) % count], pts[(i + 2) % count]
        path.cubicTo(p1 + (p2 - p0) / 6.0, p2 - (p3 - p1) / 6.0, p2)
    path.closeSubpath()
    return path


def _mirror_points(points: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    return [(FIGURE_WIDTH - x, y) for x, y in points]


def _symmetric(half: Sequence[tuple[float, float]]) -> QPainterPath:
    """A closed outline from its left half, given top-centre to bottom-centre."""
    right = _mirror_points(half)[::-1]
    return _smooth([*half, *right[1:-1]])


def _rect(x0: float, y0: float, x1: float, y1: float) -> QPainterPath:
    path = QPainterPath()
    path.addRect(QRectF(QPointF(x0, y0), QPointF(x1, y1)))
    return path


def _polygon(points: Sequence[tuple[float, float]]) -> QPainterPath:
    path = QPainterPath()
    path.addPolygon(QPolygonF([QPointF(x, y) for x, y in points]))
    path.closeSubpath()
    return path


# Outlines of the viewer-left side; the right side is their mirror image.
_TORSO_HALF = (
    (100, 74),
    (86, 76),
    (70, 82),
    (56, 88),
    (47, 98),
    (44, 112),
    (52, 126),
    (60, 150),
    (64, 178),
    (66, 200),
    (62, 226),
    (60, 246),
    (70, 262),
    (86, 270),
    (100, 274),
)
_ARM = (
    (52, 100),
    (42, 110),
    (38, 132),
    (36, 160),
    (34, 192),
    (29, 226),
    (25, 262),
    (19, 276),
    (16, 294),
    (20, 312),
    (28, 318),
    (36, 312),
    (38, 296),
    (37, 278),
    (40, 262),
    (46, 228),
    (52, 194),
    (56, 160),
    (58, 128),
)
_LEG = (
    (62, 230),
    (58, 262),
    (59, 300),
    (64, 334),
    (66, 352),
    (64, 372),
    (68, 402),
    (74, 424),
    (72, 440),
    (70, 452),
    (78, 460),
    (92, 460),
    (96, 450),
    (94, 434),
    (92, 420),
    (95, 392),
    (96, 366),
    (95, 346),
    (97, 320),
    (99, 292),
    (100, 268),
    (96, 240),
)
_NECK = ((91, 56), (90, 70), (87, 82), (113, 82), (110, 70), (109, 56))
_HEAD_CENTRE, _HEAD_RX, _HEAD_RY = QPointF(100, 36), 21.0, 26.0

# Band limits (figure y) of the limb regions and of the torso regions.
_ELBOW_Y, _WRIST_Y = 194.0, 266.0
_CHEST_Y = 160.0  # chest above, abdomen below (front)
_UPPER_BACK_Y, _LOW_BACK_Y = 166.0, 220.0
_KNEE_TOP_Y, _KNEE_BOTTOM_Y, _ANKLE_Y = 332.0, 360.0, 424.0


@cache
def _parts() -> dict[str, QPainterPath]:
    """The smooth body parts of one figure, with overlaps removed (torso wins)."""
    head = QPainterPath()
    head.addEllipse(_HEAD_CENTRE, _HEAD_RX, _HEAD_RY)
    torso = _symmetric(_TORSO_HALF)
    neck = _polygon(_NECK).subtracted(torso).subtracted(head)
    parts = {"head": head, "neck": neck, "torso": torso}
    for name, outline in (("arm", _ARM), ("leg", _LEG)):
        viewer_left = _smooth(outline).subtracted(torso)
        parts[f"{name}_a"] = viewer_left
        parts[f"{name}_b"] = _smooth(_mirror_points(outline)).subtracted(torso)
    return parts


def _band(part: QPainterPath, top: float, bottom: float) -> QPainterPath:
    return part.intersected(_rect(-50, top, FIGURE_WIDTH + 50, bottom)).simplified()


def _half(path: QPainterPath, viewer_left: bool) -> QPainterPath:
    x0, x1 = (-50.0, FIGURE_WIDTH / 2) if viewer_left else (FIGURE_WIDTH / 2, FIGURE_WIDTH + 50)
    return path.intersected(_rect(x0, -50, x1, FIGURE_HEIGHT + 50)).simplified()


_MIRROR = QTransform(-1.0, 0.0, 0.0, 1.0, FIGURE_WIDTH, 0.0)


def _shoulder_zone() -> QPainterPath:
    """Viewer-left of a curve from the side of the neck round to the armpit."""
    zone = QPainterPath(QPointF(-50, -50))
    zone.lineTo(84, -50)
    zone.lineTo(84, 80)
    zone.cubicTo(QPointF(76, 94), QPointF(62, 102), QPointF(58, 132))
    zone.lineTo(-50, 140)
    zone.closeSubpath()
    return zone


def _seat_zone() -> QPainterPath:
    """From the low back down to the gluteal folds, which droop under each buttock."""
    zone = QPainterPath(QPointF(-50, _LOW_BACK_Y))
    zone.lineTo(FIGURE_WIDTH + 50, _LOW_BACK_Y)
    zone.lineTo(FIGURE_WIDTH + 50, 276)
    zone.lineTo(142, 278)
    zone.quadTo(QPointF(128, 306), QPointF(100, 290))
    zone.quadTo(QPointF(72, 306), QPointF(58, 278))
    zone.lineTo(-50, 276)
    zone.closeSubpath()
    return zone


@cache
def _shoulders() -> tuple[QPainterPath, QPainterPath]:
    """The shoulder caps (viewer-left, viewer-right): torso and arm top outside the cut."""
    parts = _parts()
    zone = _shoulder_zone()
    left = parts["torso"].united(parts["arm_a"]).intersected(zone).simplified()
    right = parts["torso"].united(parts["arm_b"]).intersected(_MIRROR.map(zone)).simplified()
    return left, right


def _limb(
    kind: str, viewer_left: bool, top: float, bottom: float, above: QPainterPath
) -> QPainterPath:
    """A band of an arm or leg, less what belongs to the region above it (shoulder, seat)."""
    part = _parts()[f"{kind}_{'a' if viewer_left else 'b'}"]
    return _band(part, top, bottom).subtracted(above).simplified()


def _figure_regions(figure: str) -> dict[str, QPainterPath]:
    """Region code -> path in figure coordinates, for one figure."""
    parts = _parts()
    torso = parts["torso"]
    shoulders = _shoulders()
    regions: dict[str, QPainterPath] = {"head": parts["head"], "neck": parts["neck"]}
    torso_rest = torso.subtracted(shoulders[0]).subtracted(shoulders[1])
    if figure == FRONT:
        regions["chest"] = _band(torso_rest, -50, _CHEST_Y)
        regions["abdomen"] = _band(torso_rest, _CHEST_Y, FIGURE_HEIGHT)
        seat_zone = seat = QPainterPath()  # no buttocks on the front
    else:
        regions["upper_back"] = _band(torso_rest, -50, _UPPER_BACK_Y)
        regions["low_back"] = _band(torso_rest, _UPPER_BACK_Y, _LOW_BACK_Y)
        seat_zone = _seat_zone()
        seat = torso.united(parts["leg_a"]).united(parts["leg_b"]).intersected(seat_zone)
    for viewer_left in (True, False):
        # Front figure faces us: its viewer-left limbs are the patient's right ones.
        patient_side = (
            ("right" if viewer_left else "left")
            if figure == FRONT
            else ("left" if viewer_left else "right")
        )
        shoulder = shoulders[0 if viewer_left else 1]
        regions[f"{patient_side}_shoulder"] = shoulder
        for code, kind, top, bottom, above in (
            ("upper_arm", "arm", -50, _ELBOW_Y, shoulder),
            ("forearm", "arm", _ELBOW_Y, _WRIST_Y, shoulder),
            ("hand", "arm", _WRIST_Y, FIGURE_HEIGHT, shoulder),
            ("thigh", "leg", -50, _KNEE_TOP_Y, seat_zone),
            ("knee", "leg", _KNEE_TOP_Y, _KNEE_BOTTOM_Y, seat_zone),
            ("calf", "leg", _KNEE_BOTTOM_Y, _ANKLE_Y, seat_zone),
            ("foot", "leg", _ANKLE_Y, FIGURE_HEIGHT, seat_zone),
        ):
            regions[f"{patient_side}_{code}"] = _limb(kind, viewer_left, top, bottom, above)
        if figure == BACK:
            regions[f"{patient_side}_buttock"] = _half(seat, viewer_left)
    return regions


@cache
def figure_regions(figure: str) -> dict[str, QPainterPath]:
    """Region code -> path on the canvas for the front or back figure (cached)."""
    offset = QTransform.fromTranslate(0.0 if figure == FRONT else BACK_OFFSET, 0.0)
    return {code: offset.map(path) for code, path in _figure_regions(figure).items()}


@cache
def _outlines(figure: str) -> tuple[QPainterPath, QPainterPath]:
    """(every region's border, the figure's outer outline) on the canvas, for painting."""
    seams = QPainterPath()
    for path in figure_regions(figure).values():
        seams.addPath(path)
    return seams, seams.simplified()


def _region_builder(code: str) -> Callable[[], QPainterPath]:
    def build() -> QPainterPath:
        path = QPainterPath()
        for figure in (FRONT, BACK):
            part = figure_regions(figure).get(code)
            if part is not None:
                path.addPath(part)
        return path

    return build


_SIDED = (
    "shoulder",
    "upper_arm",
    "forearm",
    "hand",
    "buttock",
    "thigh",
    "knee",
    "calf",
    "foot",
)
_MIDLINE = ("head", "neck", "chest", "abdomen", "upper_back", "low_back")
REGION_CODES: tuple[str, ...] = (
    *_MIDLINE,
    *(f"{side}_{part}" for part in _SIDED for side in ("left", "right")),
)
REGION_PATHS: dict[str, Callable[[], QPainterPath]] = {
    code: _region_builder(code) for code in REGION_CODES
}
"""Every pain region code -> a builder of its canvas path (both figures where it shows)."""


@cache
def figure_anchor(code: str, figure: str) -> QPointF:
    """A canvas point well inside a region's part on one figure."""
    path = figure_regions(figure)[code]
    return _inside_point(path, path.boundingRect().center())


def region_anchor(code: str) -> QPointF:
    """A canvas point well inside the region (its first figure's part): for focus and tests."""
    for figure in (FRONT, BACK):
        if code in figure_regions(figure):
            return figure_anchor(code, figure)
    raise KeyError(code)


def _inside_point(path: QPainterPath, near: QPointF) -> QPointF:
    if path.contains(near):
        return near
    # Thin or curved regions: the middle of the widest horizontal chord near ``near``.
    box = path.boundingRect()
    best: QPointF | None = None
    for step in range(1, 40):
        y = box.top() + box.height() * step / 40
        chord = path.intersected(_rect(box.left() - 1, y - 0.25, box.right() + 1, y + 0.25))
        if chord.isEmpty():
            continue
        middle = QPointF(chord.boundingRect().center().x(), y)
        if path.contains(middle) and (best is None or abs(y - near.y()) < abs(best.y() - near.y())):
            best = middle
    return best if best is not None else box.center()


# Labels -----------------------------------------------------------------------------------
def region_label(code: str) -> str:
    """The region's name as shown to people ("left thigh")."""
    translate = QCoreApplication.translate
    names = {
        "head": translate("BodyChart", "head"),
        "neck": translate("BodyChart", "neck"),
        "chest": translate("BodyChart", "chest"),
        "abdomen": translate("BodyChart", "abdomen"),
        "upper_back": translate("BodyChart", "upper back"),
        "low_back": translate("BodyChart", "low back"),
        "shoulder": translate("BodyChart", "shoulder"),
        "upper_arm": translate("BodyChart", "upper arm"),
        "forearm": translate("BodyChart", "forearm"),
        "hand": translate("BodyChart", "hand"),
        "buttock": translate("BodyChart", "buttock"),
        "thigh": translate("BodyChart", "thigh"),
        "knee": translate("BodyChart", "knee"),
        "calf": translate("BodyChart", "calf"),
        "foot": translate("BodyChart", "foot"),
    }
    side, _, part = code.partition("_")
    if side == "left" and part in names:
        return translate("BodyChart", "left %1").replace("%1", names[part])
    if side == "right" and part in names:
        return translate("BodyChart", "right %1").replace("%1", names[part])
    return names.get(code, code)


# Needled points -----------------------------------------------------------------------------
_PLACES: dict[str, tuple[str, str]] = {
    # catalogue region -> (figure, body chart region without side)
    "head": (FRONT, "head"),
    "face": (FRONT, "head"),
    "ear": (FRONT, "head"),
    "neck": (BACK, "neck"),
    "shoulder": (BACK, "shoulder"),
    "chest": (FRONT, "chest"),
    "abdomen": (FRONT, "abdomen"),
    "perineum": (FRONT, "abdomen"),
    "upper_back": (BACK, "upper_back"),
    "low_back": (BACK, "low_back"),
    "buttock": (BACK, "buttock"),
    "upper_arm": (FRONT, "upper_arm"),
    "forearm": (FRONT, "forearm"),
    "hand": (FRONT, "hand"),
    "thigh": (FRONT, "thigh"),
    "knee": (FRONT, "knee"),
    "lower_leg": (FRONT, "calf"),
    "foot": (FRONT, "foot"),
}
# Meridians running over the back of the body (and, with the palms forward, the back of the
# arm): their head, limb and perineum points are drawn on the back figure.
_POSTERIOR_MERIDIANS = frozenset({"BL", "GV", "SI", "TE", "LI"})
_SIDES = ("left", "right")


@dataclass(frozen=True, slots=True)
class NeedleDot:
    """One drawn dot: a needled point on one side, where it sits on the canvas."""

    point: str
    figure: str
    region: str
    position: QPointF
    side_known: bool


def needle_places(point: str, region: str | None = None) -> tuple[str, str] | None:
    """(figure, chart region without side) where a point is drawn, or None if unknown.

    ``point`` is a catalogue code or alias, optionally with a Jiaji spinal level
    ("EX-B2 T5"); ``region`` is the catalogue region of an Ashi or free point.
    """
    from acujournal.domain.catalogue import default_catalogue

    code, _, level = point.strip().partition(" ")
    catalogue = default_catalogue()
    normal = catalogue.normalize(code)
    entry = catalogue.get(normal) if normal else None
    where = region or (entry.region if entry else "")
    if level.strip().upper().startswith("T") and where == "low_back":
        where = "upper_back"  # Jiaji beside a thoracic vertebra
    place = _PLACES.get(where)
    if place is None:
        return None
    meridian = entry.meridian if entry else None
    if meridian in _POSTERIOR_MERIDIANS and place[1] in (*_SIDED, "head", "abdomen"):
        base = "low_back" if place[1] == "abdomen" else place[1]
        return BACK, base
    return place


def _dot_slots(figure: str, base: str, side: str) -> list[tuple[str, float]]:
    """(region code, horizontal offset as a fraction of the region's width) for a side."""
    sides = [side] if side in _SIDES else list(_SIDES)
    if base in _SIDED:
        return [(f"{s}_{base}", 0.0) for s in sides]
    if side == "midline":
        return [(base, 0.0)]
    # Patient's left is viewer-right on the front figure and viewer-left on the back one.
    towards_left = 1.0 if figure == FRONT else -1.0
    return [(base, 0.22 * (towards_left if s == "left" else -towards_left)) for s in sides]


def layout_needles(
    points: Iterable[tuple[str, str] | tuple[str, str, str | None]],
) -> list[NeedleDot]:
    """Canvas dots for needled points given as (code, side) or (code, side, region).

    Bilateral points get a dot on each side; a side that is not known ("" or "unknown") is
    drawn on both sides as a hollow ring. Several points in one spot are spread out.
    """
    slots: dict[tuple[str, str, float], list[tuple[str, bool]]] = {}
    for entry in points:
        code, side = entry[0], str(entry[1] or "unknown")
        region = entry[2] if len(entry) > 2 else None
        place = needle_places(code, region)
        if place is None:
            continue
        figure, base = place
        known = side in (*_SIDES, "bilateral", "midline")
        for region_code, offset in _dot_slots(figure, base, side):
            slots.setdefault((figure, region_code, offset), []).append((code, known))
    dots: list[NeedleDot] = []
    for (figure, region_code, offset), names in slots.items():
        path = figure_regions(figure)[region_code]
        box = path.boundingRect()
        for index, (code, known) in enumerate(names):
            y = box.top() + box.height() * (index + 1) / (len(names) + 1)
            chord = path.intersected(_rect(box.left() - 1, y - 0.5, box.right() + 1, y + 0.5))
            centre = chord.boundingRect().center().x() if not chord.isEmpty() else box.center().x()
            spot = QPointF(centre + offset * box.width(), y)
            if not path.contains(spot):
                spot = _inside_point(path, spot)
            dots.append(NeedleDot(code, figure, region_code, spot, known))
    return dots


# The widget ---------------------------------------------------------------------------------
def _mix(a: QColor, b: QColor, amount: float) -> QColor:
    """``a`` moved ``amount`` (0-1) of the way towards ``b``."""
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * amount,
        a.greenF() + (b.greenF() - a.greenF()) * amount,
        a.blueF() + (b.blueF() - a.blueF()) * amount,
    )


def _cosmetic(colour: QColor, width: float) -> QPen:
    """A pen as wide on screen whatever the chart's scale."""
    pen = QPen(colour, width)
    pen.setCosmetic(True)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


class BodyChart(QWidget):
    """Front and back figures: click (or Space) marks a pain region, dots show needled points.

    Keyboard: arrow keys move between regions, Space or Enter marks and unmarks, the menu key
    (or Shift+F10) lists every region as a checkable menu.
    """

    regions_changed = Signal(list)
    """The marked region codes (in ``REGION_CODES`` order), after a user's click or key."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bodyChart")
        self.setAccessibleName(self.tr("Body chart"))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(180, 200)
        self._marked: set[str] = set()
        self._dots: list[NeedleDot] = []
        self._hover: str | None = None
        self._focus: tuple[str, str] = ("low_back", BACK)
        self._describe()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(300, 400)

    # Public API ---------------------------------------------------------------------------
    def marked_regions(self) -> list[str]:
        return [code for code in REGION_CODES if code in self._marked]

    def set_marked_regions(self, codes: Iterable[str]) -> None:
        """Show these regions as painful (no signal: the caller knows)."""
        wanted = set(codes)
        unknown = wanted.difference(REGION_CODES)
        if unknown:
            raise ValueError(f"unknown body regions: {sorted(unknown)}")
        self._marked = wanted
        self._describe()
        self.update()

    def toggle_region(self, code: str) -> None:
        """Mark or unmark a region as the user would, emitting ``regions_changed``."""
        if code not in REGION_PATHS:
            raise ValueError(f"unknown body region: {code}")
        self._marked.symmetric_difference_update({code})
        self._describe()
        self.update()
        self.regions_changed.emit(self.marked_regions())

    def set_needled_points(
        self, points: Iterable[tuple[str, str] | tuple[str, str, str | None]]
    ) -> None:
        """Draw a session's needled points: (code, side) or (code, side, region) tuples."""
        self._dots = layout_needles(points)
        self._describe()
        self.update()

    def needle_dots(self) -> list[NeedleDot]:
        return list(self._dots)

    # Geometry helpers ---------------------------------------------------------------------
    def canvas_transform(self) -> QTransform:
        """Canvas -> widget coordinates: the canvas scaled to fit, centred."""
        scale = min(self.width() / CANVAS.width(), self.height() / CANVAS.height())
        dx = (self.width() - CANVAS.width() * scale) / 2
        dy = (self.height() - CANVAS.height() * scale) / 2
        return QTransform(scale, 0, 0, scale, dx, dy)

    def region_at(self, pos: QPointF | QPoint) -> tuple[str, str] | None:
        """(region code, figure) under a widget position, or None."""
        inverse, invertible = self.canvas_transform().inverted()
        if not invertible:
            return None
        canvas_pos = inverse.map(QPointF(pos))
        for figure in (FRONT, BACK):
            for code, path in figure_regions(figure).items():
                if path.contains(canvas_pos):
                    return code, figure
        return None

    def region_centre(self, code: str) -> QPoint:
        """A widget position inside the region (on its first figure)."""
        return self.canvas_transform().map(region_anchor(code)).toPoint()

    # Events -------------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        hit = self.region_at(event.position())
        if event.button() == Qt.MouseButton.LeftButton and hit is not None:
            self._focus = hit
            self.toggle_region(hit[0])
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        hit = self.region_at(event.position())
        hover = hit[0] if hit else None
        if hover != self._hover:
            self._hover = hover
            self.setCursor(
                Qt.CursorShape.PointingHandCursor if hover else Qt.CursorShape.ArrowCursor
            )
            self.update()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802
        self._hover = None
        self.update()
        super().leaveEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            hit = self.region_at(event.pos())
            if hit is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), self._tooltip(*hit), self)
            return True
        return super().event(event)

    def _tooltip(self, code: str, figure: str) -> str:
        text = region_label(code)
        if code in self._marked:
            text = self.tr("%1 (painful)").replace("%1", text)
        needled = sorted({d.point for d in self._dots if d.region == code and d.figure == figure})
        if needled:
            text += "\n" + self.tr("Needled: %1").replace("%1", ", ".join(needled))
        return text

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = Qt.Key(event.key())
        directions = {
            Qt.Key.Key_Left: (-1.0, 0.0),
            Qt.Key.Key_Right: (1.0, 0.0),
            Qt.Key.Key_Up: (0.0, -1.0),
            Qt.Key.Key_Down: (0.0, 1.0),
        }
        if key in directions:
            self._move_focus(*directions[key])
        elif key in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.toggle_region(self._focus[0])
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def _move_focus(self, dx: float, dy: float) -> None:
        start = figure_anchor(*self._focus)
        best: tuple[float, tuple[str, str]] | None = None
        for figure in (FRONT, BACK):
            for code in figure_regions(figure):
                if (code, figure) == self._focus:
                    continue
                there = figure_anchor(code, figure)
                vx, vy = there.x() - start.x(), there.y() - start.y()
                along = vx * dx + vy * dy
                if along <= 0.5:
                    continue
                across = abs(vx * dy - vy * dx)
                score = along + 2.5 * across
                if best is None or score < best[0]:
                    best = (score, (code, figure))
        if best is not None:
            self._focus = best[1]
            self._describe()
            self.update()

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        self.update()
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        self.update()
        super().focusOutEvent(event)

    def build_menu(self) -> QMenu:
        """Every region as a checkable action: the keyboard and screen reader route."""
        menu = QMenu(self.tr("Pain regions"), self)
        menu.setAccessibleName(self.tr("Pain regions"))
        for code in REGION_CODES:
            action = QAction(region_label(code), menu)
            action.setCheckable(True)
            action.setChecked(code in self._marked)
            action.setData(code)
            action.triggered.connect(lambda _checked=False, c=code: self.toggle_region(c))
            menu.addAction(action)
        return menu

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802
        self.build_menu().exec(event.globalPos())

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.PaletteChange:
            self.update()
        super().changeEvent(event)

    def _describe(self) -> None:
        marked = ", ".join(region_label(c) for c in self.marked_regions()) or self.tr("none")
        points = ", ".join(sorted({d.point for d in self._dots})) or self.tr("none")
        self.setAccessibleDescription(
            self.tr("Marked pain: %1. Needled: %2. Current region: %3.")
            .replace("%1", marked)
            .replace("%2", points)
            .replace("%3", region_label(self._focus[0]))
        )

    # Painting -----------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        palette = self.palette()
        base = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.Text)
        dark = base.lightness() < 128
        highlight = palette.color(QPalette.ColorRole.Highlight)
        if dark:  # dots must stand out on the dark red of a marked region too
            highlight = highlight.lighter(150)
        body = _mix(base, text, 0.07 if dark else 0.05)
        seams = _mix(base, text, 0.2)
        outline = _mix(base, text, 0.7)
        pain = QColor.fromHsl(3, 200, 150 if dark else 118)
        pain.setAlpha(200)
        hover = QColor(highlight)
        hover.setAlpha(55)

        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), base)
        transform = self.canvas_transform()
        painter.setTransform(transform)
        focused = self.hasFocus()
        for figure in (FRONT, BACK):
            regions = figure_regions(figure)
            seam_lines, outline_path = _outlines(figure)
            painter.fillPath(outline_path, body)
            for code, path in regions.items():
                if code in self._marked:
                    painter.fillPath(path, pain)
                if code == self._hover:
                    painter.fillPath(path, hover)
            painter.strokePath(seam_lines, _cosmetic(seams, 1.0))
            painter.strokePath(outline_path, _cosmetic(outline, 1.0))
            if focused and self._focus[1] == figure:
                focus_pen = _cosmetic(highlight, 2.5)
                focus_pen.setStyle(Qt.PenStyle.DashLine)
                painter.strokePath(regions[self._focus[0]], focus_pen)
        self._paint_dots(painter, transform, highlight, base)
        self._paint_captions(painter, transform, text)
        self._paint_legend(painter, transform, text, pain, highlight, base)
        painter.end()

    def _paint_dots(
        self, painter: QPainter, transform: QTransform, colour: QColor, base: QColor
    ) -> None:
        painter.resetTransform()
        radius = max(3.0, transform.m11() * 4.0)
        for dot in self._dots:
            centre = transform.map(dot.position)
            painter.setPen(QPen(base if dot.side_known else colour, 1.6))
            painter.setBrush(colour if dot.side_known else base)
            painter.drawEllipse(centre, radius, radius)

    def _paint_captions(self, painter: QPainter, transform: QTransform, text: QColor) -> None:
        painter.resetTransform()
        font = QFont(self.font())
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(text)
        quiet = _mix(self.palette().color(QPalette.ColorRole.Base), text, 0.6)
        for figure, caption in ((FRONT, self.tr("Front")), (BACK, self.tr("Back"))):
            left = 0.0 if figure == FRONT else BACK_OFFSET
            box = transform.mapRect(QRectF(left, FIGURE_HEIGHT, FIGURE_WIDTH, CAPTION_HEIGHT))
            painter.setFont(font)
            painter.setPen(text)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, caption)
            # Patient sides, so nobody has to remember which way the front figure faces.
            first, second = (
                (self.tr("R"), self.tr("L")) if figure == FRONT else (self.tr("L"), self.tr("R"))
            )
            painter.setFont(self.font())
            painter.setPen(quiet)
            painter.drawText(box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, first)
            painter.drawText(
                box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, second
            )

    def _paint_legend(
        self,
        painter: QPainter,
        transform: QTransform,
        text: QColor,
        pain: QColor,
        needle: QColor,
        base: QColor,
    ) -> None:
        """One line under the figures: what red, dots and rings mean."""
        entries: list[tuple[str, str]] = [("pain", self.tr("painful region"))]
        if any(d.side_known for d in self._dots):
            entries.append(("dot", self.tr("needled")))
        if any(not d.side_known for d in self._dots):
            entries.append(("ring", self.tr("needled, side not recorded")))
        painter.resetTransform()
        painter.setFont(self.font())
        metrics = painter.fontMetrics()
        box = transform.mapRect(
            QRectF(0, FIGURE_HEIGHT + CAPTION_HEIGHT, CANVAS.width(), LEGEND_HEIGHT)
        )
        swatch = float(metrics.height()) * 0.7
        gap = metrics.horizontalAdvance("  ")
        widths = [swatch + gap / 2 + metrics.horizontalAdvance(label) for _, label in entries]
        x = box.center().x() - (sum(widths) + gap * (len(entries) - 1)) / 2
        y = box.center().y()
        for (kind, label), width in zip(entries, widths, strict=True):
            mark = QRectF(x, y - swatch / 2, swatch, swatch)
            if kind == "pain":
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(pain)
                painter.drawRoundedRect(mark, 2, 2)
            else:
                painter.setPen(QPen(base if kind == "dot" else needle, 1.6))
                painter.setBrush(needle if kind == "dot" else base)
                painter.drawEllipse(mark)
            painter.setPen(text)
            painter.drawText(
                QRectF(x + swatch + gap / 2, box.top(), width, box.height()),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                label,
            )
            x += width + gap
