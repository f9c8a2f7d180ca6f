"""AcuJournal: the treatment journal for acupuncturists."""

__version__ = "0.1.0"
