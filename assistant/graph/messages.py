"""Messages as plain dicts in the graph's state (so the checkpointer stores JSON, not classes), and
their conversion to and from the backend protocol's blocks."""

from __future__ import annotations

from typing import Any

from assistant.backends.base import Block, Message, TextBlock, ToolResultBlock, ToolUseBlock

MessageDict = dict[str, Any]


def user_text(text: str) -> MessageDict:
    return {"role": "user", "content": [{"type": "text", "text": text}]}


def to_dict(role: str, blocks: list[Block]) -> MessageDict:
    content: list[dict[str, Any]] = []
    for block in blocks:
        if isinstance(block, TextBlock):
            content.append({"type": "text", "text": block.text})
        elif isinstance(block, ToolUseBlock):
            content.append({"type": "tool_use", "id": block.id, "name": block.name, "input": block.input})
        else:
            content.append(
                {
                    "type": "tool_result",
                    "tool_use_id": block.tool_use_id,
                    "content": block.content,
                    "is_error": block.is_error,
                }
            )
    return {"role": role, "content": content}


def to_message(message: MessageDict) -> Message:
    blocks: list[Block] = []
    for part in message["content"]:
        if part["type"] == "text":
            blocks.append(TextBlock(part["text"]))
        elif part["type"] == "tool_use":
            blocks.append(ToolUseBlock(part["id"], part["name"], dict(part["input"])))
        else:
            blocks.append(ToolResultBlock(part["tool_use_id"], part["content"], bool(part.get("is_error"))))
    return Message(message["role"], blocks)


def text_of(message: MessageDict) -> str:
    return "".join(part["text"] for part in message["content"] if part["type"] == "text")


def tool_uses(message: MessageDict) -> list[dict[str, Any]]:
    return [part for part in message["content"] if part["type"] == "tool_use"]
