"""The coordinator routes by the roster's descriptions: the lead and the collaborators each request needs."""

from __future__ import annotations

import pytest

from assistant import events as ev
from tests.agents.conftest import final
from tests.conftest import SHOP

ROUTES = [
    (
        "Build a real-time pipeline from Kafka into BigQuery with transformations on the way",
        "analytics-implementation-specialist",
    ),
    ("Design a warehouse schema for our e-commerce analytics", "business-intelligence-developer"),
    ("Set up a CDC pipeline between our two databases, with data quality checks", "database-admin"),
    ("We want a feature store fed by an automated pipeline", "machine-learning-engineer"),
    ("Migrate our legacy ETL jobs to a cloud platform and cut costs", "cloud-architect"),
    ("How do we mask PII in this pipeline?", "security-auditor"),
    # the same needs in other words: routing follows the descriptions, not these sentences
    ("Stream clickstream events into Snowflake for funnel dashboards", "analytics-implementation-specialist"),
    ("Replicate changes from PostgreSQL with Debezium and logical replication", "database-admin"),
    ("Move our on-premises warehouse to AWS with Terraform", "cloud-architect"),
    ("Pseudonymize personal data in our ETL for GDPR", "security-auditor"),
]


@pytest.mark.parametrize(("request_text", "collaborator"), ROUTES)
def test_the_coordinator_picks_the_lead_and_the_collaborator(ask, request_text: str, collaborator: str) -> None:
    events = ask(request_text, [SHOP], auto_approve=True)
    route = next(e for e in events if isinstance(e, ev.ToolCall) and e.name == "route")
    assert route.input["lead"] == "data-engineer"
    assert route.input["collaborators"] == [collaborator]
    answer = final(events)
    assert answer.agents == ["data-engineer", collaborator]
    started = [(e.agent, e.role) for e in events if isinstance(e, ev.AgentStarted)]
    assert started == [("coordinator", "coordinator"), (collaborator, "collaborator"), ("data-engineer", "lead")]


def test_a_design_answer_follows_the_leads_shape_grounded_in_the_sources(ask) -> None:
    answer = final(ask("Design a warehouse schema for our e-commerce analytics", [SHOP], auto_approve=True))
    headings = [line[3:] for line in answer.text.splitlines() if line.startswith("## ")]
    assert headings == [
        "Requirements",
        "Architecture",
        "Implementation",
        "Quality checks",
        "Cost and performance",
        "Governance",
        "Monitoring and alerting",
        "Documentation and runbook",
    ]
    assert "`orders` (300 rows)" in answer.text
    assert "orders.customer_id -> customers.customer_id" in answer.text
    assert "customers.email" in answer.text  # personal data found by the profiler
    assert answer.validated_sql and "LEFT JOIN" in answer.validated_sql[0]
    assert "business-intelligence-developer" in answer.text


def test_a_request_for_sql_work_alone_stays_with_the_lead(ask) -> None:
    events = ask("Validate: SELECT name FROM customers", [SHOP])
    assert final(events).agents == ["data-engineer"]


def test_a_request_plainly_for_another_agent_is_led_by_it(ask) -> None:
    events = ask("Review column-level security and RBAC roles for GDPR compliance")
    route = next(e for e in events if isinstance(e, ev.ToolCall) and e.name == "route")
    assert route.input["lead"] == "security-auditor"
    assert final(events).agents[0] == "security-auditor"
