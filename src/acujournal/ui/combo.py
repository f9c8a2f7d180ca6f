"""Finding a combo box item by its data."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox


def index_of_data(combo: QComboBox, value: object) -> int:
    """The index of the first item whose data equals ``value``, or -1.

    ``QComboBox.findData`` compares Python objects (UUIDs, enums) by identity, so an equal
    value loaded afresh from the journal would not be found.
    """
    for index in range(combo.count()):
        if combo.itemData(index) == value:
            return index
    return -1
