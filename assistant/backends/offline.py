"""The offline backend: deassist's deterministic planner behind the same protocol as a model.

It routes by BM25 over the roster's routing cards, calls the same tools through tool_use blocks, and writes
its answers from the tool results it reads back, each answer labelled as the offline planner's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from assistant.backends.base import ModelRequest, ModelTurn, TextBlock, ToolUseBlock

CHUNK = 400


class OfflineBackend:
    name = "offline"

    def complete(self, request: ModelRequest, on_text: Callable[[str], None] | None = None) -> ModelTurn:
        from assistant.planner import conversation, plan
        from assistant.planner.actions import Call

        if any(tool.name == "route" for tool in request.tools):
            return self._route(request)
        conv = conversation.read(request)
        action = plan.next_action(conv, request.system)
        if isinstance(action, Call):
            if action.name not in conv.tools:
                return self._text(f"The {action.name} tool is not available to this agent.", on_text)
            return ModelTurn([ToolUseBlock(self._id(request), action.name, action.input)], "tool_use", model=self.name)
        return self._text(action.text, on_text)

    def _route(self, request: ModelRequest) -> ModelTurn:
        from assistant.planner.text import tags
        from assistant.routing.cards import cards_from_lines
        from assistant.routing.route import route

        text = "".join(b.text for m in request.messages for b in m.content if isinstance(b, TextBlock))
        found = tags(text)
        chosen = route(found.get("request", text), cards_from_lines(found.get("roster", "")))
        reason = "BM25 over the roster's descriptions and examples: " + (
            ", ".join(chosen.collaborators) if chosen.collaborators else "the lead alone"
        )
        block = ToolUseBlock(
            self._id(request), "route", {"lead": chosen.lead, "collaborators": chosen.collaborators, "reason": reason}
        )
        return ModelTurn([block], "tool_use", model=self.name)

    def _text(self, text: str, on_text: Callable[[str], None] | None) -> ModelTurn:
        if on_text:
            for start in range(0, len(text), CHUNK):
                on_text(text[start : start + CHUNK])
        return ModelTurn([TextBlock(text)], "end_turn", model=self.name)

    @staticmethod
    def _id(request: ModelRequest) -> str:
        """Deterministic and unique within a conversation: the system prompt, the messages so far."""
        digest = hashlib.sha1(request.system.encode())
        for message in request.messages:
            digest.update(repr(message).encode())
        return "toolu_offline_" + digest.hexdigest()[:16]
