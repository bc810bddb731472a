"""The catalog: one model of sources -> tables -> columns, read from files and databases."""

from tools.catalog.model import Catalog, Column, ForeignKey, Source, Table
from tools.catalog.readers import load_catalog, read_source

__all__ = ["Catalog", "Column", "ForeignKey", "Source", "Table", "load_catalog", "read_source"]
