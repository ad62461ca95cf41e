"""Detectors of structured personal data in Dutch post text.

BSN, phone number, e-mail address, IBAN, home address, date of birth and age: each detector
reports findings with an exact span, a score and evidence; the policy decides what they mean.
"""

from __future__ import annotations

from screening.detectors.base import TextDetector
from screening.detectors.pii.address import AddressDetector
from screening.detectors.pii.age import AgeDetector
from screening.detectors.pii.bsn import BsnDetector
from screening.detectors.pii.date_of_birth import DateOfBirthDetector
from screening.detectors.pii.email import EmailDetector
from screening.detectors.pii.iban import IbanDetector
from screening.detectors.pii.phone import PhoneDetector
from screening.detectors.registry import DetectorRegistry

PII_DETECTORS: tuple[type[TextDetector], ...] = (
    BsnDetector,
    PhoneDetector,
    EmailDetector,
    IbanDetector,
    AddressDetector,
    DateOfBirthDetector,
    AgeDetector,
)

__all__ = [
    "PII_DETECTORS",
    "AddressDetector",
    "AgeDetector",
    "BsnDetector",
    "DateOfBirthDetector",
    "EmailDetector",
    "IbanDetector",
    "PhoneDetector",
    "register_pii",
]


def register_pii(registry: DetectorRegistry) -> None:
    """Register every personal-data detector under its own name."""
    for detector in PII_DETECTORS:
        registry.register_text(detector.name, detector)
