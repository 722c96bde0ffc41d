"""Choices of the members app (labels in French, values stable in the database)."""

from django.db import models


class RangeChoice(models.TextChoices):
    RESIDENTS = "residents", "Particuliers"
    STUDENTS = "students", "Étudiant-es"
    AGENTS = "agents", "Agent-es de la Ville et du CCAS"
    TNS = "tns", "Travailleur-euses non salarié-es (TNS)"


class AdhesionStatus(models.TextChoices):
    """An online request (issue 5) is *pending* until staff check it and the justificatifs;
    every adhesion recorded by staff, and every validated request, is *active*."""

    PENDING = "pending", "Demande en ligne à instruire"
    ACTIVE = "active", "Adhésion enregistrée"


class PaymentMode(models.TextChoices):
    """Règlement particuliers and agents III-2-2 / Cotisations 2-2 (seed l. 2795, 4116):
    « virement, prélèvement, carte bancaire, chèque, espèces »; agents: payroll deduction where
    the employer provides it (l. 4077); TNS: direct debit with a SEPA mandate (art. 4.2, l. 4881).
    """

    DIRECT_DEBIT = "direct_debit", "Prélèvement SEPA"
    TRANSFER = "transfer", "Virement"
    CARD = "card", "Carte bancaire"
    CHEQUE = "cheque", "Chèque"
    CASH = "cash", "Espèces"
    PAYROLL = "payroll", "Précompte sur le salaire (agents)"


class PaymentFrequency(models.TextChoices):
    MONTHLY = "monthly", "Chaque mois"
    ANNUAL = "annual", "Une fois par an"


class Channel(models.TextChoices):
    AGENCY = "agency", "En agence de la Mutuelle"
    DISTANCE = "distance", "Vente à distance"
    DOOR_TO_DOOR = "door_to_door", "Démarchage à domicile"
    OFF_PREMISES = "off_premises", "Vente hors établissement (dont permanence en mairie)"
    FAIR = "fair", "Foire ou salon"


class Role(models.TextChoices):
    SPOUSE = "spouse", "Conjoint"
    CHILD = "child", "Enfant"


class Proof(models.TextChoices):
    STUDIES = "studies", "Poursuite d'études"
    JOB_SEEKER = "job_seeker", "Recherche d'un premier emploi"
    APPRENTICE = "apprentice", "Contrat d'apprentissage"
    LOW_INCOME = "low_income", "Revenus inférieurs au RSA"


class EndReason(models.TextChoices):
    ANNUAL = "annual", "Résiliation annuelle au 31 décembre"
    LATE_NOTICE = "late_notice", "Résiliation après avis d'échéance tardif"
    INFRA_ANNUAL = "infra_annual", "Résiliation après un an (L.221-10-2)"
    SITUATION_CHANGE = "situation_change", "Changement de situation (L.221-17)"
    CSS = "css", "Complémentaire santé solidaire"
    MANDATORY_COLLECTIVE = "mandatory_collective", "Contrat collectif obligatoire"
    DEATH = "death", "Décès"
    CATEGORY_LOSS = "category_loss", "Sortie des catégories TNS"
    UNPAID = "unpaid", "Non-paiement des cotisations"
    RENUNCIATION = "renunciation", "Renonciation"
    CONDITIONS = "conditions", "Conditions d'ayant droit plus remplies"
    AGE = "age", "Limite d'âge des ayants droit"
    DEPENDANT_RESIGNATION = "dependant_resignation", "Résiliation de l'affiliation"
    ADHESION_END = "adhesion_end", "Fin de l'adhésion du membre participant"


class DocumentKind(models.TextChoices):
    """Justificatifs of règlement I-3-2 (and of later acts)."""

    IDENTITY = "identity", "Pièce d'identité"
    AMO_ATTESTATION = "amo_attestation", "Attestation d'affiliation au régime obligatoire"
    RIB = "rib", "Relevé d'identité bancaire (cotisations)"
    RIB_INSURED = "rib_insured", "RIB d'un assuré de plus de 16 ans"
    SEPA_MANDATE = "sepa_mandate", "Mandat de prélèvement SEPA"
    SPOUSE_PROOF = "spouse_proof", "Justificatif de la qualité de conjoint"
    STUDENT_CERTIFICATE = (
        "student_certificate",
        "Attestation d'inscription (enseignement supérieur)",
    )
    CHILD_PROOF = "child_proof", "Justificatif d'un enfant de 21 à 27 ans"
    BIRTH_CERTIFICATE = "birth_certificate", "Acte de naissance ou livret de famille"
    DISABILITY_CARD = "disability_card", "Carte mobilité inclusion « invalidité »"
    AGENT_CERTIFICATE = "agent_certificate", "Justificatif de la qualité d'agent"
    TERMINATION_LETTER = "termination_letter", "Lettre de résiliation"
    CSS_ATTESTATION = "css_attestation", "Attestation de Complémentaire santé solidaire"
    EMPLOYER_ATTESTATION = "employer_attestation", "Attestation d'employeur (contrat obligatoire)"
    DEATH_CERTIFICATE = "death_certificate", "Acte de décès"
    OTHER = "other", "Autre"


# I-3-2: the justificatifs every bulletin needs (the others « le cas échéant »).
REQUIRED_AT_ADHESION = (DocumentKind.IDENTITY, DocumentKind.AMO_ATTESTATION)


class EventKind(models.TextChoices):
    ADHESION = "adhesion", "Adhésion enregistrée"
    DEPENDANT_ADDED = "dependant_added", "Ayant droit ajouté"
    DEPENDANT_REFUSED = "dependant_refused", "Ajout d'ayant droit refusé"
    FORMULA_CHANGED = "formula_changed", "Changement de formule accepté"
    FORMULA_REFUSED = "formula_refused", "Changement de formule refusé"
    TERMINATED = "terminated", "Cessation enregistrée"
    TERMINATION_REFUSED = "termination_refused", "Résiliation refusée"
    DOCUMENT = "document", "Justificatif reçu"
    REQUEST = "request", "Demande d'adhésion en ligne"
    VALIDATED = "validated", "Demande en ligne validée"
    CHANGE = "change", "Modification"
