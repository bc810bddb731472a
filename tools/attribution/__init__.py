"""The commit attribution convention: `type(scope): description - @agent1 @agent2`.

Light on purpose (stdlib only): the git hook imports this package on every commit.
"""

from tools.attribution.check import AGENT_PLACEHOLDER, CheckResult, Problem, check_message
from tools.attribution.config import AttributionConfig, load_config
from tools.attribution.message import ParsedMessage, format_message, parse_message

__all__ = [
    "AGENT_PLACEHOLDER",
    "AttributionConfig",
    "CheckResult",
    "ParsedMessage",
    "Problem",
    "check_message",
    "format_message",
    "load_config",
    "parse_message",
]
