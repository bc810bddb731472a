"""Regenerate `spark_functions.json`: every built-in function of a real Spark, from `SHOW FUNCTIONS`
and `DESCRIBE FUNCTION`, so the DuckDB route knows Spark's function names without a JVM.

    python -m tools.sql.data.spark_functions   # needs pyspark and Java
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

TARGET = Path(__file__).with_name("spark_functions.json")


def dump() -> dict[str, object]:
    import pyspark

    from tools.sql.spark_engine import local_session

    spark = local_session()
    names = sorted({row[0] for row in spark.sql("SHOW SYSTEM FUNCTIONS").collect()})
    functions: dict[str, dict[str, str]] = {}
    for name in names:
        if not name.replace("_", "").isalnum():
            continue  # operators (+, ==, ...) are syntax, not callable names
        lines = [row[0] for row in spark.sql(f"DESCRIBE FUNCTION `{name}`").collect()]
        info = dict(line.split(": ", 1) for line in lines if ": " in line)
        functions[name] = {"class": info.get("Class", ""), "usage": info.get("Usage", "").strip().splitlines()[0]}
    return {"spark": pyspark.__version__, "functions": functions}


def main() -> int:
    TARGET.write_text(json.dumps(dump(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
