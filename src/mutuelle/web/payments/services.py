"""The payments service: the creditor, mandates, producing SEPA files.

Billing (issue 10) and claims (issue 11) call these functions; nothing here decides what is
due — callers pass instructions keyed by their own references, and the database refuses a
reference presented twice (``SepaTransaction`` unique ``(purpose, reference)``).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from mutuelle import sepa
from mutuelle.sepa.text import sepa_text
from mutuelle.web.among import among
from mutuelle.web.payments.models import (
    Mandate,
    MandateAmendment,
    MandateStatus,
    SepaFile,
    SepaTransaction,
)
from mutuelle.web.security.fields import decrypt

# EPC SDD Core rulebook § 4.7.2 (AT-25): a mandate with no collection presented for 36 months
# expires [S, EPC016-09]; the creditor must then obtain a new mandate.
MANDATE_DORMANCY_MONTHS = 36


class CreditorNotConfigured(sepa.SepaError):
    pass


def creditor() -> sepa.Party:
    """The mutual as SEPA creditor/debtor, from ``settings.MUTUELLE_CREDITOR`` (G-55): refuses
    when a part is missing or invalid — no file is ever produced with a guessed identity."""
    conf: dict[str, str] = dict(getattr(settings, "MUTUELLE_CREDITOR", {}) or {})
    missing = [k for k in ("name", "ics", "iban", "town") if not conf.get(k)]
    if missing:
        names = ", ".join(f"MUTUELLE_CREDITOR_{k.upper()}" for k in missing)
        raise CreditorNotConfigured(
            sepa.SepaErrorCode.CREDITOR_MISSING,
            "identité du créancier SEPA non configurée (absente des textes, G-55) : "
            f"définir {names} ; aucun fichier n'est produit",
        )
    account = sepa.check_iban(conf["iban"], conf.get("bic") or None)
    return sepa.Party(
        name=conf["name"],
        account=account,
        creditor_id=sepa.check_creditor_id(conf["ics"]),
        address=sepa.PostalAddress(
            town=conf["town"],
            country=conf.get("country") or "FR",
            street=conf.get("street", ""),
            building=conf.get("building", ""),
            postcode=conf.get("postcode", ""),
        ),
    )


def debit_schema() -> sepa.DebitSchema:
    value = str(getattr(settings, "MUTUELLE_SEPA_DEBIT_SCHEMA", sepa.DebitSchema.V08))
    try:
        return sepa.DebitSchema(value)
    except ValueError:
        raise sepa.SepaError(
            sepa.SepaErrorCode.SCHEMA_UNSUPPORTED,
            f"MUTUELLE_SEPA_DEBIT_SCHEMA={value} : versions possibles "
            + ", ".join(s.value for s in sepa.DebitSchema),
        ) from None


# Mandates ------------------------------------------------------------------------------------


def mandate_account(mandate: Mandate) -> sepa.BankAccount:
    """The account of ``mandate`` (with :func:`_debit_mandates`, the only reads of the stored
    IBAN)."""
    return sepa.BankAccount(iban=mandate.iban_stored, bic=mandate.bic)


def active_mandate(adhesion: Any) -> Mandate | None:
    found: Mandate | None = Mandate.objects.filter(
        adhesion=adhesion, status=MandateStatus.ACTIVE
    ).first()
    return found


def create_mandate(
    adhesion: Any,
    *,
    iban: str,
    debtor_name: str,
    signed_on: dt.date,
    bic: str | None = None,
    actor: Any = None,
) -> Mandate:
    """Record a signed mandate for ``adhesion`` with a new RUM (``MC-<adhésion>-<nn>``, I-120).
    Refused when the adhesion already has an active mandate (revoke it first) or when the
    IBAN/BIC is invalid."""
    account = sepa.check_iban(iban, bic)
    ics = creditor().creditor_id
    name = sepa_text(debtor_name, 70)
    if not name:
        raise sepa.SepaError(sepa.SepaErrorCode.TEXT_INVALID, "nom du titulaire du compte vide")
    with transaction.atomic():
        if active_mandate(adhesion) is not None:
            raise sepa.SepaError(
                sepa.SepaErrorCode.RUM_INVALID,
                f"l'adhésion {adhesion.number} a déjà un mandat actif : le révoquer d'abord, "
                "ou enregistrer un changement de compte",
            )
        sequence = Mandate.objects.filter(adhesion=adhesion).count() + 1
        mandate: Mandate = Mandate.objects.create(
            adhesion=adhesion,
            rum=sepa.make_rum(adhesion.number, sequence),
            signed_on=signed_on,
            debtor_name=name,
            iban_stored=account.iban,
            bic=account.bic,
            creditor_ics=ics,
            created_by=actor,
        )
    return mandate


def change_account(
    mandate: Mandate, *, iban: str, on: dt.date, bic: str | None = None, actor: Any = None
) -> MandateAmendment:
    """An IBAN change under the same RUM: the amendment is announced in the next collection
    (OrgnlDbtrAcct inside the same bank, SMNDA for a new bank; I-121)."""
    account = sepa.check_iban(iban, bic)
    with transaction.atomic():
        locked: Mandate = Mandate.objects.select_for_update().get(pk=mandate.pk)
        if locked.status != MandateStatus.ACTIVE:
            raise sepa.SepaError(
                sepa.SepaErrorCode.RUM_INVALID,
                f"mandat {locked.rum} {locked.get_status_display().lower()} : pas de changement",
            )
        previous = mandate_account(locked)
        if previous.iban == account.iban:
            raise sepa.SepaError(
                sepa.SepaErrorCode.IBAN_INVALID, "le nouvel IBAN est celui du mandat"
            )
        amendment: MandateAmendment = MandateAmendment.objects.create(
            mandate=locked,
            on=on,
            previous_iban=previous.iban,
            previous_bic=previous.bic,
            new_iban=account.iban,
            new_bic=account.bic,
            new_bank=previous.bank_code != account.bank_code,
            created_by=actor,
        )
        locked.iban_stored = account.iban
        locked.bic = account.bic
        locked.save(update_fields=["iban_stored", "bic"])
    mandate.refresh_from_db()
    return amendment


def revoke_mandate(mandate: Mandate, *, on: dt.date, reason: str, actor: Any = None) -> Mandate:
    Mandate.objects.filter(pk=mandate.pk, status=MandateStatus.ACTIVE).update(
        status=MandateStatus.REVOKED, status_on=on, status_reason=reason[:200]
    )
    mandate.refresh_from_db()
    return mandate


def expire_dormant_mandates(on: dt.date) -> int:
    """Mark expired the active mandates without a collection for 36 months (EPC AT-25)."""
    limit = _months_before(on, MANDATE_DORMANCY_MONTHS)
    dormant = Mandate.objects.filter(status=MandateStatus.ACTIVE).exclude(
        last_collected_on__gte=limit
    )
    dormant = dormant.exclude(last_collected_on__isnull=True, signed_on__gte=limit)
    count: int = dormant.update(
        status=MandateStatus.EXPIRED,
        status_on=on,
        status_reason=f"aucun prélèvement depuis {MANDATE_DORMANCY_MONTHS} mois (EPC AT-25)",
    )
    return count


def _months_before(day: dt.date, months: int) -> dt.date:
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    return dt.date(year, month + 1, min(day.day, 28))


# Producing files ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DebitInstruction:
    """Collect ``amount_cents`` under ``mandate_id`` for the caller's ``reference`` (e.g. a
    schedule line ``"echeance:123"``; a re-presentation uses a new reference)."""

    mandate_id: int
    amount_cents: int
    reference: str
    remittance: str
    purpose: str = "contribution"


@dataclass(frozen=True, slots=True)
class TransferInstruction:
    """Pay ``amount_cents`` to ``creditor_name``'s ``iban`` for the caller's ``reference``."""

    reference: str
    amount_cents: int
    creditor_name: str
    iban: str
    remittance: str
    purpose: str = "benefit"
    bic: str | None = None
    address: sepa.PostalAddress | None = None


def end_to_end_id(purpose: str, reference: str) -> str:
    """A deterministic end-to-end id for a caller's key: ``MC`` + 30 hex characters."""
    digest = hashlib.sha256(f"{purpose}\x1f{reference}".encode()).hexdigest()
    return f"MC{digest[:30].upper()}"


def produce_debit_file(
    collection_date: dt.date,
    instructions: Iterable[DebitInstruction],
    *,
    idempotency_key: str,
    actor: Any = None,
    batch: Any = None,
    alongside: Callable[[], object] | None = None,
) -> tuple[SepaFile, bool]:
    """The pain.008 file for ``collection_date`` (one file per date), and whether it was
    produced now. With an ``idempotency_key`` already used, the existing file is returned and
    nothing changes. Refuses (``SepaError``) an inactive mandate, a reference already
    presented in an earlier file, or anything :func:`mutuelle.sepa.build_debit_file` refuses.
    ``alongside``: the caller's own writes for this file (the collection's entries), run in the
    same transaction while the file is being built (:func:`_built_while`); refused with it."""
    existing = SepaFile.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing, False
    party = creditor()
    todo = list(instructions)
    with transaction.atomic():
        mandates = _debit_mandates({i.mandate_id for i in todo})
        pending = _pending_amendments(mandates)
        problems: list[str] = []
        txs: list[sepa.DebitTransaction] = []
        rows: list[tuple[DebitInstruction, sepa.DebitTransaction, MandateAmendment | None]] = []
        for ins in todo:
            m = mandates.get(ins.mandate_id)
            if m is None or m.status != MandateStatus.ACTIVE:
                problems.append(
                    f"{ins.reference} : mandat {m.rum if m else ins.mandate_id} inactif"
                )
                continue
            if m.signed_on > collection_date:
                problems.append(f"{ins.reference} : mandat {m.rum} signé après la date")
                continue
            first_pending = pending.get(m.pk)
            amendment = None
            if first_pending is not None:
                amendment = sepa.Amendment(
                    previous_iban=first_pending.previous_iban,
                    new_bank=sepa.BankAccount(first_pending.previous_iban, "").bank_code
                    != m.account.bank_code,
                )
            # FRST for a first collection, and after a change of bank (I-121).
            first = m.first_collected_on is None or (amendment is not None and amendment.new_bank)
            tx = sepa.DebitTransaction(
                end_to_end_id=end_to_end_id(ins.purpose, ins.reference),
                amount_cents=ins.amount_cents,
                rum=m.rum,
                mandate_signed_on=m.signed_on,
                debtor_name=m.debtor_name,
                debtor_account=m.account,
                sequence=sepa.SequenceType.FIRST if first else sepa.SequenceType.RECURRENT,
                remittance=ins.remittance,
                debtor_address=m.address,
                amendment=amendment,
            )
            txs.append(tx)
            rows.append((ins, tx, first_pending))
        if problems:
            raise sepa.SepaError(
                sepa.SepaErrorCode.RUM_INVALID,
                f"{len(problems)} prélèvement(s) impossible(s) : aucun fichier produit",
                details=tuple(problems[:50]),
            )
        build = functools.partial(
            sepa.build_debit_file,
            party,
            collection_date,
            txs,
            message_id=_message_id("D", collection_date),
            created_at=timezone.localtime().replace(tzinfo=None, microsecond=0),
            schema=debit_schema(),
        )

        def writes() -> None:
            _refuse_presented((i.purpose, i.reference) for i in todo)
            _mark_mandates({ins.mandate_id for ins, _, _ in rows}, collection_date)
            if alongside is not None:
                alongside()

        document = _built_while(build, writes)
        record = _record(document, idempotency_key, actor, batch)
        by_e2e = _batch_ids(document, txs)
        # One COPY on PostgreSQL (executemany on SQLite): bulk_create of 30 000 model instances
        # spent more time building its statements than the database writing them (issue 10).
        _insert_rows(
            SepaTransaction,
            _DEBIT_TX_FIELDS,
            [
                (
                    record.pk,
                    tx.end_to_end_id,
                    by_e2e[tx.end_to_end_id],
                    ins.purpose,
                    ins.reference,
                    tx.amount_cents,
                    str(tx.sequence),
                    ins.mandate_id,
                    tx.debtor_name[:70],
                    tx.debtor_account.masked,
                )
                for ins, tx, _ in rows
            ],
        )
        _mark_amendments(rows)
    return record, True


def produce_transfer_file(
    execution_date: dt.date,
    instructions: Iterable[TransferInstruction],
    *,
    idempotency_key: str,
    actor: Any = None,
    batch: Any = None,
) -> tuple[SepaFile, bool]:
    """The pain.001.001.09 file paying ``instructions`` on ``execution_date``; same
    idempotency and refusals as :func:`produce_debit_file` (a reference is paid once)."""
    existing = SepaFile.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing, False
    party = creditor()
    todo = list(instructions)
    with transaction.atomic():
        _refuse_presented((i.purpose, i.reference) for i in todo)
        txs = [
            sepa.CreditTransfer(
                end_to_end_id=end_to_end_id(i.purpose, i.reference),
                amount_cents=i.amount_cents,
                creditor_name=i.creditor_name,
                creditor_account=sepa.check_iban(i.iban, i.bic),
                remittance=i.remittance,
                creditor_address=i.address,
            )
            for i in todo
        ]
        document = sepa.build_transfer_file(
            party,
            execution_date,
            txs,
            message_id=_message_id("T", execution_date),
            created_at=timezone.localtime().replace(tzinfo=None, microsecond=0),
        )
        record = _record(document, idempotency_key, actor, batch)
        by_e2e = _batch_ids(document, txs)
        SepaTransaction.objects.bulk_create(
            (
                SepaTransaction(
                    file=record,
                    end_to_end_id=tx.end_to_end_id,
                    payment_info_id=by_e2e[tx.end_to_end_id],
                    purpose=ins.purpose,
                    reference=ins.reference,
                    amount_cents=tx.amount_cents,
                    party_name=sepa_text(tx.creditor_name, 70),
                    account_masked=tx.creditor_account.masked,
                )
                for ins, tx in zip(todo, txs, strict=True)
            ),
            batch_size=2000,
        )
    return record, True


def file_path(record: SepaFile) -> Path:
    return sepa_dir() / str(record.path)


def file_bytes(record: SepaFile) -> bytes:
    """The stored file, checked against its recorded SHA-256 (a changed file is refused)."""
    data = file_path(record).read_bytes()
    if hashlib.sha256(data).hexdigest() != record.sha256:
        raise sepa.SepaError(
            sepa.SepaErrorCode.CONTROL_SUM,
            f"le fichier {record.path} a été modifié depuis sa production (empreinte différente)",
        )
    return data


def sepa_dir() -> Path:
    return Path(str(getattr(settings, "MUTUELLE_SEPA_DIR", Path(settings.DATA_DIR) / "sepa")))


def write_file(relative: str, data: bytes) -> None:
    """Write atomically (temporary file then rename), readable by the owner only."""
    target = sepa_dir() / relative
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = target.with_suffix(target.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, target)


def _record(document: sepa.SepaDocument, key: str, actor: Any, batch: Any) -> SepaFile:
    relative = f"{document.kind.value}/{document.date:%Y}/{document.message_id}.xml"
    write_file(relative, document.xml)
    record: SepaFile = SepaFile.objects.create(
        kind=document.kind.value,
        schema=document.schema,
        message_id=document.message_id,
        idempotency_key=key,
        date=document.date,
        count=document.count,
        control_sum_cents=document.control_sum_cents,
        sha256=document.sha256,
        path=relative,
        created_by=actor,
        batch=batch,
    )
    return record


def _message_id(letter: str, day: dt.date) -> str:
    prefix = f"MC-{letter}-{day:%Y%m%d}-"
    n = SepaFile.objects.filter(message_id__startswith=prefix).count() + 1
    return f"{prefix}{n:03d}"


def _batch_ids(document: sepa.SepaDocument, txs: Iterable[Any]) -> dict[str, str]:
    """PmtInfId of each end-to-end id (the builder groups debits by sequence type)."""
    by_sequence = {b.sequence: b.payment_info_id for b in document.batches}
    only = document.batches[0].payment_info_id
    return {
        t.end_to_end_id: by_sequence.get(getattr(t, "sequence", None), only)
        if len(document.batches) > 1
        else only
        for t in txs
    }


def _refuse_presented(keys: Iterable[tuple[str, str]]) -> None:
    wanted = list(keys)
    seen: set[tuple[str, str]] = set()
    dupes: list[tuple[str, str]] = []
    for k in wanted:
        if k in seen:
            dupes.append(k)
        seen.add(k)
    by_purpose: dict[str, list[str]] = defaultdict(list)
    for purpose, reference in seen:
        by_purpose[purpose].append(reference)
    already: list[str] = []
    for purpose, refs in sorted(by_purpose.items()):
        # (by purpose and reference, unordered: a look-up each in the unique index; by
        # reference alone, sorted by the model's ordering (the files' dates), the table was
        # read and joined to the files for every part, longer each month — issue 10)
        for start in range(0, len(refs), 5000):
            part = refs[start : start + 5000]
            rows = among(
                SepaTransaction.objects.filter(purpose=purpose).order_by(), "reference", part
            )
            already.extend(
                f"{purpose} {reference}" for reference in rows.values_list("reference", flat=True)
            )
    if dupes or already:
        raise sepa.SepaError(
            sepa.SepaErrorCode.DUPLICATE_REFERENCE,
            "opération déjà présentée à la banque (ou deux fois dans la demande) : "
            "aucun fichier produit",
            details=tuple(sorted(set(already) | {f"{p} {r}" for p, r in dupes})[:50]),
        )


def _pending_amendments(mandates: dict[int, _DebitMandate]) -> dict[int, MandateAmendment]:
    """For each mandate, its earliest amendment not yet announced to the bank."""
    pending: dict[int, MandateAmendment] = {}
    rows = among(MandateAmendment.objects.filter(reported_in__isnull=True), "mandate", [*mandates])
    for amendment in rows.order_by("on", "id"):
        pending.setdefault(amendment.mandate_id, amendment)
    return pending


_DEBIT_TX_FIELDS = (
    "file",
    "end_to_end_id",
    "payment_info_id",
    "purpose",
    "reference",
    "amount_cents",
    "sequence",
    "mandate",
    "party_name",
    "account_masked",
)
_DEBIT_MANDATE_FIELDS = (
    "pk",
    "rum",
    "status",
    "signed_on",
    "first_collected_on",
    "debtor_name",
    "iban_stored",
    "bic",
    "adhesion__member__city",
    "adhesion__member__address",
    "adhesion__member__postcode",
)


@dataclass(frozen=True, slots=True)
class _DebitMandate:
    """What a collection reads of a mandate (plain rows: loading 30 000 mandates with their
    adhesion and member as model instances took a quarter of a collection, issue 10)."""

    pk: int
    rum: str
    status: str
    signed_on: dt.date
    first_collected_on: dt.date | None
    debtor_name: str
    account: sepa.BankAccount
    address: sepa.PostalAddress | None


def _debit_mandates(ids: set[int]) -> dict[int, _DebitMandate]:
    """The mandates ``ids``, locked (``FOR UPDATE OF`` the mandate rows), as plain rows; the
    IBAN decrypted by the field's own function."""
    where = f"{Mandate._meta.label}.iban_stored"
    out: dict[int, _DebitMandate] = {}
    wanted = sorted(ids)
    for start in range(0, len(wanted), 5000):
        part = wanted[start : start + 5000]
        query = among(Mandate.objects.select_for_update(of=("self",)), "pk", part).values_list(
            *_DEBIT_MANDATE_FIELDS
        )
        for pk, rum, status, signed, first, name, token, bic, city, street, code in query:
            iban = decrypt(token, where) if token else token
            out[pk] = _DebitMandate(
                pk=pk,
                rum=rum,
                status=status,
                signed_on=signed,
                first_collected_on=first,
                debtor_name=name,
                account=sepa.BankAccount(iban=iban, bic=bic),
                address=_address(city, street, code),
            )
    return out


def _insert_rows(model: Any, fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    from mutuelle.web.journal.services import _insert  # the journal's COPY helper

    _insert(model, fields, rows)


def _built_while(build: Callable[[], sepa.SepaDocument], writes: Callable[[], None]) -> Any:
    """``build()`` in a second thread while ``writes()`` runs in this one (issue 10): building
    the file is pure Python without the database (:mod:`mutuelle.sepa`), the writes mostly wait
    for PostgreSQL, which works meanwhile on the machine's other core, so the two overlap
    instead of adding up. ``writes`` runs on this thread's connection, in the caller's
    transaction; when either fails, its exception is raised here once both have stopped and the
    transaction rolls back whole (``tests/web/test_payments.py``)."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="fichier-sepa") as pool:
        built = pool.submit(build)
        writes()
        return built.result()


def _mark_mandates(ids: set[int], day: dt.date) -> None:
    """Every mandate of the file is collected on the same day: one UPDATE of the mandates
    (their ids as one array on PostgreSQL), not a CASE per row (bulk_update of 30 000 mandates
    took most of a collection's time); the first day kept when there is one, the last one
    moved forward only."""
    among(Mandate.objects.all(), "pk", ids).update(
        first_collected_on=Coalesce("first_collected_on", Value(day)),
        last_collected_on=Greatest(Coalesce("last_collected_on", Value(day)), Value(day)),
    )


def _mark_amendments(
    rows: list[tuple[DebitInstruction, sepa.DebitTransaction, MandateAmendment | None]],
) -> None:
    """The amendments announced by this file: reported in its transaction."""
    for ins, tx, amendment in rows:
        if amendment is not None:
            stored = SepaTransaction.objects.get(end_to_end_id=tx.end_to_end_id)
            MandateAmendment.objects.filter(
                mandate_id=ins.mandate_id, reported_in__isnull=True, on__lte=amendment.on
            ).update(reported_in=stored)


def _address(city: str, street: str, postcode: str) -> sepa.PostalAddress | None:
    if not city:
        return None
    return sepa.PostalAddress(town=city, street=street, postcode=postcode, country="FR")
