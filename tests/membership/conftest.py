import pytest

from mutuelle.offers import load_offer
from mutuelle.offers.model import Offer


@pytest.fixture(scope="session")
def offer() -> Offer:
    return load_offer("grenoble-2025")
