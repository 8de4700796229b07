"""STEM2Code-Eval: benchmark builder, models, sandboxed runner, summaries."""

from codepercept.bench.agreement import run_agreement
from codepercept.bench.build import build_benchmark
from codepercept.bench.dataset import PROMPT, SYSTEM, BenchItem, load_bench
from codepercept.bench.extract import extract_code
from codepercept.bench.judge import make_judge, parse_score
from codepercept.bench.report import build_report
from codepercept.bench.runner import read_results, run_benchmark
from codepercept.bench.summary import summarize
from codepercept.models.adapters import make_model

__all__ = ["PROMPT", "SYSTEM", "BenchItem", "build_benchmark", "build_report", "extract_code",
           "load_bench", "make_judge", "make_model", "parse_score", "read_results",
           "run_agreement", "run_benchmark", "summarize"]  # fmt: skip
