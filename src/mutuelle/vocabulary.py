"""One vocabulary per concept: the values stored in databases, files and the API, with their
French wording. Pure Python: the cores use these values; the Django choices
(``mutuelle.web.members.enums``), the public and back-office forms, the admin and the API
schemas derive from these enums (``tests/test_vocabulary.py`` checks that the cores' ``Literal``
types and the stored values are these).

Each enum gives ``label`` (how a record names the value: a list, an admin column, a message);
some give the other wordings their pages need, so that no page writes its own list of values:
``question`` (what a resident ticks, in the first person), ``detail`` (a longer reading).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Protocol


class Range(StrEnum):
    """The ranges of a mutuelle communale (convention art. 1; one règlement or conditions each)."""

    RESIDENTS = "residents"
    STUDENTS = "students"
    AGENTS = "agents"
    TNS = "tns"

    @property
    def label(self) -> str:
        return _RANGE[self][0]

    @property
    def question(self) -> str:
        """The situation a resident recognises (the simulator's and the request's question)."""
        return _RANGE[self][1]

    @property
    def short(self) -> str:
        """How a result page names the situation chosen (« Situation : particulier »)."""
        return _RANGE[self][2]


_RANGE = {
    Range.RESIDENTS: (
        "Particuliers",
        "Particulier : j'habite à Grenoble, ou j'y travaille (salarié-e, retraité-e, sans emploi…)",
        "particulier",
    ),
    Range.STUDENTS: (
        "Étudiant-es",
        "Étudiant-e dans l'enseignement supérieur, sans personne à couvrir avec moi",
        "étudiant-e",
    ),
    Range.AGENTS: (
        "Agent-es de la Ville et du CCAS",
        "Agent-e de la Ville de Grenoble ou du CCAS (en activité ou retraité-e)",
        "agent-e de la Ville ou du CCAS",
    ),
    Range.TNS: (
        "Travailleur-euses non salarié-es (TNS)",
        "Travailleur-euse non salarié-e à Grenoble : artisan, commerçant-e, profession "
        "libérale, agricole…",
        "travailleur-euse non salarié-e",
    ),
}


class Role(StrEnum):
    """Who a person is in a household (the member, the spouse, a child)."""

    ADHERENT = "adherent"
    SPOUSE = "spouse"
    CHILD = "child"

    @property
    def label(self) -> str:
        return _ROLE[self][0]

    @property
    def addressed(self) -> str:
        """How the public pages address the person (« Vous », « Votre conjoint-e »)."""
        return _ROLE[self][1]


_ROLE = {
    Role.ADHERENT: ("membre participant", "Vous"),
    Role.SPOUSE: ("conjoint", "Votre conjoint-e"),
    Role.CHILD: ("enfant", "Enfant"),
}
DEPENDANT_ROLES = (Role.SPOUSE, Role.CHILD)


class Proof(StrEnum):
    """Why a child of 21 to 27 on 1 January is still a dependant (the règlements' definitions)."""

    STUDIES = "studies"
    JOB_SEEKER = "job_seeker"
    APPRENTICE = "apprentice"
    LOW_INCOME = "low_income"

    @property
    def label(self) -> str:
        return _PROOF[self][0]

    @property
    def detail(self) -> str:
        return _PROOF[self][1]

    @property
    def question(self) -> str:
        return _PROOF[self][2]


_PROOF = {
    Proof.STUDIES: (
        "Poursuite d'études",
        "poursuite d'études",
        "21 à 27 ans : poursuit des études",
    ),
    Proof.JOB_SEEKER: (
        "Recherche d'un premier emploi",
        "recherche d'un premier emploi (inscription France Travail)",
        "21 à 27 ans : cherche un premier emploi (inscrit-e à France Travail)",
    ),
    Proof.APPRENTICE: (
        "Contrat d'apprentissage",
        "contrat d'apprentissage",
        "21 à 27 ans : en apprentissage",
    ),
    Proof.LOW_INCOME: (
        "Revenus inférieurs au RSA",
        "activité rémunérée inférieure au RSA mensuel",
        "21 à 27 ans : travaille, revenu inférieur au RSA",
    ),
}
CHILD_UNDER_21 = "moins de 21 ans au 1er janvier (rien à préciser)"
CHILD_DISABLED = "invalidité survenue avant 18 ans (tout âge)"


class Link(StrEnum):
    """A tie to the town that opens a range (convention art. 1)."""

    RESIDENT = "resident"
    WORKS = "works"
    STUDIES = "studies"
    AGENT = "agent"
    TNS = "tns"

    @property
    def label(self) -> str:
        return _LINK[self][0]

    @property
    def question(self) -> str:
        return _LINK[self][1]


_LINK = {
    Link.RESIDENT: ("habite Grenoble", "J'habite à Grenoble"),
    Link.WORKS: ("travaille à Grenoble", "Je travaille à Grenoble"),
    Link.STUDIES: ("étudie à Grenoble", "J'étudie à Grenoble"),
    Link.AGENT: (
        "agent-e de la Ville de Grenoble ou du CCAS",
        "Je suis agent-e de la Ville de Grenoble ou du CCAS",
    ),
    Link.TNS: (
        "travailleur-euse non salarié-e exerçant à Grenoble",
        "J'exerce à Grenoble une activité non salariée (artisan, commerçant-e, libéral-e…)",
    ),
}


class Channel(StrEnum):
    """How an adhesion was concluded (the renunciation rights depend on it, règlement I-6)."""

    AGENCY = "agency"
    DISTANCE = "distance"
    DOOR_TO_DOOR = "door_to_door"
    OFF_PREMISES = "off_premises"
    FAIR = "fair"

    @property
    def label(self) -> str:
        return _CHANNEL[self]


_CHANNEL = {
    Channel.AGENCY: "En agence de la Mutuelle",
    Channel.DISTANCE: "Vente à distance",
    Channel.DOOR_TO_DOOR: "Démarchage à domicile",
    Channel.OFF_PREMISES: "Vente hors établissement (dont permanence en mairie)",
    Channel.FAIR: "Foire ou salon",
}


class PaymentMode(StrEnum):
    """Règlement particuliers and agents III-2-2 / Cotisations 2-2 (seed l. 2794, 4116):
    « virement, prélèvement, carte bancaire, chèque, espèces »; agents: payroll deduction where
    the employer provides it (l. 4077); TNS: direct debit with a SEPA mandate (art. 4.2,
    l. 4881). Which modes a range opens is the offer's data (``membership.payment``)."""

    DIRECT_DEBIT = "direct_debit"
    TRANSFER = "transfer"
    CARD = "card"
    CHEQUE = "cheque"
    CASH = "cash"
    PAYROLL = "payroll"

    @property
    def label(self) -> str:
        return _PAYMENT_MODE[self]


_PAYMENT_MODE = {
    PaymentMode.DIRECT_DEBIT: "Prélèvement SEPA",
    PaymentMode.TRANSFER: "Virement",
    PaymentMode.CARD: "Carte bancaire",
    PaymentMode.CHEQUE: "Chèque",
    PaymentMode.CASH: "Espèces",
    PaymentMode.PAYROLL: "Précompte sur le salaire (agents)",
}


class PaymentFrequency(StrEnum):
    MONTHLY = "monthly"
    ANNUAL = "annual"

    @property
    def label(self) -> str:
        return _FREQUENCY[self]


_FREQUENCY = {PaymentFrequency.MONTHLY: "Chaque mois", PaymentFrequency.ANNUAL: "Une fois par an"}


class EndReason(StrEnum):
    """Why an adhesion or a dependant's affiliation ends (the termination paths of the
    règlements, I-7-3, I-11, and the end of a dependant's conditions)."""

    ANNUAL = "annual"
    LATE_NOTICE = "late_notice"
    INFRA_ANNUAL = "infra_annual"
    SITUATION_CHANGE = "situation_change"
    CSS = "css"
    MANDATORY_COLLECTIVE = "mandatory_collective"
    DEATH = "death"
    CATEGORY_LOSS = "category_loss"
    UNPAID = "unpaid"
    RENUNCIATION = "renunciation"
    CONDITIONS = "conditions"
    AGE = "age"
    DEPENDANT_RESIGNATION = "dependant_resignation"
    ADHESION_END = "adhesion_end"

    @property
    def label(self) -> str:
        return _END[self]

    @property
    def phrase(self) -> str:
        """The label inside a sentence (« … : résiliation annuelle au 31 décembre »)."""
        return self.label[0].lower() + self.label[1:]


_END = {
    EndReason.ANNUAL: "Résiliation annuelle au 31 décembre",
    EndReason.LATE_NOTICE: "Résiliation après un avis d'échéance tardif",
    EndReason.INFRA_ANNUAL: "Résiliation à tout moment après un an (art. L.221-10-2)",
    EndReason.SITUATION_CHANGE: "Changement de situation (art. L.221-17)",
    EndReason.CSS: "Admission à la Complémentaire santé solidaire",
    EndReason.MANDATORY_COLLECTIVE: "Adhésion à un contrat collectif obligatoire",
    EndReason.DEATH: "Décès du membre participant",
    EndReason.CATEGORY_LOSS: "Sortie des catégories professionnelles couvertes",
    EndReason.UNPAID: "Résiliation pour non-paiement des cotisations",
    EndReason.RENUNCIATION: "Renonciation",
    EndReason.CONDITIONS: "Conditions d'ayant droit plus remplies",
    EndReason.AGE: "Limite d'âge des ayants droit",
    EndReason.DEPENDANT_RESIGNATION: "Résiliation de l'affiliation",
    EndReason.ADHESION_END: "Fin de l'adhésion du membre participant",
}
# The paths of a member's termination the membership core decides (termination.py).
TERMINATION_PATHS = (
    EndReason.ANNUAL,
    EndReason.LATE_NOTICE,
    EndReason.INFRA_ANNUAL,
    EndReason.SITUATION_CHANGE,
    EndReason.CSS,
    EndReason.MANDATORY_COLLECTIVE,
    EndReason.DEATH,
    EndReason.CATEGORY_LOSS,
    EndReason.UNPAID,
    EndReason.RENUNCIATION,
)


class TerminationRequest(StrEnum):
    """What staff record when a termination arrives; the core picks the path and its dates."""

    MEMBER = "member"
    CSS = "css"
    MANDATORY_COLLECTIVE = "mandatory_collective"
    SITUATION_CHANGE = "situation_change"
    CATEGORY_LOSS = "category_loss"
    DEATH = "death"

    @property
    def label(self) -> str:
        return _TERMINATION_REQUEST[self]


_TERMINATION_REQUEST = {
    TerminationRequest.MEMBER: (
        "Demande du membre participant (annuelle, avis tardif ou après un an)"
    ),
    TerminationRequest.CSS: "Admission à la Complémentaire santé solidaire",
    TerminationRequest.MANDATORY_COLLECTIVE: "Contrat collectif obligatoire",
    TerminationRequest.SITUATION_CHANGE: "Changement de situation (art. L.221-17)",
    TerminationRequest.CATEGORY_LOSS: "Sortie des catégories professionnelles (TNS)",
    TerminationRequest.DEATH: "Décès du membre participant",
}


class DocumentKind(StrEnum):
    """Justificatifs of règlement I-3-2 (and of later acts)."""

    IDENTITY = "identity"
    AMO_ATTESTATION = "amo_attestation"
    RIB = "rib"
    RIB_INSURED = "rib_insured"
    SEPA_MANDATE = "sepa_mandate"
    SPOUSE_PROOF = "spouse_proof"
    STUDENT_CERTIFICATE = "student_certificate"
    CHILD_PROOF = "child_proof"
    BIRTH_CERTIFICATE = "birth_certificate"
    DISABILITY_CARD = "disability_card"
    AGENT_CERTIFICATE = "agent_certificate"
    TERMINATION_LETTER = "termination_letter"
    CSS_ATTESTATION = "css_attestation"
    EMPLOYER_ATTESTATION = "employer_attestation"
    DEATH_CERTIFICATE = "death_certificate"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _DOCUMENT[self]


_DOCUMENT = {
    DocumentKind.IDENTITY: "Pièce d'identité",
    DocumentKind.AMO_ATTESTATION: "Attestation d'affiliation au régime obligatoire",
    DocumentKind.RIB: "Relevé d'identité bancaire (cotisations)",
    DocumentKind.RIB_INSURED: "RIB d'un assuré de plus de 16 ans",
    DocumentKind.SEPA_MANDATE: "Mandat de prélèvement SEPA",
    DocumentKind.SPOUSE_PROOF: "Justificatif de la qualité de conjoint",
    DocumentKind.STUDENT_CERTIFICATE: "Attestation d'inscription (enseignement supérieur)",
    DocumentKind.CHILD_PROOF: "Justificatif d'un enfant de 21 à 27 ans",
    DocumentKind.BIRTH_CERTIFICATE: "Acte de naissance ou livret de famille",
    DocumentKind.DISABILITY_CARD: "Carte mobilité inclusion « invalidité »",
    DocumentKind.AGENT_CERTIFICATE: "Justificatif de la qualité d'agent",
    DocumentKind.TERMINATION_LETTER: "Lettre de résiliation",
    DocumentKind.CSS_ATTESTATION: "Attestation de Complémentaire santé solidaire",
    DocumentKind.EMPLOYER_ATTESTATION: "Attestation d'employeur (contrat obligatoire)",
    DocumentKind.DEATH_CERTIFICATE: "Acte de décès",
    DocumentKind.OTHER: "Autre",
}


class Housing(StrEnum):
    """Housing as the CSS screening counts it (R861-5, R861-7 CSS)."""

    TENANT = "tenant"
    TENANT_WITH_HOUSING_AID = "tenant_with_housing_aid"
    OWNER = "owner"
    HOUSED_FREE = "housed_free"

    @property
    def label(self) -> str:
        return _HOUSING[self][0]

    @property
    def question(self) -> str:
        return _HOUSING[self][1]


_HOUSING = {
    Housing.TENANT: ("locataire sans aide au logement", "Locataire, sans aide au logement"),
    Housing.TENANT_WITH_HOUSING_AID: (
        "locataire percevant une aide au logement (APL, ALF, ALS)",
        "Locataire avec une aide au logement (APL, ALF, ALS)",
    ),
    Housing.OWNER: ("propriétaire de son logement", "Propriétaire de mon logement"),
    Housing.HOUSED_FREE: ("logé gratuitement", "Logé-e gratuitement (famille, amis…)"),
}


# --- what a care event says (mutuelle.benefits.events) --------------------------------------


class Basket(StrEnum):
    SANTE_100 = "100_sante"  # classe A / I, 100 % Santé
    LIBRE = "libre"  # classe B / II, tarifs libres


class LensCategory(StrEnum):
    SIMPLE = "simple"
    COMPLEXE = "complexe"
    TRES_COMPLEXE = "tres_complexe"


class Ear(StrEnum):
    LEFT = "left"
    RIGHT = "right"


class Eye(StrEnum):
    LEFT = "left"
    RIGHT = "right"
    BOTH = "both"


class Renewal(StrEnum):
    VISION_CHANGE = "vision_change"
    MEDICAL = "medical"
    CHILD_FACE = "child_face"


class Establishment(StrEnum):
    GENERAL = "general"
    GERIATRIE = "geriatrie"
    MEDICO_SOCIAL = "medico_social"


class _Labelled(Protocol):
    @property
    def value(self) -> str: ...

    @property
    def label(self) -> str: ...


def choices(members: Iterable[_Labelled]) -> list[tuple[str, str]]:
    """``[(value, label), …]`` of an enum (or of some of its members), for a form or a list."""
    return [(m.value, m.label) for m in members]
