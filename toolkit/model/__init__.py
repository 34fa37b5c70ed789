"""The case model: CaseBook tables, schemas, validation, reading and writing."""

from toolkit.model.casebook import (
    CaseBook,
    DatasetError,
    Problem,
    example_cases,
    load,
    validate,
    write,
)
from toolkit.model.schemas import TABLES

__all__ = [
    "TABLES",
    "CaseBook",
    "DatasetError",
    "Problem",
    "example_cases",
    "load",
    "validate",
    "write",
]
