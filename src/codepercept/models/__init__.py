"""Model access in one place: the async client every call goes through, its blocking form,
the prompts and the image policy."""

from codepercept.models.client import AsyncChat, ClientStats, ModelError, Reply
from codepercept.models.openai import OpenAIChat

__all__ = ["AsyncChat", "ClientStats", "ModelError", "OpenAIChat", "Reply"]
