"""The profiler: what is in each column and table, and how tables link, computed with shared scans."""

from tools.profile.model import ColumnProfile, ForeignKeyCandidate, TableProfile, TopValue
from tools.profile.profiler import DEFAULT_SAMPLE, profile_catalog
from tools.profile.semantic import infer_semantic_type, is_pii, mask

__all__ = [
    "DEFAULT_SAMPLE",
    "ColumnProfile",
    "ForeignKeyCandidate",
    "TableProfile",
    "TopValue",
    "infer_semantic_type",
    "is_pii",
    "mask",
    "profile_catalog",
]
