import pytest

from mutuelle.reporting.rules import SteeringRules, load_steering


@pytest.fixture(scope="session")
def rules() -> SteeringRules:
    return load_steering("grenoble-2025")
