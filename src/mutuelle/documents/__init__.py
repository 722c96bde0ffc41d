"""Plain document models built by the cores, rendered by one renderer in the shell
(:mod:`mutuelle.web.documents`): see :mod:`mutuelle.documents.model`."""

from mutuelle.documents.charts import Bar, bar_chart
from mutuelle.documents.model import (
    KIND_LABELS,
    Block,
    Document,
    DocumentKind,
    Field,
    Figure,
    KeyValues,
    Paragraph,
    Party,
    Section,
    Table,
    Text,
    document_from_data,
)

__all__ = [
    "KIND_LABELS",
    "Bar",
    "Block",
    "Document",
    "DocumentKind",
    "Field",
    "Figure",
    "KeyValues",
    "Paragraph",
    "Party",
    "Section",
    "Table",
    "Text",
    "bar_chart",
    "document_from_data",
]
