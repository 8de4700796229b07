"""STEM2Code-Eval: benchmark builder, models, sandboxed runner, summaries."""

from codepercept.bench.build import build_benchmark
from codepercept.bench.dataset import PROMPT, SYSTEM, BenchItem, load_bench
from codepercept.bench.extract import extract_code
from codepercept.bench.models import make_model
from codepercept.bench.runner import read_results, run_benchmark
from codepercept.bench.summary import summarize

__all__ = ["PROMPT", "SYSTEM", "BenchItem", "build_benchmark", "extract_code", "load_bench",
           "make_model", "read_results", "run_benchmark", "summarize"]  # fmt: skip
