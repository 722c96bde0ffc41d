"""The journal in the back office, read-only: the entries (search by key or adhesion), and the
panel of an adhesion's page — its lines (called, received, refunded…) and the balances derived
from them, from the entries already loaded for the page (no query per line)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from mutuelle.journal import AccountKind, balances, moves_money
from mutuelle.money import format_euros
from mutuelle.web.appendonly import ReadOnlyAdmin
from mutuelle.web.journal.models import JournalEntry, JournalPosting
from mutuelle.web.journal.services import POSTING_COLUMNS

if TYPE_CHECKING:
    from mutuelle.web.members.models import Adhesion

MAX_LINES = 120


def _what(kind_label: str, cents: int, money: bool) -> str:
    if money:
        return f"{kind_label} — {'réglé' if cents < 0 else 'sorti (rejet, remboursement)'}"
    return f"{kind_label} — {'appelé' if cents > 0 else 'appel réduit'}"


def journal_panel(adhesion: Adhesion, today: dt.date) -> str:
    entries = adhesion.journal_entries
    status = adhesion.contribution_status
    if not entries:
        return format_html("<p>{}</p>", "Aucune écriture au journal pour cette adhésion.")
    rows: list[tuple[str, ...]] = []
    running: dict[AccountKind, int] = {}
    for e in entries:
        money = moves_money(e)
        for p in e.postings:
            if p.account.adhesion != adhesion.number:
                continue
            running[p.account.kind] = running.get(p.account.kind, 0) + p.cents
            rows.append(
                (
                    f"{e.date:%d/%m/%Y}",
                    _what(e.kind.label, p.cents, money),
                    f"{e.period_start:%d/%m/%Y} – {e.period_end:%d/%m/%Y}",
                    p.account.kind.label,
                    format_euros(p.cents) if p.cents > 0 else "",
                    format_euros(-p.cents) if p.cents < 0 else "",
                    format_euros(running[p.account.kind]),
                    e.memo,
                )
            )
    shown = rows[-MAX_LINES:]
    head = (
        "<tr><th>Date</th><th>Opération</th><th>Période</th><th>Compte</th>"
        "<th>Débit</th><th>Crédit</th><th>Solde</th><th>Libellé</th></tr>"
    )
    body = format_html_join("", "<tr>" + "<td>{}</td>" * 8 + "</tr>", shown)
    mine = {a: c for a, c in balances(entries).items() if a.adhesion == adhesion.number}
    sums = format_html_join(
        "",
        "<li>{} : <strong>{}</strong></li>",
        ((a.kind.label, format_euros(c)) for a, c in sorted(mine.items(), key=str)),
    )
    owed = status.owed_on(today)
    facts = format_html(
        "<ul><li>Cotisations appelées : {}</li><li>Réglées : {}</li>"
        "<li>Payées jusqu'au : <strong>{}</strong></li><li>Échu non réglé au {} : {}</li>"
        "<li>Avance : {}</li>{}</ul>",
        format_euros(status.called_cents),
        format_euros(status.settled_cents),
        f"{status.paid_until:%d/%m/%Y}" if status.paid_until else "rien encore",
        f"{today:%d/%m/%Y}",
        format_euros(owed),
        format_euros(status.advance_cents),
        sums,
    )
    more = (
        format_html("<p>{} lignes plus anciennes non affichées.</p>", len(rows) - len(shown))
        if len(rows) > len(shown)
        else ""
    )
    return format_html(
        "<p>Soldes calculés à partir des écritures (aucun solde n'est enregistré).</p>{}"
        "{}<table><thead>{}</thead><tbody>{}</tbody></table>",
        facts,
        more,
        mark_safe(head),  # a constant: no data in it
        body,
    )


class PostingInline(ReadOnlyAdmin, admin.TabularInline):  # type: ignore[type-arg]
    model = JournalPosting
    extra = 0
    can_delete = False
    fields = POSTING_COLUMNS[1:]  # every column but the entry
    readonly_fields = fields


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("date", "kind", "key", "period_start", "period_end", "memo", "batch")
    list_filter = ("kind", "batch")
    search_fields = ("key", "postings__adhesion", "memo")
    date_hierarchy = "date"
    inlines = (PostingInline,)
    readonly_fields = (
        "key",
        "kind",
        "date",
        "period_start",
        "period_end",
        "source",
        "memo",
        "reverses",
        "created_at",
        "created_by",
        "batch",
    )
