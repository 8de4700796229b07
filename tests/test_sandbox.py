"""Functional behaviour of the sandbox executor (the hostile corpus lives in tests/adversarial)."""

from __future__ import annotations

import io
import os
import signal
import threading

import pytest
from PIL import Image

from codepercept.sandbox import STATUSES, ExecResult, Executor

PLOT = "import matplotlib.pyplot as plt\nplt.plot([0, 1, 2], [2, 0, 1], 'r--')\nplt.title('T')\n"


@pytest.fixture(scope="module")
def ex():
    with Executor(workers=2, timeout_s=10) as e:
        yield e


def _size(png: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(png)).size


def test_ok_result_has_image_scene_and_timings(ex):
    res = ex.run(PLOT + "plt.show()\n")
    assert res.status == "ok", res.message
    assert len(res.images) == 1 and res.images[0].startswith(b"\x89PNG")
    assert res.scene is not None and "T" in res.scene.texts()
    assert {"exec_s", "render_s", "trace_s"} <= set(res.timings)
    assert res.wall_s > 0


def test_dpi_and_figsize_are_respected():
    with Executor(workers=1, dpi=50) as ex50:
        res = ex50.run(
            "import matplotlib.pyplot as plt\nplt.figure(figsize=(4, 2))\nplt.plot([1, 2])\n"
        )
    assert _size(res.images[0]) == (200, 100)


def test_capture_does_not_depend_on_show_savefig_or_close(ex):
    # left open, never shown
    assert len(ex.run(PLOT).images) == 1
    # saved then closed: still captured, and the path was never written
    res = ex.run(
        PLOT + "plt.savefig('out.png')\nplt.close()\nimport os\nprint(os.path.exists('out.png'))\n"
    )
    assert res.status == "ok" and len(res.images) == 1 and "False" in res.stdout
    # shown then closed
    assert len(ex.run(PLOT + "plt.show()\nplt.close('all')\n").images) == 1
    # closed without being shown or saved: a scratch figure, not captured
    assert ex.run(PLOT + "plt.close()\n").status == "no_figure"
    # object-oriented Figure outside pyplot, saved
    oo = (
        "from matplotlib.figure import Figure\nfig = Figure()\nax = fig.subplots()\n"
        "ax.bar([1, 2], [3, 4])\nfig.savefig('x.png')\n"
    )
    assert len(ex.run(oo).images) == 1


def test_figures_come_back_in_creation_order(ex):
    code = (
        "import matplotlib.pyplot as plt\n"
        "a = plt.figure(figsize=(2, 2)); plt.plot([1, 2])\n"
        "b = plt.figure(figsize=(3, 2)); plt.plot([2, 1])\n"
        "c = plt.figure(figsize=(4, 2)); plt.plot([1, 1])\n"
        "plt.figure(a.number); plt.title('first')\n"
    )
    res = ex.run(code)
    assert [_size(p)[0] for p in res.images] == [200, 300, 400]
    assert len(res.scene.figures) == 3


def test_savefig_to_file_object_receives_png(ex):
    code = PLOT + (
        "import io\nbuf = io.BytesIO()\nplt.savefig(buf, format='png')\n"
        "print('bytes', len(buf.getvalue()) > 1000)\n"
    )
    res = ex.run(code)
    assert res.status == "ok" and "bytes True" in res.stdout


def test_same_code_gives_identical_png_across_executors(ex):
    code = PLOT + "import numpy as np\nplt.scatter(np.random.rand(50), np.random.rand(50))\n"
    first = ex.run(code).images[0]
    with Executor(workers=1) as other:
        second = other.run(code).images[0]
    assert first == second


def test_map_keeps_input_order_and_runs_concurrently(ex):
    codes = [
        f"import matplotlib.pyplot as plt\nplt.title('n{i}')\nplt.plot([0, {i}])\n"
        for i in range(8)
    ]
    codes[3] = "raise ValueError('boom')"
    results = ex.map(codes)
    assert [r.status for r in results] == ["ok"] * 3 + ["runtime_error"] + ["ok"] * 4
    assert "boom" in results[3].message and "(line 1)" in results[3].message
    for i, r in enumerate(results):
        if i != 3:
            assert f"n{i}" in r.scene.texts()


def test_run_is_thread_safe(ex):
    out: dict[int, ExecResult] = {}

    def worker(i: int) -> None:
        out[i] = ex.run(f"import matplotlib.pyplot as plt\nplt.title('t{i}')\nplt.plot([{i}, 0])\n")

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(out[i].status == "ok" and f"t{i}" in out[i].scene.texts() for i in range(6))


def test_parent_environment_is_not_visible(ex, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-should-not-leak")
    with Executor(workers=1) as fresh:
        res = fresh.run(
            "import os\nprint(sorted(os.environ))\nprint(os.environ.get('OPENAI_API_KEY'))\n"
        )
    assert "sk-test" not in res.stdout and "None" in res.stdout


def test_streams_are_captured_and_capped(ex):
    res = ex.run(
        "import sys\nprint('hello')\nsys.stderr.write('warn\\n')\n"
        + "print('z' * 100)\n" * 500
        + PLOT
    )
    assert res.status == "ok"
    assert "warn" in res.stderr and len(res.stdout) <= 8 * 1024


def test_pixel_cap_gives_output_too_large():
    with Executor(workers=1, max_pixels=100_000) as small:
        res = small.run(
            "import matplotlib.pyplot as plt\nplt.figure(figsize=(8, 8))\nplt.plot([1, 2])\n"
        )
    assert res.status == "output_too_large" and "pixels" in res.message


def test_statuses_are_a_closed_set(ex):
    for code in ["x = (", "1/0", "pass", PLOT]:
        assert ex.run(code).status in STATUSES


def test_bytes_source_and_invalid_utf8(ex):
    assert ex.run(PLOT.encode()).status == "ok"
    bad = ex.run(b"x = '\xff'\n")
    assert bad.status == "syntax_error" and "UTF-8" in bad.message


def test_a_coding_declaration_is_honoured_as_python_does(ex):
    """PEP 263: a latin-1 program is valid Python; bytes and text both run as `python` would."""
    src = "# -*- coding: latin-1 -*-\n" + PLOT.replace("'T'", "'caf\u00e9'")
    res = ex.run(src.encode("latin-1"))
    assert res.status == "ok", res.message
    assert res.scene.axes[0].title == "caf\u00e9"
    res = ex.run(src)  # the same program as text: the cookie names the bytes, not the str
    assert res.status == "ok", res.message
    assert res.scene.axes[0].title == "caf\u00e9"
    bad = ex.run(b"# coding: no-such-codec\nx = 1\n")
    assert bad.status == "syntax_error" and "no-such-codec" in bad.message


def test_zygote_is_restarted_after_it_dies():
    with Executor(workers=1) as e:
        first = e._zygote.pid
        os.kill(first, signal.SIGKILL)
        e._zygote.proc.wait(5)
        e._zygote.reader.join(5)
        res = e.run(PLOT)
        assert res.status == "ok"
        assert e._zygote.pid != first


def test_isolation_report_names_each_mechanism(ex):
    iso = ex.isolation
    assert set(iso) >= {"network_namespace", "landlock_abi", "seccomp", "capabilities_dropped"}
    if os.uname().sysname == "Linux":  # probed in a throw-away child, not assumed
        assert iso["seccomp"] is True and iso["capabilities_dropped"] is True


def test_result_round_trips_through_dict(ex):
    res = ex.run(PLOT)
    again = ExecResult.from_dict(res.to_dict(with_images=True))
    assert again.status == res.status and again.images == res.images
    assert again.scene.to_dict() == res.scene.to_dict()


def test_probe_names_resolve():
    from codepercept.sandbox.probes import BUILTIN, resolve

    assert resolve("screen") == BUILTIN["screen"]
    assert resolve("glyphs") == "codepercept.tokenit.glyph_probe:GlyphProbe"
    assert resolve("pkg.mod:Factory") == "pkg.mod:Factory"
    with pytest.raises(ValueError, match="unknown probe"):
        resolve("nope")


def test_a_probe_that_fails_to_load_does_not_change_the_run():
    with Executor(workers=1, timeout_s=10, probes=["screen", "codepercept.no_such:Probe"]) as ex:
        res = ex.run(PLOT)
    assert res.status == "ok" and len(res.images) == 1
    assert "data" in res.probes["screen"][0]
    assert "failed to load" in res.probes["codepercept.no_such:Probe"][0]["error"]


def test_workdirs_left_by_a_killed_executor_are_removed_by_the_next(tmp_path):
    # A producer killed with SIGKILL (its whole process group: zygote and workers too) cannot
    # clean up. With a private root it leaves nothing on the host (each run's scratch is a
    # tmpfs in its own mount namespace); without one it leaves cp-run/cp-worker directories,
    # which the next executor on the same root removes — whatever the program made in them.
    import subprocess
    import sys

    code = (
        "import sys, time\nfrom codepercept.sandbox import Executor\n"
        f"ex = Executor(workers=1, reuse=5, workdir_root={str(tmp_path)!r})\n"
        f"assert ex.run({PLOT!r}).status == 'ok'\nprint(ex.isolation['private_root'], flush=True)\n"
        "time.sleep(60)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, start_new_session=True
    )
    try:
        private = proc.stdout.readline().strip()
        assert private in (b"True", b"False")
        left = [p.name for p in tmp_path.iterdir()]
        if private == b"True":
            assert left == []
        else:
            assert any(n.startswith(f"cp-worker-{proc.pid}-") for n in left), left
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)
    # What a dead executor's hostile program could have left in a host directory: a chain
    # deeper than Python's recursion limit, a symlink out of it, an unreadable directory.
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("keep")
    dead = tmp_path / f"cp-run-{proc.pid}-deep"
    dead.mkdir()
    fd = os.open(dead, os.O_RDONLY)
    for _ in range(3000):
        os.mkdir("d", dir_fd=fd)
        nfd = os.open("d", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = nfd
    os.symlink(outside, "escape", dir_fd=fd)
    os.mkdir("locked", mode=0, dir_fd=fd)
    os.close(fd)
    mine = tmp_path / f"cp-run-{os.getpid()}-keep"  # a live process's directory stays
    mine.mkdir()
    other = tmp_path / "cp-worker-unrelated"
    other.mkdir()
    with Executor(workers=1, workdir_root=str(tmp_path)) as e:
        assert e.run(PLOT).status == "ok"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [mine.name, other.name, outside.name]
    )
    assert (outside / "keep.txt").read_text() == "keep"


def test_degraded_layers_still_contain_and_clean_up(tmp_path):
    # A laptop without root has no private root, cgroup or per-slot uid: runs then use host
    # directories under workdir_root, which must be removed whatever the program made there
    # (a tree deeper than Python's recursion limit, a symlink out, an unreadable directory),
    # and the report must say which layers are missing.
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("keep")
    root = tmp_path / "runs"
    root.mkdir()
    hostile = (
        "import os\n"
        "for _ in range(1100):\n    os.mkdir('d')\n    os.chdir('d')\n"
        # through libc: the audit hook would refuse a link pointing outside
        f"import ctypes\nctypes.CDLL(None).symlink({str(outside).encode()!r}, b'escape')\n"
        "os.mkdir('locked', 0)\n"
        "import matplotlib.pyplot as plt\nplt.plot([1, 2])\n"
    )
    for reuse in (1, 3):
        with Executor(workers=1, reuse=reuse, workdir_root=str(root), timeout_s=20,
                      disable=("private_root", "cgroup", "uid")) as e:  # fmt: skip
            iso = e.isolation
            assert not iso["private_root"] and iso["scratch"] == "directory"
            assert iso["uid"] is None and iso["cgroup"] == ""
            assert any("private_root: disabled" in n for n in iso["notes"])
            for _ in range(2):
                assert e.run(hostile).status == "ok"
            assert e.run(PLOT).status == "ok"
        assert list(root.iterdir()) == []
        assert (outside / "keep.txt").read_text() == "keep"


def test_unknown_layer_is_refused():
    with pytest.raises(ValueError, match="unknown isolation layer"):
        Executor(disable=["selinux"])


def test_exec_isolation_flag_prints_every_layer(tmp_path):
    import json

    from typer.testing import CliRunner

    from codepercept.cli import app

    res = CliRunner().invoke(app, ["exec", "--isolation"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout)
    for key in ("network_namespace", "private_root", "ipc_namespace", "scratch", "uid",
                "cgroup", "landlock_abi", "seccomp", "capabilities_dropped", "notes"):  # fmt: skip
        assert key in report
    prog = tmp_path / "p.py"
    prog.write_text(PLOT)
    res = CliRunner().invoke(app, ["exec", str(prog), "--isolation", "--out", str(tmp_path / "o")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "o" / "figure.png").exists()


def test_first_run_of_each_slot_ends_when_its_child_dies():
    # Regression: the slot zygote was forked while the router held the first request's pipes,
    # so the first run of each slot never saw EOF and ran into its deadline.
    with Executor(workers=2, timeout_s=8) as e:
        results = e.map(["import os\nos.kill(os.getpid(), 9)\n"] * 2)
    assert [r.status for r in results] == ["crashed", "crashed"]
    assert all(r.wall_s < 4 for r in results), [r.wall_s for r in results]


def _processes_with_home(marker: str) -> list[int]:
    """Processes whose start-up environment holds HOME=marker (a zygote and everything it
    forks keep the environment block they were started with)."""
    needle = f"HOME={marker}\0".encode()
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/environ", "rb") as fh:
                    if needle in fh.read():
                        found.append(int(entry))
            except OSError:
                continue
    return found


@pytest.mark.parametrize("reuse", [1, 3])
def test_no_sandbox_process_outlives_a_killed_caller(tmp_path, reuse):
    # Regression: the init of each slot's PID namespace ignored its parent-death signal (a
    # namespace init only takes signals it handles) and 400 of them piled up on this machine.
    import subprocess
    import sys
    import time

    marker = str(tmp_path / "home-marker")
    code = (
        "from codepercept.sandbox import Executor\n"
        f"ex = Executor(workers=2, reuse={reuse})\n"
        "print(ex.map(['import matplotlib.pyplot as plt\\nplt.plot([1])'] * 4)[0].status,"
        " flush=True)\nimport time\ntime.sleep(60)\n"
    )
    env = {**os.environ, "HOME": marker}
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, env=env)
    try:
        assert proc.stdout.readline().strip() == b"ok"
        assert len(_processes_with_home(marker)) >= 3  # zygote, slot zygotes, their inits
    finally:
        proc.kill()  # the caller alone, as an OOM killer or a scheduler might
        proc.wait(10)
    deadline = time.monotonic() + 10
    while _processes_with_home(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_with_home(marker) == []


_FRAGMENTS = [
    "import matplotlib.pyplot as plt\n",
    "plt.plot([1, 2])\n",
    "import os\n",
    "os._exit(3)\n",
    "raise SystemExit('x')\n",
    "while True: pass\n",
    "import sys\nsys.stdout.write('\\x00' * 10)\n",
    "def f(:\n",
    "\udcff",
    "\x00",
    "# -*- coding: latin-1 -*-\n",
    "import posix\nposix._exit(0)\n",
    "open('/etc/passwd').read()\n",
]


@pytest.mark.parametrize("reuse", [1, 4])
def test_run_never_raises_for_any_program_text(reuse):
    # Property: whatever text (or bytes) a policy emits, run() returns a status from the closed
    # set within its deadline and the executor keeps working.
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    texts = st.one_of(
        st.text(max_size=200),
        st.binary(max_size=200),
        st.lists(st.sampled_from(_FRAGMENTS), max_size=5).map("".join),
    )
    with Executor(workers=1, timeout_s=2, reuse=reuse) as e:

        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
        @given(texts)
        def check(code):
            res = e.run(code)
            assert res.status in STATUSES
            assert res.wall_s < 2 + 3

        check()
        assert e.run(PLOT).status == "ok"


@pytest.mark.parametrize("reuse", [1, 3])
def test_files_go_next_to_the_program(reuse):
    # As the files beside a script in a plain run: an importable module (its directory is
    # first on sys.path), data, a matplotlibrc applied as `import matplotlib` would; a reuse
    # worker's next program sees none of it (not the module, not the rc settings).
    prog = (
        "import helper\nimport matplotlib as mpl\nimport matplotlib.pyplot as plt\n"
        "plt.plot(helper.xs())\n"
        "print(open('data/v.txt').read(), mpl.rcParams['lines.linewidth'], helper.TAG)\n"
    )
    files = {
        "helper.py": "TAG = 'first'\ndef xs():\n    return [1, 3, 2]\n",
        "data/v.txt": b"hello",
        "matplotlibrc": "lines.linewidth: 7\n",
    }
    with Executor(workers=1, reuse=reuse) as e:
        res = e.run(prog, files=files)
        assert res.status == "ok", res.message
        assert res.stdout.split() == ["hello", "7.0", "first"]
        other = {"helper.py": "TAG = 'second'\ndef xs():\n    return [0]\n", "data/v.txt": "x"}
        assert e.run(prog, files=other).stdout.split() == ["x", "1.5", "second"]
        bare = e.run("import helper\n")
        assert bare.status == "runtime_error" and "helper" in bare.message
        for bad in ({"../x.py": b""}, {"/etc/x": b""}, {"program.py": b""}, {"a//b": b""}):
            with pytest.raises(ValueError, match="file name"):
                e.run("pass", files=bad)


def test_a_terminal_ctrl_c_does_not_reach_the_sandbox():
    # Ctrl-C in a terminal sends SIGINT to the whole foreground process group. A caller that
    # handles it (to stop gracefully) must still get the result of the run in flight: the
    # sandbox's processes are not in the caller's process group, so the zygote did not die of
    # KeyboardInterrupt and the run did not end `crashed` ("sandbox zygote died").
    import subprocess
    import sys

    code = (
        "import signal, sys\nfrom codepercept.sandbox import Executor\n"
        "signal.signal(signal.SIGINT, lambda *a: print('SIGINT', flush=True))\n"
        "with Executor(workers=1, timeout_s=20) as ex:\n"
        f"    ex.run({PLOT!r})\n"
        "    print('READY', flush=True)\n"
        "    r = ex.run('import time\\nt = time.time()\\nwhile time.time() - t < 1.5: pass\\n'"
        f" + {PLOT!r})\n"
        "    print('STATUS', r.status, r.message[:200], flush=True)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        assert proc.stdout.readline().strip() == "READY"
        import time

        time.sleep(0.4)
        os.killpg(proc.pid, signal.SIGINT)  # what the terminal does
        out = proc.communicate(timeout=30)[0]
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
    assert "SIGINT" in out
    assert "STATUS ok" in out, out


@pytest.mark.parametrize(
    "kwargs",
    [
        {"workers": 0},
        {"workers": 100_000},
        {"timeout_s": float("nan")},
        {"timeout_s": float("inf")},
        {"timeout_s": 0},
        {"dpi": 0},
        {"dpi": float("nan")},
        {"dpi": -5},
        {"memory_mb": 0},
        {"reuse": 0},
    ],
)
def test_executor_refuses_settings_that_would_blame_every_program_or_hang(kwargs):
    """Bad settings are the caller's error at construction, not a status of every program."""
    with pytest.raises(ValueError):
        Executor(**kwargs)


def test_the_cli_bound_on_workers_is_the_executors():
    from codepercept._cli import MAX_WORKERS as cli_max
    from codepercept.sandbox.executor import MAX_WORKERS

    assert cli_max == MAX_WORKERS
