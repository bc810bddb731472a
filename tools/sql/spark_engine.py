"""Spark sessions: a local Spark that deassist starts itself, or a Spark Connect server by URL.

The local session is one per process, started on first use, reused, and stopped at exit. pyspark
and the JVM are touched only here and only when a Spark source or the Spark dialect is used, so
`deassist --help` and the hook never pay for them. A Spark Connect URL may carry a token
(`sc://host:port/;token=...`); `redact_spark_url` is the only form that reaches a message.
"""

from __future__ import annotations

import atexit
import logging
import os
import re
import shutil
import tempfile
import sys
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from tools.errors import FAILURE, DeassistError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

LOCAL = "spark:local"
NO_JVM = "DEA-SPARK-NO-JVM"
NOT_INSTALLED = "DEA-SPARK-NOT-INSTALLED"
UNREACHABLE = "DEA-SPARK-UNREACHABLE"
START_FAILED = "DEA-SPARK-START"
# Databases deassist creates in its own local Spark to validate against; never shown by inspect.
PRIVATE_DATABASE_PREFIX = "deassist_schema_"
DEFAULT_CONNECT_PORT = 15002
PROBE_TIMEOUT_S = 5
LOG4J = Path(__file__).with_name("data") / "spark_log4j2.properties"

_lock = threading.Lock()
_local: SparkSession | None = None
_connected: dict[str, SparkSession] = {}


def is_spark_source(spec: str) -> bool:
    return spec == LOCAL or spec.startswith("sc://")


def redact_spark_url(url: str) -> str:
    """`sc://host:port` with every `;key=value` parameter dropped but the user: tokens never show."""
    if url == LOCAL:
        return url
    head, _, params = url.partition("/;")
    kept = [p for p in params.split(";") if p.split("=", 1)[0].lower() == "user_id"] if params else []
    head = re.sub(r"//[^@/]*@", "//", head)  # user:password@ in the authority
    return head + ("/;" + ";".join(kept) if kept else "")


def java_executable() -> str | None:
    """The `java` pyspark would launch: $JAVA_HOME/bin/java when JAVA_HOME is set, else `java` on PATH."""
    home = os.environ.get("JAVA_HOME")
    if home:
        candidate = Path(home) / "bin" / "java"
        return str(candidate) if candidate.is_file() and os.access(candidate, os.X_OK) else None
    return shutil.which("java")


def pyspark_installed() -> bool:
    from importlib.util import find_spec

    return find_spec("pyspark") is not None


def local_engine_available() -> bool:
    """Whether a local Spark can start here (pyspark installed, a JVM found), without starting it."""
    return pyspark_installed() and java_executable() is not None


def _require_pyspark() -> None:
    if not pyspark_installed():
        raise DeassistError(NOT_INSTALLED, "pyspark is not installed: pip install 'deassist[spark]'")
    _quiet()


def _quiet() -> None:
    """pyspark logs every analysis error it raises and warns about pandas; the caller reports errors itself."""
    logging.getLogger("SQLQueryContextLogger").setLevel(logging.CRITICAL)
    logging.getLogger("py4j").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", message=".*PySpark does not yet fully support pandas.*")


def local_session() -> SparkSession:
    """The process's local Spark (ANSI on, case-insensitive, in-memory catalog, private warehouse)."""
    global _local
    with _lock:
        if _local is not None:
            return _local
        _require_pyspark()
        if java_executable() is None:
            where = f"JAVA_HOME={os.environ['JAVA_HOME']}" if os.environ.get("JAVA_HOME") else "PATH"
            raise DeassistError(
                NO_JVM, f"no Java runtime found ({where}): install Java 17 (e.g. openjdk-17-jre-headless)"
            )
        from pyspark.sql import SparkSession

        scratch = tempfile.mkdtemp(prefix="deassist-spark-")
        java_options = f"-Dlog4j2.configurationFile=file:{LOG4J} -Dderby.system.home={scratch}"
        builder = (
            SparkSession.builder.master("local[2]")
            .appName("deassist")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.ansi.enabled", "true")
            .config("spark.sql.caseSensitive", "false")
            .config("spark.sql.catalogImplementation", "in-memory")
            .config("spark.sql.warehouse.dir", str(Path(scratch) / "warehouse"))
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.driver.extraJavaOptions", java_options)
            .config("spark.driver.memory", "1g")
        )
        log = Path(scratch) / "spark.log"
        try:
            with _stderr_to(log):  # the JVM inherits fd 2: its banner goes to the log, not the terminal
                session = builder.getOrCreate()
        except Exception as exc:  # noqa: BLE001 - pyspark reports a failed JVM launch with several types
            lines = [line for line in log.read_text(errors="replace").splitlines() if line.strip()]
            reason = lines[-1] if lines else (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            shutil.rmtree(scratch, ignore_errors=True)
            raise DeassistError(START_FAILED, f"local Spark did not start: {reason}", exit_code=FAILURE) from None
        _local = session
        atexit.register(_stop_local, scratch)
        return session


@contextmanager
def _stderr_to(path: Path) -> Iterator[None]:
    sys.stderr.flush()
    saved = os.dup(2)
    with path.open("ab") as target:
        os.dup2(target.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def _stop_local(scratch: str) -> None:
    global _local
    if _local is not None:
        try:
            _local.stop()
        finally:
            _local = None
            shutil.rmtree(scratch, ignore_errors=True)


def connect_session(url: str) -> SparkSession:
    """A Spark Connect session for `sc://...`, reused per URL; an unreachable server is one clear error."""
    with _lock:
        if url in _connected:
            return _connected[url]
        _require_pyspark()
        try:
            from pyspark.sql.connect.session import SparkSession as ConnectSession
        except ImportError as exc:
            raise DeassistError(
                NOT_INSTALLED, f"Spark Connect needs pyspark's connect extras ({exc.name}): pip install 'deassist[spark]'"
            ) from None
        shown = redact_spark_url(url)
        _probe(url, shown)
        try:
            session = ConnectSession.builder.remote(url).create()
            session.sql("SELECT 1").collect()  # connection is lazy: prove the server answers now
        except Exception as exc:  # noqa: BLE001 - gRPC and pyspark raise many types for one cause
            reason = _first_line(exc).replace(url, shown)
            raise DeassistError(UNREACHABLE, f"{shown}: cannot reach the Spark Connect server ({reason})") from None
        _connected[url] = session
        atexit.register(_stop_connected, url)
        return session


def _probe(url: str, shown: str) -> None:
    """Fail fast on a server that does not answer: the Connect client itself retries for minutes."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url.partition("/;")[0])
    try:
        host, port = parts.hostname or "localhost", parts.port or DEFAULT_CONNECT_PORT
    except ValueError:
        raise DeassistError(UNREACHABLE, f"{shown}: not a valid sc://host:port URL") from None
    try:
        socket.create_connection((host, port), timeout=PROBE_TIMEOUT_S).close()
    except OSError as exc:
        raise DeassistError(
            UNREACHABLE, f"{shown}: cannot reach the Spark Connect server ({exc.strerror or exc})"
        ) from None


def _stop_connected(url: str) -> None:
    session = _connected.pop(url, None)
    if session is not None:
        try:
            session.stop()
        except Exception:  # noqa: BLE001, S110 - the server may already be gone at exit
            pass


def session_for(spec: str) -> SparkSession:
    return local_session() if spec == LOCAL else connect_session(spec)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    for line in text.splitlines():
        if "details" in line.lower() or "status" in line.lower():
            return line.strip()[:200]
    return (text.splitlines()[0] if text else type(exc).__name__)[:200]


__all__ = [
    "LOCAL",
    "NO_JVM",
    "NOT_INSTALLED",
    "UNREACHABLE",
    "connect_session",
    "is_spark_source",
    "java_executable",
    "local_engine_available",
    "local_session",
    "redact_spark_url",
    "session_for",
]
