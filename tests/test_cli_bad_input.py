"""A new user's mistakes, for every command: each bad value, missing option, wrong kind of path
or malformed input ends in ONE line on stderr naming what is wrong, a non-zero exit status
(2 where the command line can tell it is a usage error, 1 where the library finds the problem),
no traceback, no "internal error", and nothing written.

Every case runs in-process through :func:`codepercept.cli.main` in a scratch directory holding
the input fixtures; a snapshot of that directory before and after shows that nothing was
created or changed. The cases fail at validation, so each takes milliseconds.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shlex
import stat
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
import typer

import codepercept
from codepercept.cli import app, main

ROOT = Path(__file__).resolve().parents[1]
HUGE = "99999999999999999999999"  # 10^23: no machine finishes that many of anything

# ---- fixtures: the inputs a confused user points commands at -----------------------------------


def _png(path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (8, 8), "white").save(path)


def _make_inputs(root: Path) -> None:
    (root / "prog.py").write_text("print('hi')\n")
    (root / "file.txt").write_text("some text\n")
    (root / "empty.txt").write_text("")
    (root / "dir").mkdir()
    (root / "bad.json").write_text("{not json\n")
    (root / "bad.jsonl").write_text('{"id": 1}\n{not json\n')
    (root / "binary.bin").write_bytes(b"\xff\xfe\x00bad")
    (root / "list.json").write_text("[1, 2]\n")
    (root / "notscene.json").write_text('{"a": 1}\n')
    (root / "notscene_dir").mkdir()
    (root / "notscene_dir" / "scene.json").write_text('{"a": 1}\n')
    (root / "scene.json").write_text(
        '{"schema_version": 1, "figures": [], "axes": [], "elements": [], "warnings": []}'
    )
    _png(root / "img.png")
    (root / "notimg.png").write_text("not an image\n")
    (root / "empty.pt").write_bytes(b"")
    (root / "bad.pt").write_bytes(b"\xff\xfe\x00bad")
    with zipfile.ZipFile(root / "zip.pt", "w") as zf:  # a zip archive, but no checkpoint
        zf.writestr("x/notes.txt", "hello")
    header = {"type": "header", "version": 1, "format": "parquet", "columns": []}
    (root / "tokenit").mkdir()
    (root / "tokenit" / "manifest.jsonl").write_text(
        json.dumps({**header, "config": {"producer": "tokenit", "seed": 0}}) + "\n"
    )
    (root / "icc").mkdir()
    (root / "icc" / "manifest.jsonl").write_text(
        json.dumps({**header, "config": {"job": "icc-synth", "seed": 0}}) + "\n"
    )
    (root / "badmanifest").mkdir()
    (root / "badmanifest" / "manifest.jsonl").write_text("{not json\n")
    (root / "benchdir").mkdir()
    (root / "benchdir" / "bench.jsonl").write_text('{"id": "a", "messages": []}\n')
    (root / "emptybench").mkdir()
    (root / "emptybench" / "bench.jsonl").write_text("\n\n")
    for name, data in (
        ("run_bad", b"{not json\n"),
        ("run_list", b"[1]\n"),
        ("run_bin", b"\xff\xfe\x00bad\n"),
    ):
        (root / name).mkdir()
        (root / name / "results.jsonl").write_bytes(data)


def _snapshot(root: Path) -> dict[str, tuple]:
    """Every path under ``root``: files with size and mtime, directories by name (a directory's
    own mtime moves when a probe is made and removed in it, which writes nothing)."""
    out: dict[str, tuple] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = os.path.join(dirpath, name)
            st = os.lstat(p)
            key = os.path.relpath(p, root)
            if stat.S_ISDIR(st.st_mode):
                out[key] = ("dir",)
            else:
                out[key] = ("file", st.st_size, st.st_mtime_ns)
    return out


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CODEPERCEPT_DEBUG", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    _make_inputs(tmp_path)
    return tmp_path


# ---- the table ---------------------------------------------------------------------------------


def C(case_id: str, argv: str | list[str], *names: str, rc: int = 2, xfail: str = ""):
    """One case: ``argv`` (a shell-like string or a list), the text the error line must hold
    (the option and/or the value at fault), the exit status, and an xfail reason for a fault
    that lies in a library module this sweep does not own."""
    args = shlex.split(argv) if isinstance(argv, str) else argv
    marks = [pytest.mark.xfail(strict=True, reason=xfail)] if xfail else []
    return pytest.param(args, names, rc, id=case_id, marks=marks)


_READ_RESULTS = (
    "bench/runner.py read_results skips every line that does not parse (not only a torn last "
    "line), so a corrupt results.jsonl reads as an empty run"
)
_ROWS = (
    "bench/runner.py read_results returns rows that are not JSON objects; the agreement/report "
    "code then calls .get on a list (internal error)"
)

CASES = [
    # ---- model-driven data: reproduce, diversify, refine-code
    C("repro-no-images", "reproduce --model openai:m@http://127.0.0.1:9/v1 --out o", "--images"),
    C("repro-missing", "reproduce --images nope --model openai:m@http://x/v1 --out o", "nope"),
    C(
        "repro-no-images-in-dir",
        "reproduce --images benchdir --model openai:m@http://x/v1 --out o",
        "benchdir",
        "no images",
        rc=2,
    ),
    C("repro-model-bare", "reproduce --images img.png --model gpt --out o", "--model", "gpt"),
    C("repro-model-ftp", "reproduce --images img.png --model openai:m@ftp://x --out o", "--model"),
    C(
        "repro-out-file",
        "reproduce --images img.png --model openai:m@http://x/v1 --out img.png",
        "--out",
    ),
    C(
        "repro-concurrency-0",
        "reproduce --images img.png --model openai:m@http://x/v1 --out o --concurrency 0",
        "--concurrency",
    ),
    C(
        "repro-dpi-nan",
        "reproduce --images img.png --model openai:m@http://x/v1 --out o --dpi nan",
        "--dpi",
    ),
    C(
        "repro-dead-endpoint",
        "reproduce --images img.png --model openai:m@http://127.0.0.1:9/v1 --out o",
        "cannot be reached",
        rc=1,
    ),
    C("reval-no-mode", "reason-eval --qa-set 2 --solver blank --out o", "--mode"),
    C("reval-bad-mode", "reason-eval --mode both --qa-set 2 --solver blank --out o", "--mode"),
    C("reval-no-source", "reason-eval --mode solver-only --solver blank --out o", "--qa-set"),
    C(
        "reval-data-without-benchmark",
        "reason-eval --mode solver-only --data file.txt --solver blank --out o",
        "--benchmark",
    ),
    C("reval-direct-no-model", "reason-eval --mode direct --qa-set 2 --out o", "--model"),
    C(
        "reval-captioner-no-solver",
        "reason-eval --mode captioner --qa-set 2 --captioner blank --out o",
        "--solver",
    ),
    C(
        "reval-unused-model",
        "reason-eval --mode solver-only --qa-set 2 --solver blank --model blank --out o",
        "--model",
    ),
    C("reval-bad-spec", "reason-eval --mode direct --qa-set 2 --model gpt --out o", "gpt"),
    C(
        "reval-bad-data",
        "reason-eval --mode direct --benchmark mathvista --data bad.json --model blank --out o",
        "bad.json",
    ),
    C(
        "reval-unknown-benchmark",
        "reason-eval --mode direct --benchmark mmmu --data list.json --model blank --out o",
        "mmmu",
    ),
    C("grid-no-captioners", "reason-grid --solvers blank --qa-set 2 --out o", "--captioners"),
    C(
        "grid-empty-solvers",
        "reason-grid --captioners blank --solvers , --qa-set 2 --out o",
        "--solvers",
    ),
    C(
        "grid-unknown-spec",
        "reason-grid --captioners gpt --solvers blank --qa-set 2 --out o",
        "gpt",
    ),
    C(
        "grid-twice",
        "reason-grid --captioners blank,blank --solvers blank --qa-set 2 --out o",
        "blank",
    ),
    C(
        "grid-solver-as-captioner",
        "reason-grid --captioners qa-solver --solvers blank --qa-set 2 --out o",
        "qa-solver",
    ),
    C("grid-no-source", "reason-grid --captioners blank --solvers blank --out o", "--qa-set"),
    C("div-k-0", "diversify --seeds img.png --model openai:m@http://x/v1 --out o --k 0", "--k"),
    C("div-k-17", "diversify --seeds img.png --model openai:m@http://x/v1 --out o --k 17", "--k"),
    C("div-no-seeds", "diversify --model openai:m@http://x/v1 --out o", "--seeds"),
    C(
        "div-workers-0",
        "diversify --seeds img.png --model openai:m@http://x/v1 --out o --workers 0",
        "--workers",
    ),
    C(
        "refine-not-dataset",
        "refine-code --data benchdir --model openai:m@http://x/v1 --out o",
        "benchdir",
        "not a dataset",
        rc=2,
    ),
    C("refine-missing", "refine-code --data nope --model openai:m@http://x/v1 --out o", "nope"),
    C("refine-file", "refine-code --data img.png --model openai:m@http://x/v1 --out o", "--data"),
    C(
        "refine-limit-0",
        "refine-code --data icc --model openai:m@http://x/v1 --out o --limit 0",
        "--limit",
    ),
    C("refine-model", "refine-code --data icc --model knn:icc --out o", "--model"),
    # -- export (SFT data for trainers) -------------------------------------------------------
    C("export-no-icc", "export --format trl --out o", "ICC_DIR"),
    C("export-missing", "export nope --format trl --out o", "nope"),
    C("export-icc-file", "export img.png --format trl --out o", "img.png"),
    C("export-not-dataset", "export dir --format trl --out o", "dir", "not a dataset"),
    C("export-no-columns", "export icc --format trl --out o", "icc", "not a readable dataset"),
    C("export-no-format", "export icc --out o", "--format"),
    C("export-format-unknown", "export icc --format axolotl --out o", "--format", "axolotl"),
    C("export-task-unknown", "export icc --format trl --task vqa --out o", "--task", "vqa"),
    C("export-no-out", "export icc --format trl", "--out"),
    C("export-out-is-file", "export icc --format trl --out file.txt", "--out", "file.txt"),
    C("export-val-one", "export icc --format trl --out o --val-fraction 1", "--val-fraction"),
    C("export-val-nan", "export icc --format trl --out o --val-fraction nan", "--val-fraction"),
    C("export-seed-text", "export icc --format trl --out o --seed x", "--seed"),
    # -- exec ----------------------------------------------------------------------------------
    C("exec-no-program", "exec", "FILE"),
    C("exec-missing-file", "exec /nonexistent.py --out x", "/nonexistent.py", "FILE"),
    C("exec-dir-as-program", "exec dir --out x", "dir", "directory"),
    C("exec-no-out", "exec prog.py", "--out"),
    C("exec-out-is-file", "exec prog.py --out file.txt", "--out", "file.txt"),
    C("exec-out-under-file", "exec prog.py --out file.txt/sub", "--out", "file.txt"),
    C("exec-out-unwritable", "exec prog.py --out /proc/self/x", "--out", "/proc/self"),
    C("exec-dpi-zero", "exec prog.py --out x --dpi 0", "--dpi"),
    C("exec-dpi-nan", "exec prog.py --out x --dpi nan", "--dpi", "nan"),
    C("exec-dpi-text", "exec prog.py --out x --dpi abc", "--dpi"),
    C("exec-dpi-huge", "exec prog.py --out x --dpi 1e9", "--dpi"),
    C("exec-timeout-inf", "exec prog.py --out x --timeout inf", "--timeout", "inf"),
    C("exec-timeout-negative", "exec prog.py --out x --timeout -1", "--timeout"),
    C("exec-timeout-zero", "exec prog.py --out x --timeout 0", "--timeout"),
    C("exec-memory-zero", "exec prog.py --out x --memory-mb 0", "--memory-mb"),
    C("exec-memory-huge", f"exec prog.py --out x --memory-mb {HUGE}", "--memory-mb"),
    C("exec-memory-float", "exec prog.py --out x --memory-mb 1.5", "--memory-mb"),
    C("exec-unknown-option", "exec prog.py --out x --bogus", "--bogus"),
    # -- demo ----------------------------------------------------------------------------------
    C("demo-workers-zero", "demo --workers 0", "--workers", "0"),
    C("demo-workers-negative", "demo --workers -3", "--workers", "-3"),
    C("demo-workers-huge", f"demo --workers {HUGE}", "--workers"),
    C("demo-workers-text", "demo --workers two", "--workers"),
    C("demo-out-is-file", "demo --out file.txt", "--out", "file.txt"),
    C("demo-out-under-file", "demo --out file.txt/sub", "--out", "file.txt"),
    C("demo-out-unwritable", "demo --out /proc/self/x", "--out", "/proc/self"),
    C("demo-extra-argument", "demo extra", "extra"),
    # -- reward-server (each fails before the sandbox starts or a port is bound) ----------------
    C("rs-workers-zero", "reward-server --workers 0", "--workers", "0"),
    C("rs-workers-huge", f"reward-server --workers {HUGE}", "--workers"),
    C("rs-queue-negative", "reward-server --queue -1", "--queue"),
    C("rs-queue-text", "reward-server --queue lots", "--queue"),
    C("rs-timeout-zero", "reward-server --timeout-s 0", "--timeout-s"),
    C("rs-timeout-inf", "reward-server --timeout-s inf", "--timeout-s", "inf"),
    C("rs-memory-small", "reward-server --memory-mb 10", "--memory-mb"),
    C("rs-dpi-nan", "reward-server --dpi nan", "--dpi", "nan"),
    C("rs-port-huge", "reward-server --port 70000", "--port"),
    C("rs-host-empty", ["reward-server", "--host", ""], "--host"),
    C("rs-host-unresolvable", "reward-server --host no.such.host.invalid", "--host"),
    C("rs-extra-argument", "reward-server extra", "extra"),
    # -- serve (each fails before a backend is loaded or a port is bound) -----------------------
    C("serve-no-backend", "serve", "--backend"),
    C("serve-backend-unknown", "serve --backend gpt4", "--backend", "gpt4"),
    C("serve-backend-static-arg", "serve --backend static:x", "--backend", "static:x"),
    C("serve-offline-missing", "serve --backend offline:nope", "--backend", "nope"),
    C("serve-offline-file", "serve --backend offline:file.txt", "--backend", "file.txt"),
    C("serve-offline-no-manifest", "serve --backend offline:dir", "--backend", "dir"),
    C(
        "serve-offline-bad-manifest",
        "serve --backend offline:badmanifest",
        "--backend",
        "badmanifest",
    ),
    C("serve-offline-tokenit", "serve --backend offline:tokenit", "--backend", "tokenit"),
    C("serve-hf-path-missing", "serve --backend hf:nope", "--backend", "nope"),
    C("serve-oracle-qa-zero", "serve --backend oracle:qa=0", "--backend", "oracle:qa=0"),
    C("serve-oracle-qa-word", "serve --backend oracle:qa=many", "--backend", "oracle:qa=many"),
    C("serve-oracle-missing", "serve --backend oracle:nope", "--backend", "nope"),
    C("serve-oracle-tokenit", "serve --backend oracle:tokenit", "--backend", "tokenit"),
    C("serve-qa-solver-arg", "serve --backend qa-solver:x", "--backend", "qa-solver:x"),
    C("serve-port-huge", "serve --backend static --port 70000", "--port"),
    C("serve-port-negative", "serve --backend static --port -1", "--port"),
    C("serve-port-text", "serve --backend static --port http", "--port"),
    C("serve-host-empty", ["serve", "--backend", "static", "--host", ""], "--host"),
    C(
        "serve-model-name-blank",
        ["serve", "--backend", "static", "--model-name", " "],
        "--model-name",
    ),
    C("serve-latency-negative", "serve --backend static --latency-ms -5", "--latency-ms"),
    C("serve-latency-nan", "serve --backend static --latency-ms nan", "--latency-ms", "nan"),
    C("serve-fault-unknown", "serve --backend static --fault 503", "--fault", "503"),
    C("serve-fault-rate-huge", "serve --backend static --fault 500 --fault-rate 2", "--fault-rate"),
    C(
        "serve-fault-rate-alone",
        "serve --backend static --fault-rate 0.5",
        "--fault-rate",
        "--fault",
    ),
    # -- synth ---------------------------------------------------------------------------------
    C("synth-no-out", "synth", "--out"),
    C("synth-n-zero", "synth --n 0 --out s", "--n"),
    C("synth-n-negative", "synth --n -5 --out s", "--n"),
    C("synth-n-float", "synth --n 1e3 --out s", "--n"),
    C("synth-n-huge", f"synth --n {HUGE} --out s", "--n"),
    C("synth-n-text", "synth --n many --out s", "--n"),
    C("synth-out-is-file", "synth --out file.txt", "--out", "file.txt"),
    C("synth-out-under-file", "synth --out file.txt/sub", "--out", "file.txt"),
    C("synth-out-unwritable", "synth --out /proc/self/x", "--out", "/proc/self"),
    C("synth-format-choice", "synth --out s --format csv", "--format", "csv"),
    C("synth-domain-unknown", "synth --out s --domains nope", "--domains", "nope"),
    C("synth-domain-empty", "synth --out s --domains ,", "--domains"),
    C("synth-family-unknown", "synth --out s --families nope", "--families", "nope"),
    C(
        "synth-family-not-in-domain",
        "synth --out s --domains physics --families cube_net",
        "--families",
        "physics",
    ),
    C("synth-workers-zero", "synth --out s --workers 0", "--workers"),
    C("synth-workers-huge", "synth --out s --workers 100000", "--workers", "100000"),
    C("synth-shard-size-zero", "synth --out s --shard-size 0", "--shard-size"),
    C("synth-reuse-zero", "synth --out s --reuse 0", "--reuse"),
    C("synth-dpi-low", "synth --out s --dpi 5", "--dpi"),
    C("synth-dpi-inf", "synth --out s --dpi inf", "--dpi", "inf"),
    C("synth-seed-text", "synth --out s --seed abc", "--seed"),
    # -- synth list ----------------------------------------------------------------------------
    C("synth-list-extra", "synth list extra", "extra"),
    C("synth-list-option", "synth list --bogus", "--bogus"),
    # -- synth preview -------------------------------------------------------------------------
    C("preview-no-family", "synth preview", "--family"),
    C("preview-family-unknown", "synth preview --family nope", "--family", "nope"),
    C("preview-family-two", "synth preview --family cube_net,cube_folding", "--family"),
    C("preview-family-empty", ["synth", "preview", "--family", ""], "--family"),
    C("preview-n-zero", "synth preview --family cube_net --n 0", "--n"),
    C("preview-n-huge", "synth preview --family cube_net --n 1000", "--n"),
    C("preview-n-text", "synth preview --family cube_net --n x", "--n"),
    C("preview-seed-float", "synth preview --family cube_net --seed 1.5", "--seed"),
    C("preview-out-dir", "synth preview --family cube_net --out dir", "--out", "dir"),
    C(
        "preview-out-under-file",
        "synth preview --family cube_net --out file.txt/s.png",
        "--out",
        "file.txt",
    ),
    C(
        "preview-out-unwritable",
        "synth preview --family cube_net --out /proc/self/s.png",
        "--out",
        "/proc/self",
    ),
    # -- bench build (the library call is not reached: each fails in a callback) --------------
    C("build-no-out", "bench build", "--out"),
    C("build-n-zero", "bench build --n 0 --out b", "--n"),
    C("build-n-negative", "bench build --n -1 --out b", "--n"),
    C("build-n-float", "bench build --n 1e100 --out b", "--n"),
    C("build-n-huge", f"bench build --n {HUGE} --out b", "--n"),
    C("build-out-is-file", "bench build --out file.txt", "--out", "file.txt"),
    C("build-out-under-file", "bench build --out file.txt/b", "--out", "file.txt"),
    C("build-out-unwritable", "bench build --out /proc/self/b", "--out", "/proc/self"),
    C(
        "build-exclude-missing",
        "bench build --out b --exclude-dataset nope",
        "--exclude-dataset",
        "nope",
    ),
    C(
        "build-exclude-file",
        "bench build --out b --exclude-dataset file.txt",
        "--exclude-dataset",
        "file.txt",
    ),
    C("build-workers-zero", "bench build --out b --workers 0", "--workers"),
    C("build-seed-text", "bench build --out b --seed x", "--seed"),
    # -- bench run (as above: callbacks and the checks before the library call) ----------------
    C("run-no-bench", "bench run --model oracle --out r", "--bench"),
    C("run-no-model", "bench run --bench benchdir --out r", "--model"),
    C("run-no-out", "bench run --bench benchdir --model oracle", "--out"),
    C("run-bench-missing", "bench run --bench nope --model oracle --out r", "--bench", "nope"),
    C("run-bench-no-jsonl", "bench run --bench dir --model oracle --out r", "--bench", "dir"),
    C(
        "run-bench-empty-file",
        "bench run --bench empty.txt --model oracle --out r",
        "--bench",
        "empty.txt",
    ),
    C(
        "run-bench-empty-dir",
        "bench run --bench emptybench --model oracle --out r",
        "--bench",
        "emptybench",
    ),
    C("run-model-unknown", "bench run --bench benchdir --model gpt4 --out r", "--model", "gpt4"),
    C(
        "run-model-knn-missing",
        "bench run --bench benchdir --model knn:nope --out r",
        "--model",
        "nope",
    ),
    C(
        "run-model-knn-file",
        "bench run --bench benchdir --model knn:file.txt --out r",
        "--model",
        "file.txt",
    ),
    C("run-model-knn-empty", "bench run --bench benchdir --model knn: --out r", "--model"),
    C(
        "run-model-predictions-dir",
        "bench run --bench benchdir --model predictions:dir --out r",
        "--model",
        "dir",
    ),
    C(
        "run-model-predictions-missing",
        "bench run --bench benchdir --model predictions:nope.jsonl --out r",
        "--model",
        "nope",
    ),
    C(
        "run-model-openai-no-url",
        "bench run --bench benchdir --model openai:gpt --out r",
        "--model",
        "openai:gpt",
    ),
    C(
        "run-model-openai-ftp",
        "bench run --bench benchdir --model openai:gpt@ftp://x --out r",
        "--model",
        "ftp://x",
    ),
    C(
        "run-model-openai-no-model",
        "bench run --bench benchdir --model openai:@http://127.0.0.1:1/v1 --out r",
        "--model",
    ),
    C(
        "run-judge-no-url",
        "bench run --bench benchdir --model oracle --out r --judge openai:x",
        "--judge",
        "openai:x",
    ),
    C(
        "run-judge-file-url",
        "bench run --bench benchdir --model oracle --out r --judge openai:m@file:///x",
        "--judge",
    ),
    C(
        "run-code-judge-alone",
        "bench run --bench benchdir --model oracle --out r --code-judge openai:m@http://a",
        "--code-judge",
        "--judge",
    ),
    C(
        "run-out-is-file",
        "bench run --bench benchdir --model oracle --out file.txt",
        "--out",
        "file.txt",
    ),
    C(
        "run-out-unwritable",
        "bench run --bench benchdir --model oracle --out /proc/self/r",
        "--out",
        "/proc/self",
    ),
    C(
        "run-workers-zero",
        "bench run --bench benchdir --model oracle --out r --workers 0",
        "--workers",
    ),
    C("run-limit-zero", "bench run --bench benchdir --model oracle --out r --limit 0", "--limit"),
    # -- bench agreement -----------------------------------------------------------------------
    C("agreement-no-run", "bench agreement", "RUN"),
    C("agreement-missing", "bench agreement nope", "nope"),
    C("agreement-file", "bench agreement file.txt", "file.txt"),
    C("agreement-no-results", "bench agreement dir", "dir", "results.jsonl"),
    C("agreement-not-utf8", "bench agreement run_bin", "UTF-8", "run_bin"),
    C("agreement-malformed", "bench agreement run_bad", "run_bad"),
    C("agreement-rows-not-objects", "bench agreement run_list", "run_list"),
    # -- bench report --------------------------------------------------------------------------
    C("report-no-runs", "bench report", "RUNS"),
    C("report-missing", "bench report nope", "nope"),
    C("report-file", "bench report file.txt", "file.txt"),
    C("report-no-results", "bench report dir", "dir", "results.jsonl"),
    C("report-max-items-negative", "bench report dir --max-items -1", "--max-items"),
    C("report-thumb-zero", "bench report dir --thumb-px 0", "--thumb-px"),
    C("report-thumb-huge", "bench report dir --thumb-px 99999", "--thumb-px"),
    C("report-out-dir", "bench report dir --out dir", "--out", "dir"),
    C("report-out-under-file", "bench report dir --out file.txt/r.html", "--out", "file.txt"),
    C("report-out-unwritable", "bench report dir --out /proc/self/r.html", "--out", "/proc/self"),
    C("report-bench-missing", "bench report dir --bench nope", "--bench", "nope"),
    C("report-not-utf8", "bench report run_bin", "UTF-8", "run_bin"),
    C("report-malformed", "bench report run_bad", "run_bad"),
    C("report-rows-not-objects", "bench report run_list", "run_list"),
    # -- bench validate ------------------------------------------------------------------------
    C("validate-n-programs-one", "bench validate --n-programs 1", "--n-programs"),
    C("validate-n-programs-huge", f"bench validate --n-programs {HUGE}", "--n-programs"),
    C("validate-levels-one", "bench validate --levels 1", "--levels"),
    C("validate-levels-huge", "bench validate --levels 51", "--levels"),
    C("validate-corruption-unknown", "bench validate --corruptions nope", "--corruptions", "nope"),
    C("validate-corruption-empty", "bench validate --corruptions ,", "--corruptions"),
    C("validate-workers-zero", "bench validate --workers 0", "--workers"),
    C("validate-seed-nan", "bench validate --seed nan", "--seed"),
    C("validate-bench-missing", "bench validate --bench nope", "--bench", "nope"),
    C("validate-bench-no-jsonl", "bench validate --bench dir", "--bench", "dir"),
    C("validate-bench-empty", "bench validate --bench empty.txt", "--bench", "empty.txt"),
    C("validate-bench-malformed", "bench validate --bench bad.jsonl", "bad.jsonl"),
    C("validate-bench-not-utf8", "bench validate --bench binary.bin", "UTF-8", "binary.bin"),
    C("validate-bench-list", "bench validate --bench list.json", "list.json"),
    C("validate-out-dir", "bench validate --out dir", "--out", "dir"),
    C("validate-out-unwritable", "bench validate --out /proc/self/v.json", "--out", "/proc/self"),
    # -- caption [describe] --------------------------------------------------------------------
    C("describe-no-scene", "caption describe", "SCENE_OR_DIR"),
    C("describe-missing", "caption nope", "SCENE_OR_DIR", "nope"),
    C("describe-empty-dir", "caption dir", "SCENE_OR_DIR", "dir"),
    C("describe-empty-file", "caption empty.txt", "SCENE_OR_DIR", "empty.txt"),
    C("describe-malformed-json", "caption bad.json", "SCENE_OR_DIR", "bad.json"),
    C("describe-not-utf8", "caption binary.bin", "SCENE_OR_DIR", "binary.bin"),
    C("describe-json-list", "caption list.json", "SCENE_OR_DIR", "list.json"),
    C("describe-not-a-scene", "caption notscene.json", "SCENE_OR_DIR", "notscene.json"),
    C("describe-dir-not-a-scene", "caption notscene_dir", "SCENE_OR_DIR", "notscene_dir"),
    C("describe-style", "caption describe scene.json --style long", "--style", "long"),
    C("describe-seed-text", "caption scene.json --seed x", "--seed"),
    C("describe-unknown-option", "caption scene.json --bogus", "--bogus"),
    # -- caption verify ------------------------------------------------------------------------
    C("verify-no-caption", "caption verify --scene scene.json", "--caption"),
    C("verify-no-scene", "caption verify --caption hi", "--scene"),
    C(
        "verify-scene-missing",
        "caption verify --caption 'two bars' --scene nope",
        "--scene",
        "nope",
    ),
    C("verify-scene-dir", "caption verify --caption 'two bars' --scene dir", "--scene", "dir"),
    C(
        "verify-scene-not-scene",
        "caption verify --caption 'two bars' --scene notscene.json",
        "--scene",
        "notscene.json",
    ),
    C(
        "verify-scene-not-utf8",
        "caption verify --caption 'two bars' --scene binary.bin",
        "--scene",
        "binary.bin",
    ),
    C(
        "verify-caption-empty",
        ["caption", "verify", "--caption", "", "--scene", "scene.json"],
        "--caption",
        "empty",
    ),
    C(
        "verify-caption-blank",
        ["caption", "verify", "--caption", "  ", "--scene", "scene.json"],
        "--caption",
        "empty",
    ),
    C(
        "verify-caption-mistyped-path",
        "caption verify --caption captions/foo.txt --scene scene.json",
        "--caption",
        "captions/foo.txt",
    ),
    C(
        "verify-caption-mistyped-name",
        "caption verify --caption foo.txt --scene scene.json",
        "--caption",
        "foo.txt",
    ),
    C("verify-caption-dir", "caption verify --caption dir --scene scene.json", "--caption", "dir"),
    C(
        "verify-caption-empty-file",
        "caption verify --caption empty.txt --scene scene.json",
        "--caption",
        "empty.txt",
    ),
    C(
        "verify-caption-not-utf8",
        "caption verify --caption binary.bin --scene scene.json",
        "--caption",
        "binary.bin",
    ),
    # -- caption correct -----------------------------------------------------------------------
    C("correct-no-caption", "caption correct --scene scene.json", "--caption"),
    C("correct-scene-missing", "caption correct --caption 'x y' --scene nope", "--scene", "nope"),
    C(
        "correct-scene-malformed",
        "caption correct --caption 'x y' --scene bad.json",
        "--scene",
        "bad.json",
    ),
    C(
        "correct-model-no-url",
        "caption correct --caption 'x y' --scene scene.json --model gpt",
        "--model",
        "gpt",
    ),
    C(
        "correct-model-ftp",
        "caption correct --caption 'x y' --scene scene.json --model gpt@ftp://x",
        "--model",
        "ftp://x",
    ),
    C(
        "correct-model-no-name",
        "caption correct --caption 'x y' --scene scene.json --model @http://127.0.0.1:1/v1",
        "--model",
    ),
    C(
        "correct-model-openai-no-url",
        "caption correct --caption 'x y' --scene scene.json --model openai:gpt",
        "--model",
        "openai:gpt",
    ),
    C(
        "correct-caption-empty",
        ["caption", "correct", "--caption", "", "--scene", "scene.json"],
        "--caption",
    ),
    C(
        "correct-caption-mistyped-path",
        "caption correct --caption notes.md --scene scene.json",
        "--caption",
        "notes.md",
    ),
    # -- tokenit -------------------------------------------------------------------------------
    C("tokenit-nothing", "tokenit", "--n", "--out"),
    C("tokenit-no-out", "tokenit --n 5", "--out"),
    C("tokenit-no-n", "tokenit --out t", "--n"),
    C("tokenit-n-zero", "tokenit --n 0 --out t", "--n"),
    C("tokenit-n-negative", "tokenit --n -1 --out t", "--n"),
    C("tokenit-n-float", "tokenit --n 1e3 --out t", "--n"),
    C("tokenit-n-huge", f"tokenit --n {HUGE} --out t", "--n"),
    C("tokenit-out-is-file", "tokenit --n 5 --out file.txt", "--out", "file.txt"),
    C("tokenit-out-under-file", "tokenit --n 5 --out file.txt/t", "--out", "file.txt"),
    C("tokenit-out-unwritable", "tokenit --n 5 --out /proc/self/t", "--out", "/proc/self"),
    C("tokenit-domain-unknown", "tokenit --n 5 --out t --domains nope", "--domains", "nope"),
    C("tokenit-domain-empty", "tokenit --n 5 --out t --domains ,", "--domains"),
    C("tokenit-tokenizer-missing", "tokenit --n 5 --out t --tokenizer nope", "--tokenizer", "nope"),
    C("tokenit-tokenizer-dir", "tokenit --n 5 --out t --tokenizer dir", "--tokenizer", "dir"),
    C(
        "tokenit-tokenizer-empty",
        "tokenit --n 5 --out t --tokenizer empty.txt",
        "--tokenizer",
        "empty.txt",
    ),
    C(
        "tokenit-tokenizer-binary",
        "tokenit --n 5 --out t --tokenizer binary.bin",
        "--tokenizer",
        "binary.bin",
    ),
    C(
        "tokenit-tokenizer-bad-json",
        "tokenit --n 5 --out t --tokenizer bad.json",
        "--tokenizer",
        "bad.json",
    ),
    C("tokenit-workers-zero", "tokenit --n 5 --out t --workers 0", "--workers"),
    C("tokenit-workers-huge", "tokenit --n 5 --out t --workers 10000", "--workers"),
    C("tokenit-seed-text", "tokenit --n 5 --out t --seed x", "--seed"),
    # -- tokenit show --------------------------------------------------------------------------
    C("show-no-sample", "tokenit show --token x", "SAMPLE"),
    C("show-no-token", "tokenit show dir", "--token"),
    C("show-missing", "tokenit show nope --token x", "nope"),
    C("show-empty-dir", "tokenit show dir --token x", "dir"),
    C("show-file", "tokenit show file.txt --token x", "file.txt"),
    C("show-dir-id", "tokenit show dir:5 --token x", "dir:5"),
    C("show-token-empty", ["tokenit", "show", "tokenit", "--token", ""], "--token"),
    C("show-out-dir", "tokenit show tokenit --token x --out dir", "--out", "dir"),
    C(
        "show-out-unwritable",
        "tokenit show tokenit --token x --out /proc/self/o.png",
        "--out",
        "/proc/self",
    ),
    # -- train sft / train grpo ----------------------------------------------------------------
    C("sft-model-missing", "train sft --model nope --data icc --out o", "--model", "nope"),
    C("sft-model-no-config", "train sft --model dir --data icc --out o", "--model", "config.json"),
    C("sft-data-tokenit", "train sft --model dir --data tokenit --out o", "--data", "TokenIT"),
    C("sft-data-no-manifest", "train sft --model dir --data dir --out o", "--data", "dir"),
    C("sft-out-file", "train sft --model dir --data icc --out file.txt", "--out", "file.txt"),
    C("sft-lr-zero", "train sft --model dir --data icc --out o --lr 0", "--lr"),
    C("sft-tasks", "train sft --model dir --data icc --out o --tasks code,poem", "--tasks", "poem"),
    C(
        "sft-emit-verl",
        "train sft --model m --data icc --out o --emit-config verl",
        "--emit-config",
    ),
    C("grpo-model-file", "train grpo --model file.txt --data icc --out o", "--model", "file.txt"),
    C("grpo-data-missing", "train grpo --model dir --data nope --out o", "--data", "nope"),
    C(
        "grpo-generations-1",
        "train grpo --model dir --data icc --out o --num-generations 1",
        "--num-generations",
    ),
    C(
        "grpo-weights",
        "train grpo --model dir --data icc --out o --reward-weights format=x",
        "--reward-weights",
        "format=x",
    ),
    C(
        "grpo-weights-zero",
        "train grpo --model dir --data icc --out o --reward-weights format=0",
        "--reward-weights",
    ),
    C(
        "grpo-temperature-0",
        "train grpo --model dir --data icc --out o --temperature 0",
        "--temperature",
    ),
    C(
        "grpo-emit-swift",
        "train grpo --model m --data icc --out o --emit-config ms-swift",
        "--emit-config",
    ),
    # -- tokenocr train ------------------------------------------------------------------------
    C("train-no-data", "tokenocr train --out c.pt", "--data"),
    C("train-no-out", "tokenocr train --data tokenit", "--out"),
    C("train-data-missing", "tokenocr train --data nope --out c.pt", "--data", "nope"),
    C("train-data-file", "tokenocr train --data file.txt --out c.pt", "--data", "file.txt"),
    C("train-data-no-manifest", "tokenocr train --data dir --out c.pt", "--data", "dir"),
    C(
        "train-data-bad-manifest",
        "tokenocr train --data badmanifest --out c.pt",
        "--data",
        "badmanifest",
    ),
    C("train-data-icc", "tokenocr train --data icc --out c.pt", "--data", "icc"),
    C("train-out-dir", "tokenocr train --data tokenit --out dir", "--out", "dir"),
    C("train-out-slash", "tokenocr train --data tokenit --out ckpt/", "--out", "ckpt/"),
    C(
        "train-out-unwritable",
        "tokenocr train --data tokenit --out /proc/self/c.pt",
        "--out",
        "/proc/self",
    ),
    C(
        "train-out-not-checkpoint",
        "tokenocr train --data tokenit --out file.txt",
        "--out",
        "file.txt",
    ),
    C("train-config", "tokenocr train --data tokenit --out c.pt --config huge", "--config", "huge"),
    C("train-steps-zero", "tokenocr train --data tokenit --out c.pt --steps 0", "--steps"),
    C("train-steps-huge", f"tokenocr train --data tokenit --out c.pt --steps {HUGE}", "--steps"),
    C(
        "train-batch-zero",
        "tokenocr train --data tokenit --out c.pt --batch-size 0",
        "--batch-size",
    ),
    C("train-lr-zero", "tokenocr train --data tokenit --out c.pt --lr 0", "--lr"),
    C("train-lr-nan", "tokenocr train --data tokenit --out c.pt --lr nan", "--lr", "nan"),
    C("train-lr-inf", "tokenocr train --data tokenit --out c.pt --lr inf", "--lr", "inf"),
    C("train-lr-negative", "tokenocr train --data tokenit --out c.pt --lr -1", "--lr"),
    C("train-lr-text", "tokenocr train --data tokenit --out c.pt --lr fast", "--lr"),
    C(
        "train-device-gpu",
        "tokenocr train --data tokenit --out c.pt --device gpu",
        "--device",
        "gpu",
    ),
    C(
        "train-device-cuda-99",
        "tokenocr train --data tokenit --out c.pt --device cuda:99",
        "--device",
        "cuda:99",
    ),
    C(
        "train-set-unknown",
        "tokenocr train --data tokenit --out c.pt --set nope=1",
        "--set",
        "nope",
    ),
    C(
        "train-set-no-value",
        "tokenocr train --data tokenit --out c.pt --set depth",
        "--set",
        "depth",
    ),
    C("train-set-text", "tokenocr train --data tokenit --out c.pt --set depth=abc", "--set", "abc"),
    C("train-set-zero", "tokenocr train --data tokenit --out c.pt --set depth=0", "--set", "depth"),
    C(
        "train-set-negative",
        "tokenocr train --data tokenit --out c.pt --set depth=-3",
        "--set",
        "-3",
    ),
    C(
        "train-set-float",
        "tokenocr train --data tokenit --out c.pt --set depth=1.5",
        "--set",
        "1.5",
    ),
    C(
        "train-set-nan",
        "tokenocr train --data tokenit --out c.pt --set mlp_ratio=nan",
        "--set",
        "nan",
    ),
    C(
        "train-set-huge",
        "tokenocr train --data tokenit --out c.pt --set depth=1000000000",
        "--set",
        "depth",
    ),
    C(
        "train-set-drop-path",
        "tokenocr train --data tokenit --out c.pt --set drop_path=2",
        "--set",
        "drop_path",
    ),
    C(
        "train-set-bool",
        "tokenocr train --data tokenit --out c.pt --set thumbnail=maybe",
        "--set",
        "maybe",
    ),
    C(
        "train-set-tile-patch",
        "tokenocr train --data tokenit --out c.pt --set tile_size=100",
        "--set",
        "tile_size",
    ),
    C("train-set-stem", "tokenocr train --data tokenit --out c.pt --set stem=cnn", "--set", "cnn"),
    C(
        "train-min-visible",
        "tokenocr train --data tokenit --out c.pt --min-visible 2",
        "--min-visible",
    ),
    C(
        "train-time-limit-zero",
        "tokenocr train --data tokenit --out c.pt --time-limit 0",
        "--time-limit",
    ),
    C(
        "train-embed-missing",
        "tokenocr train --data tokenit --out c.pt --embed nope",
        "--embed",
        "nope",
    ),
    C("train-seed-negative", "tokenocr train --data tokenit --out c.pt --seed -1", "--seed"),
    C("train-seed-huge", f"tokenocr train --data tokenit --out c.pt --seed {HUGE}", "--seed"),
    C("train-workers-huge", "tokenocr train --data tokenit --out c.pt --workers 9999", "--workers"),
    C("train-threads-zero", "tokenocr train --data tokenit --out c.pt --threads 0", "--threads"),
    C(
        "train-weight-inf",
        "tokenocr train --data tokenit --out c.pt --pixel-ce-weight inf",
        "--pixel-ce-weight",
    ),
    C(
        "train-seg-scale-zero",
        "tokenocr train --data tokenit --out c.pt --seg-scale 0",
        "--seg-scale",
    ),
    C(
        "train-bg-boxes-huge",
        "tokenocr train --data tokenit --out c.pt --bg-boxes 100",
        "--bg-boxes",
    ),
    C(
        "train-random-crops-negative",
        "tokenocr train --data tokenit --out c.pt --random-crops -0.5",
        "--random-crops",
    ),
    # -- tokenocr heatmap ----------------------------------------------------------------------
    C("heatmap-no-ckpt", "tokenocr heatmap --image img.png --query x", "--ckpt"),
    C("heatmap-no-query", "tokenocr heatmap --ckpt zip.pt --image img.png", "--query"),
    C(
        "heatmap-ckpt-missing",
        "tokenocr heatmap --ckpt nope --image img.png --query x",
        "--ckpt",
        "nope",
    ),
    C("heatmap-ckpt-dir", "tokenocr heatmap --ckpt dir --image img.png --query x", "--ckpt", "dir"),
    C(
        "heatmap-ckpt-empty",
        "tokenocr heatmap --ckpt empty.pt --image img.png --query x",
        "--ckpt",
        "empty.pt",
    ),
    C(
        "heatmap-ckpt-garbage",
        "tokenocr heatmap --ckpt bad.pt --image img.png --query x",
        "--ckpt",
        "bad.pt",
    ),
    C(
        "heatmap-ckpt-other-zip",
        "tokenocr heatmap --ckpt zip.pt --image img.png --query x",
        "--ckpt",
        "zip.pt",
    ),
    C(
        "heatmap-image-missing",
        "tokenocr heatmap --ckpt zip.pt --image nope.png --query x",
        "--image",
        "nope.png",
    ),
    C(
        "heatmap-image-dir",
        "tokenocr heatmap --ckpt zip.pt --image dir --query x",
        "--image",
        "dir",
    ),
    C(
        "heatmap-image-not-image",
        "tokenocr heatmap --ckpt zip.pt --image notimg.png --query x",
        "--image",
        "notimg.png",
    ),
    C(
        "heatmap-query-empty",
        ["tokenocr", "heatmap", "--ckpt", "zip.pt", "--image", "img.png", "--query", ""],
        "--query",
    ),
    C(
        "heatmap-query-blank",
        ["tokenocr", "heatmap", "--ckpt", "zip.pt", "--image", "img.png", "--query", "   "],
        "--query",
    ),
    C(
        "heatmap-pool-negative",
        "tokenocr heatmap --ckpt zip.pt --image img.png --query x --local-pool -1",
        "--local-pool",
    ),
    C(
        "heatmap-pool-nan",
        "tokenocr heatmap --ckpt zip.pt --image img.png --query x --local-pool nan",
        "--local-pool",
        "nan",
    ),
    C(
        "heatmap-out-dir",
        "tokenocr heatmap --ckpt zip.pt --image img.png --query x --out dir",
        "--out",
        "dir",
    ),
    C(
        "heatmap-out-unwritable",
        "tokenocr heatmap --ckpt zip.pt --image img.png --query x --out /proc/self/m.png",
        "--out",
        "/proc/self",
    ),
    C(
        "heatmap-device-gpu",
        "tokenocr heatmap --ckpt zip.pt --image img.png --query x --device gpu",
        "--device",
        "gpu",
    ),
    # -- tokenocr eval -------------------------------------------------------------------------
    C("eval-no-ckpt", "tokenocr eval --data tokenit", "--ckpt"),
    C("eval-no-data", "tokenocr eval --ckpt zip.pt", "--data"),
    C("eval-ckpt-empty", "tokenocr eval --ckpt empty.pt --data tokenit", "--ckpt", "empty.pt"),
    C("eval-ckpt-garbage", "tokenocr eval --ckpt bad.pt --data tokenit", "--ckpt", "bad.pt"),
    C("eval-ckpt-other-zip", "tokenocr eval --ckpt zip.pt --data tokenit", "--ckpt", "zip.pt"),
    C("eval-data-file", "tokenocr eval --ckpt zip.pt --data file.txt", "--data", "file.txt"),
    C("eval-data-no-manifest", "tokenocr eval --ckpt zip.pt --data dir", "--data", "dir"),
    C("eval-data-icc", "tokenocr eval --ckpt zip.pt --data icc", "--data", "icc"),
    C("eval-vocab", "tokenocr eval --ckpt zip.pt --data tokenit --vocab all", "--vocab", "all"),
    C("eval-limit-zero", "tokenocr eval --ckpt zip.pt --data tokenit --limit 0", "--limit"),
    C("eval-out-dir", "tokenocr eval --ckpt zip.pt --data tokenit --out dir", "--out", "dir"),
    C(
        "eval-out-unwritable",
        "tokenocr eval --ckpt zip.pt --data tokenit --out /proc/self/e.json",
        "--out",
        "/proc/self",
    ),
    C(
        "eval-pool-huge",
        "tokenocr eval --ckpt zip.pt --data tokenit --local-pool 1e9",
        "--local-pool",
    ),
    C(
        "eval-device-gpu",
        "tokenocr eval --ckpt zip.pt --data tokenit --device gpu",
        "--device",
        "gpu",
    ),
    # -- tokenvl ----------------------------------------------------------------------------------
    C("vl-tiny-no-out", "tokenvl tiny-lm", "--out"),
    C("vl-tiny-out-file", "tokenvl tiny-lm --out file.txt", "--out", "file.txt"),
    C("vl-tiny-hidden-zero", "tokenvl tiny-lm --out lm --hidden 0", "--hidden"),
    C("vl-tiny-heads", "tokenvl tiny-lm --out lm --hidden 30 --heads 4", "--hidden", "30"),
    C("vl-train-no-model", "tokenvl train --out c.pt --data tokenit", "--init", "--lm"),
    C("vl-train-lm-missing", "tokenvl train --out c.pt --lm nope --data tokenit", "--lm", "nope"),
    C("vl-train-lm-not-model", "tokenvl train --out c.pt --lm dir --data tokenit", "dir", rc=2),
    C("vl-train-init-junk", "tokenvl train --out c.pt --init bad.pt --data tokenit", "bad.pt"),
    C("vl-train-init-zip", "tokenvl train --out c.pt --init zip.pt --data tokenit", "zip.pt", rc=2),
    C("vl-train-data-icc", "tokenvl train --out c.pt --init zip.pt --data icc", "--data", "icc"),
    C(
        "vl-train-stage",
        "tokenvl train --out c.pt --init zip.pt --data tokenit --stage x",
        "--stage",
    ),
    C(
        "vl-train-align-vqa",
        "tokenvl train --out c.pt --init zip.pt --vqa bad.json --stage align",
        "TokenIT masks",
    ),
    C(
        "vl-train-steps-zero",
        "tokenvl train --out c.pt --init zip.pt --data tokenit --steps 0",
        "--steps",
    ),
    C("vl-train-lr-nan", "tokenvl train --out c.pt --init zip.pt --data tokenit --lr nan", "--lr"),
    C(
        "vl-train-align-weight",
        "tokenvl train --out c.pt --init zip.pt --data tokenit --align-weight -1",
        "--align-weight",
    ),
    C(
        "vl-train-device",
        "tokenvl train --out c.pt --init zip.pt --data tokenit --device tpu",
        "--device",
    ),
    C("vl-train-out-dir", "tokenvl train --out dir --init zip.pt --data tokenit", "--out", "dir"),
    C("vl-eval-no-ckpt", "tokenvl eval --out ev --data tokenit", "--ckpt"),
    C("vl-eval-ckpt-missing", "tokenvl eval --ckpt nope.pt --out ev --data tokenit", "nope.pt"),
    C("vl-eval-ckpt-text", "tokenvl eval --ckpt file.txt --out ev --data tokenit", "file.txt"),
    C("vl-eval-ckpt-zip", "tokenvl eval --ckpt zip.pt --out ev --data tokenit", "zip.pt"),
    C("vl-eval-out-file", "tokenvl eval --ckpt zip.pt --out file.txt --data tokenit", "--out"),
    C(
        "vl-eval-bench",
        "tokenvl eval --ckpt zip.pt --out ev --vqa bad.json --benchmark x",
        "--benchmark",
    ),
    C(
        "vl-ask-not-image",
        "tokenvl ask --ckpt zip.pt --image notimg.png --question q",
        "notimg.png",
        rc=2,
    ),
    C("vl-ask-blank", "tokenvl ask --ckpt zip.pt --image img.png --question ' '", "--question"),
    C("vl-ask-ckpt", "tokenvl ask --ckpt zip.pt --image img.png --question q", "zip.pt"),
]


@pytest.mark.parametrize(("argv", "names", "rc"), CASES)
def test_bad_input_is_one_line_and_writes_nothing(
    workdir: Path, capsys: pytest.CaptureFixture[str], argv: list[str], names: tuple, rc: int
) -> None:
    if argv[0] == "tokenocr":
        pytest.importorskip("torch")
    before = _snapshot(workdir)
    capsys.readouterr()
    got = main(argv)
    out, err = capsys.readouterr()
    lines = [line for line in err.splitlines() if line.strip()]
    assert got == rc, f"exit {got}, expected {rc}; stderr: {err!r}"
    assert len(lines) == 1, f"stderr is not one line: {err!r}"
    line = lines[0]
    assert "Traceback" not in err and "internal error" not in err, line
    assert line.startswith("codepercept") and ": error: " in line, line
    for name in names:
        assert name in line, f"{name!r} not named in {line!r}"
    assert not out.strip(), f"stdout of a failed command: {out!r}"
    assert _snapshot(workdir) == before, "the command wrote or changed files"


# ---- the table covers every command --------------------------------------------------------------


@functools.cache
def _root() -> Any:
    return typer.main.get_command(app)


def _is_option(param: object) -> bool:
    return getattr(param, "param_type_name", "") == "option"


def _leaf_commands() -> dict[str, Any]:
    """Every command path (``"bench run"``; ``"synth"`` and ``"tokenit"`` run a job themselves,
    so they count as commands too) and its click command."""
    out: dict[str, Any] = {}

    def walk(cmd: Any, path: list[str]) -> None:
        if path:
            out[" ".join(path)] = cmd
        for name, sub in getattr(cmd, "commands", {}).items():
            walk(sub, [*path, name])

    walk(_root(), [])
    return out


def _case_path(argv: list[str]) -> str:
    cmd: Any = _root()
    path: list[str] = []
    for tok in argv:
        sub = getattr(cmd, "commands", {}).get(tok)
        if sub is None:
            break
        path.append(tok)
        cmd = sub
    if path == ["caption"]:
        path.append("describe")  # `caption SCENE` is `caption describe SCENE`
    return " ".join(path)


def test_every_command_has_bad_input_cases() -> None:
    counts: dict[str, int] = {}
    for case in CASES:
        path = _case_path(case.values[0])
        counts[path] = counts.get(path, 0) + 1
    groups_only = {
        "bench",
        "caption",
        "tokenocr",
        "tokenvl",
        "train",
    }  # groups that run nothing themselves
    missing = [p for p in _leaf_commands() if p not in groups_only and counts.get(p, 0) < 2]
    assert not missing, f"commands without bad-input cases: {missing} (have {counts})"
    assert sum(counts.values()) >= 150


# ---- version, help, README -----------------------------------------------------------------------


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    out = capsys.readouterr().out
    assert out.strip() == f"codepercept {codepercept.__version__}"
    assert re.search(r"\d", out)


@pytest.mark.parametrize("path", [*sorted(_leaf_commands()), ""])
def test_help_documents_every_option(path: str, capsys: pytest.CaptureFixture[str]) -> None:
    cmd = _leaf_commands()[path] if path else _root()
    capsys.readouterr()
    assert main([*path.split(), "--help"]) == 0
    out, err = capsys.readouterr()
    assert not err.strip()
    assert (cmd.help or "").strip(), f"`codepercept {path}` has no description"
    for param in cmd.params:
        if param.name == "help":
            continue
        assert (getattr(param, "help", None) or "").strip(), (
            f"`codepercept {path}`: {param.name} has no help text"
        )
        for opt in param.opts if _is_option(param) else []:
            assert opt in out, f"`codepercept {path} --help` does not show {opt}"


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"`(codepercept [^`]+)`", text)


def test_readme_table_is_explained_by_help(capsys: pytest.CaptureFixture[str]) -> None:
    """Each `codepercept ...` line of README.md: its command exists, its options are in the
    command's --help, and a positional argument is in the help's usage or description (e.g.
    `caption run/` is the shortcut `codepercept caption SCENE_OR_DIR` the caption help shows)."""
    commands = _readme_commands()
    assert len(commands) >= 10
    root = _root()
    for line in commands:
        tokens = shlex.split(line)[1:]
        cmd, path = root, []
        while tokens and tokens[0] in getattr(cmd, "commands", {}):
            cmd = cmd.commands[tokens[0]]  # type: ignore[attr-defined]
            path.append(tokens.pop(0))
        capsys.readouterr()
        assert main([*path, "--help"]) == 0, line
        help_text = capsys.readouterr().out
        options = [t for t in tokens if t.startswith("--")]
        for opt in options:
            assert opt in help_text, f"README `{line}`: {opt} is not in its --help"
        # values of options are not positionals: count only tokens no option takes
        takes_value = {o for p in cmd.params if _is_option(p) and not p.is_flag for o in p.opts}
        free = [
            t
            for i, t in enumerate(tokens)
            if not t.startswith("-") and not (i and tokens[i - 1] in takes_value)
        ]
        if not free:
            continue
        if hasattr(cmd, "commands"):
            shortcut = rf"codepercept {' '.join(path)} [A-Z][A-Z_]+"
            assert re.search(shortcut, " ".join(help_text.split())), (
                f"README `{line}` passes {free} to a group; its --help does not explain it"
            )
        else:
            usage = help_text.split("\n\n", 1)[0].replace("[OPTIONS]", "")
            assert re.search(r"\b[A-Z][A-Z_]{2,}\b", usage), (
                f"README `{line}`: its --help shows no argument for {free}"
            )


# ---- the entry point, as a program and on interrupts -------------------------------------------


def test_module_entry_point_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(codepercept.__file__).resolve().parents[1])}
    env.pop("CODEPERCEPT_DEBUG", None)
    before = _snapshot(tmp_path)
    res = subprocess.run(
        [sys.executable, "-m", "codepercept.cli", "exec", "/nonexistent.py", "--out", "x"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert res.returncode == 2, res.stderr
    assert len(lines) == 1, res.stderr
    assert lines[0].startswith("codepercept exec: error: ") and "/nonexistent.py" in lines[0]
    assert "Traceback" not in res.stderr and not res.stdout.strip()
    assert _snapshot(tmp_path) == before


@pytest.mark.parametrize(
    ("exc", "rc", "word"),
    [(KeyboardInterrupt, 130, "interrupted"), (EOFError, 1, "ends too early")],
)
def test_interrupt_and_truncated_input_are_one_line(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    exc: type[BaseException],
    rc: int,
    word: str,
) -> None:
    """click's own main turns an EOFError into "Aborted" and a Ctrl-C into a silent 130; the
    entry point says what happened, on one line, naming the command."""
    import codepercept.synth

    def boom(*a: object, **k: object) -> None:
        raise exc()

    monkeypatch.setattr(codepercept.synth, "list_families", boom)
    assert main(["synth", "list"]) == rc
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("codepercept synth list: error: "), err
    assert word in lines[0]
