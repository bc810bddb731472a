"""An Airflow DAG (TaskFlow API) for a drafted pipeline, and the check that its task graph is the
pipeline's step graph: read back with `ast`, and imported for real where Airflow is installed."""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path

from tools.drafting.spec import PipelineSpec
from tools.errors import FAILURE, DeassistError

Edges = set[tuple[str, str]]


def airflow_dag(spec: PipelineSpec) -> str:
    """One @task per step, each running `deassist pipeline run DIR --step NAME`, wired as the steps depend."""
    dag_id = f"{spec.name}_pipeline"
    lines = [
        f'"""Airflow DAG for the {spec.name} medallion pipeline, drafted by deassist.',
        "",
        "Each task runs one pipeline step in its own transaction; a failing quality check fails the task.",
        '"""',
        "",
        "import subprocess",
        "from pathlib import Path",
        "",
        "import pendulum",
        "",
        "try:",
        "    from airflow.sdk import dag, task",
        "except ImportError:  # Airflow 2",
        "    from airflow.decorators import dag, task",
        "",
        "PIPELINE_DIR = str(Path(__file__).resolve().parents[1])",
        "",
        "",
        "def run_step(name: str) -> None:",
        '    subprocess.run(["deassist", "pipeline", "run", PIPELINE_DIR, "--step", name], check=True)',
        "",
        "",
        f'@dag(dag_id="{dag_id}", schedule="@hourly", start_date=pendulum.datetime(2025, 1, 1, tz="UTC"), catchup=False, tags=["deassist"])',
        f"def {dag_id}():",
    ]
    for step in spec.steps:
        lines += ["    @task", f"    def {step.name}():", f'        run_step("{step.name}")', ""]
    for step in spec.steps:
        lines.append(f"    {step.name}_done = {step.name}()")
    lines.append("")
    for step in spec.steps:
        for upstream in step.depends_on:
            lines.append(f"    {upstream}_done >> {step.name}_done")
    lines += ["", "", f"pipeline_dag = {dag_id}()", ""]
    return "\n".join(lines)


def step_edges(spec: PipelineSpec) -> Edges:
    return {(upstream, step.name) for step in spec.steps for upstream in step.depends_on}


def dag_edges(source: str) -> tuple[set[str], Edges]:
    """The tasks (functions decorated with @task) and `a >> b` edges of a TaskFlow DAG file."""
    tree = ast.parse(source)
    tasks = {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
        and any(_decorator_name(d) == "task" for d in node.decorator_list)
    }
    bound: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name):
            if node.value.func.id in tasks:
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        bound[target.id] = node.value.func.id
    edges: Edges = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.RShift):
            left, right = _task_of(node.left, bound), _task_of(node.right, bound)
            if left and right:
                edges.add((left, right))
    return tasks, edges


def check_dag_source(source: str, spec: PipelineSpec, where: str = "DAG") -> None:
    """Raise unless the DAG's tasks and dependencies (read with `ast`) are exactly the pipeline's."""
    tasks, edges = dag_edges(source)
    expected = step_edges(spec)
    names = {s.name for s in spec.steps}
    if tasks != names or edges != expected:
        missing = sorted(expected - edges) or sorted(names - tasks)
        extra = sorted(edges - expected) or sorted(tasks - names)
        raise DeassistError(
            "DEA-DRAFT-DAG", f"{where}: task graph differs from the pipeline (missing {missing}, extra {extra})", exit_code=FAILURE
        )


def check_dag(path: Path, spec: PipelineSpec) -> None:
    """The `ast` check of a written DAG file, then Airflow's own reading of it where Airflow is installed."""
    check_dag_source(path.read_text(encoding="utf-8"), spec, str(path))
    if importlib.util.find_spec("airflow") is not None:
        _check_with_airflow(path, step_edges(spec))


def _check_with_airflow(path: Path, expected: Edges) -> None:
    """Import the DAG file with Airflow itself and compare the DAG object's upstream lists."""
    module_spec = importlib.util.spec_from_file_location(f"deassist_dag_{path.stem}", path)
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[module_spec.name] = module
    module_spec.loader.exec_module(module)
    from airflow.models.dag import DAG

    dags = [v for v in vars(module).values() if isinstance(v, DAG)]
    if not dags:
        raise DeassistError("DEA-DRAFT-DAG", f"{path}: Airflow found no DAG in the file", exit_code=FAILURE)
    found = {(up, task_id) for task_id, task in dags[0].task_dict.items() for up in task.upstream_task_ids}
    if found != expected:
        raise DeassistError("DEA-DRAFT-DAG", f"{path}: Airflow reads a different task graph", exit_code=FAILURE)


def _decorator_name(node: ast.expr) -> str | None:
    target = node.func if isinstance(node, ast.Call) else node
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    return None


def _task_of(node: ast.expr, bound: dict[str, str]) -> str | None:
    if isinstance(node, ast.Name):
        return bound.get(node.id)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return node.func.id
    return None
