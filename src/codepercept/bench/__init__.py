"""STEM2Code-Eval: benchmark builder, models, sandboxed runner, summaries.

Names are re-exported lazily (:mod:`codepercept._lazy`): importing one submodule
(``codepercept.bench.extract`` for the model-driven pipelines) does not load scipy
for the agreement statistics or the report builder.
"""

from typing import TYPE_CHECKING

from codepercept._lazy import lazy_getattr

if TYPE_CHECKING:
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

_bench_getattr = lazy_getattr(
    __name__,
    {
        "run_agreement": "agreement", "build_benchmark": "build", "PROMPT": "dataset",
        "SYSTEM": "dataset", "BenchItem": "dataset", "load_bench": "dataset",
        "extract_code": "extract", "make_judge": "judge", "parse_score": "judge",
        "build_report": "report", "read_results": "runner",
        "run_benchmark": "runner", "summarize": "summary",
    },
)  # fmt: skip


def __getattr__(name: str) -> object:
    if name == "make_model":  # the adapters live with every other model access
        from codepercept.models.adapters import make_model

        return make_model
    return _bench_getattr(name)
