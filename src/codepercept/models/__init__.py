"""Model clients and baselines behind one interface."""

from codepercept.models.openai import ModelError, OpenAIChat

__all__ = ["ModelError", "OpenAIChat"]
