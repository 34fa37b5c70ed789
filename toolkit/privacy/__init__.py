"""The privacy gate: nothing identifying gets into the toolkit or out of it.

Content warning: this module exists because the material describes organised sexual
abuse online; it refuses identifiers and hides small counts, it shows no content.

Public face:

- :func:`scan_text` finds identifiers in a text and returns masked :class:`Finding` s;
  :func:`mask` is the only form in which a refused value is ever shown;
  :class:`PrivacyError` carries findings (masked) for callers that must refuse input.
- :func:`audit_paths` runs the scanner over files and folders (``veille audit``).
- :func:`suppress_small_counts` hides counts from 1 to k-1 (and enough other cells that
  they cannot be worked back from totals) in every published aggregate.

See ``docs/privacy.md`` for what is refused, what passes, and why.
"""

from __future__ import annotations

from toolkit.privacy._audit import AuditReport, audit, audit_paths, load_skip_config
from toolkit.privacy._scanner import (
    ALLOWED_URL_PATTERNS,
    INVITE_DOMAINS,
    KINDS,
    Finding,
    PrivacyError,
    mask,
    scan_text,
)
from toolkit.privacy._suppress import suppress_small_counts

__all__ = [
    "ALLOWED_URL_PATTERNS",
    "INVITE_DOMAINS",
    "KINDS",
    "AuditReport",
    "Finding",
    "PrivacyError",
    "audit",
    "audit_paths",
    "load_skip_config",
    "mask",
    "scan_text",
    "suppress_small_counts",
]
