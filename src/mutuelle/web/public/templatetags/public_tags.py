"""Template helpers of the public site: accessible form fields, euros, the bar chart, and the
sources as residents read them (``{{ step|public_source }}``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms, template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from mutuelle.explain import Cited
from mutuelle.money import format_euros
from mutuelle.web.public.common import public_text as _public_text

register = template.Library()


@register.filter
def euros(cents: int | None) -> str:
    return "—" if cents is None else format_euros(cents)


@register.filter
def euros_round(cents: int | None) -> str:
    """Whole euros for big figures (« 10 339 € »)."""
    if cents is None:
        return "—"
    units = (cents + 50) // 100
    return f"{units:,}".replace(",", "\u202f") + " €"


@register.filter
def public_source(value: Any) -> str:
    """The source of a step, a refusal, a formula refused or a citation as a resident reads it:
    the document's title and its article, a gap in plain words (``mutuelle.explain``); never a
    file name, a line number or an interpretation id. Staff pages keep ``.source``."""
    cite = value if isinstance(value, Cited) else getattr(value, "cite", None)
    return cite.public() if isinstance(cite, Cited) else ""


@register.filter
def public_text(value: Any) -> str:
    """A core's sentence without the staff's seed lines, readings' ids or offer id."""
    return _public_text(str(value)) if value else ""


@register.filter
def for_whom(label: str) -> str:
    """« Pour vous », « Pour votre conjoint-e », « Pour l'enfant n° 2 », « Pour Léa »."""
    if label == "Vous":
        return "vous"
    if label.startswith("Votre "):
        return "v" + label[1:]
    if label.startswith("Enfant n° "):
        return "l'e" + label[1:]
    return label


@register.filter
def frdate(d: dt.date | None) -> str:
    return "" if d is None else f"{d:%d/%m/%Y}"


@register.filter
def get(mapping: Any, key: Any) -> Any:
    try:
        return mapping[key]
    except (KeyError, IndexError, TypeError):
        return None


def _ids(bf: forms.BoundField) -> tuple[str, str, str]:
    base = bf.auto_id or bf.html_name
    return base, f"{base}-hint", f"{base}-error"


@register.inclusion_tag("public/_field.html")
def field(bf: forms.BoundField, extra_class: str = "") -> dict[str, Any]:
    """Label, hint, error (linked by aria-describedby), the input; radios and checkbox groups
    in a fieldset with a legend."""
    base, hint_id, error_id = _ids(bf)
    described = []
    if bf.help_text:
        described.append(hint_id)
    if bf.errors:
        described.append(error_id)
    widget = bf.field.widget
    kind = "text"
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        kind = "group"
    elif isinstance(widget, forms.CheckboxInput):
        kind = "checkbox"
    elif isinstance(widget, forms.HiddenInput):
        kind = "hidden"
    attrs: dict[str, Any] = {}
    if described and kind != "group":
        attrs["aria-describedby"] = " ".join(described)
    if bf.errors and kind != "group":
        attrs["aria-invalid"] = "true"
    if bf.field.required and kind in ("text",):
        attrs["aria-required"] = "true"
    options: list[SafeString] = []
    if kind == "group":
        for sub in bf.subwidgets:
            options.append(
                format_html(
                    '<div class="option">{}<label for="{}">{}</label></div>',
                    sub.tag(wrap_label=False),
                    sub.id_for_label,
                    sub.choice_label,
                )
            )
        widget_html: SafeString | str = ""
    else:
        widget_html = bf.as_widget(attrs=attrs)
    return {
        "bf": bf,
        "kind": kind,
        "base": base,
        "hint_id": hint_id,
        "error_id": error_id,
        "described": " ".join(described),
        "widget": widget_html,
        "options": options,
        "extra_class": extra_class,
    }


@register.inclusion_tag("public/_chart.html")
def bar_chart(chart: dict[str, Any]) -> dict[str, Any]:
    return {"chart": chart}
