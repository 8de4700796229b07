"""A run directory belongs to one job: job.json, refusal messages, overwrite, adoption, lock."""

from __future__ import annotations

import json

import pytest

from codepercept.jobdir import JOB_FILE, JobDirError, LockedError, claim, claimed, content_hash


def test_fresh_claim_records_command_settings_inputs_and_versions(tmp_path):
    src = tmp_path / "bench.jsonl"
    src.write_text("{}\n")
    with claimed(tmp_path / "run", "bench run", {"model": "oracle"}, {"bench": src}) as job:
        assert not job.resumed
    rec = json.loads((tmp_path / "run" / JOB_FILE).read_text())
    assert rec["command"] == "bench run"
    assert rec["settings"] == {"model": "oracle"}
    assert rec["inputs"]["bench"]["path"] == str(src.resolve())
    assert rec["inputs"]["bench"]["hash"] == content_hash(src)
    assert {"python", "codepercept"} <= set(rec["versions"])


def test_same_job_resumes(tmp_path):
    out = tmp_path / "run"
    claim(out, "synth", {"n": 3}).release()
    (out / "data").write_text("x")
    with claimed(out, "synth", {"n": 3}) as job:
        assert job.resumed
        assert job.record["runs"] == 2
    assert (out / "data").exists()


def test_other_settings_are_refused_with_what_differs(tmp_path):
    out = tmp_path / "run"
    claim(out, "bench run", {"model": "oracle"}).release()
    (out / "results.jsonl").write_text('{"id": "a"}\n')
    with pytest.raises(JobDirError, match=r'model: "oracle" before, "blank" now.*--overwrite'):
        claim(out, "bench run", {"model": "blank"})
    assert (out / "results.jsonl").exists()


def test_changed_input_content_is_refused(tmp_path):
    src = tmp_path / "preds.jsonl"
    src.write_text("a\n")
    out = tmp_path / "run"
    claim(out, "bench run", {}, {"model_file": src}).release()
    src.write_text("b\n")
    with pytest.raises(JobDirError, match="other content"):
        claim(out, "bench run", {}, {"model_file": src})


def test_overwrite_empties_and_starts_over(tmp_path):
    out = tmp_path / "run"
    claim(out, "bench run", {"model": "oracle"}).release()
    (out / "results.jsonl").write_text("old\n")
    (out / "images").mkdir()
    (out / "images" / "a.png").write_bytes(b"x")
    with claimed(out, "bench run", {"model": "blank"}, overwrite=True) as job:
        assert not job.resumed
    assert sorted(p.name for p in out.iterdir() if p.name != ".job.lock") == [JOB_FILE]


def test_another_commands_directory_is_refused_even_with_overwrite(tmp_path):
    out = tmp_path / "run"
    claim(out, "bench run", {"model": "oracle"}).release()
    for ow in (False, True):
        with pytest.raises(JobDirError, match="belongs to `codepercept bench run`"):
            claim(out, "synth", {}, overwrite=ow)


def test_foreign_non_empty_directory_is_never_deleted(tmp_path):
    out = tmp_path / "home"
    out.mkdir()
    (out / "thesis.tex").write_text("precious")
    for ow in (False, True):
        with pytest.raises(JobDirError, match="not empty"):
            claim(out, "synth", {}, overwrite=ow)
    assert (out / "thesis.tex").read_text() == "precious"
    assert not (out / JOB_FILE).exists()


def test_adopt_claims_a_legacy_directory(tmp_path):
    out = tmp_path / "old"
    out.mkdir()
    (out / "manifest.jsonl").write_text("{}\n")
    with claimed(out, "synth", {}, adopt=lambda p: (p / "manifest.jsonl").exists()) as job:
        assert job.resumed


def test_a_file_is_not_a_directory(tmp_path):
    f = tmp_path / "f"
    f.write_text("x")
    with pytest.raises(JobDirError, match="is a file"):
        claim(f, "synth", {})


def test_two_live_jobs_cannot_share_a_directory(tmp_path):
    out = tmp_path / "run"
    with claimed(out, "synth", {}), pytest.raises(LockedError, match="in use"):
        claim(out, "synth", {})


def test_unreadable_job_file_is_refused(tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    (out / JOB_FILE).write_text("{not json")
    with pytest.raises(JobDirError, match="unreadable"):
        claim(out, "synth", {}, overwrite=True)


def test_overwrite_does_not_follow_symlinks_out(tmp_path):
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep").write_text("x")
    out = tmp_path / "run"
    claim(out, "synth", {"a": 1}).release()
    (out / "link").symlink_to(victim)
    claim(out, "synth", {"a": 2}, overwrite=True).release()
    assert (victim / "keep").read_text() == "x"
    assert not (out / "link").exists()
