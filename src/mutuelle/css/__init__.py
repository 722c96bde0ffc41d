"""CSS screening (Complémentaire santé solidaire), convention art. 2.3: detect and orient.

The web layer and the CLI call::

    params = load_parameters(household.date)   # openfisca-france + local override, cached
    result = screen(params, household)         # pure
    data = result_to_dict(result)
"""

from mutuelle.css.household import (
    HOUSING_LABELS,
    CssHousehold,
    CssMember,
    InvalidCssHousehold,
    parse_css_household,
)
from mutuelle.css.loader import (
    CssParametersError,
    CssParametersUnavailable,
    build_parameters,
    load_parameters,
)
from mutuelle.css.parameters import CeilingTable, CssParameters, Figure, ParticipationBand
from mutuelle.css.render import parameters_to_dict, result_to_dict
from mutuelle.css.screening import VERDICT_LABELS, CssResult, screen
from mutuelle.explain import Step

__all__ = [
    "HOUSING_LABELS",
    "VERDICT_LABELS",
    "CeilingTable",
    "CssHousehold",
    "CssMember",
    "CssParameters",
    "CssParametersError",
    "CssParametersUnavailable",
    "CssResult",
    "Figure",
    "InvalidCssHousehold",
    "ParticipationBand",
    "Step",
    "build_parameters",
    "load_parameters",
    "parameters_to_dict",
    "parse_css_household",
    "result_to_dict",
    "screen",
]
