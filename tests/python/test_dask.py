"""Screening JSONL shards on a Dask cluster (unspin.dask): results equal to
`unspin screen --jsonl` (with --no-screen, `unspin detect --jsonl`), bad
lines as error records, reruns skip finished
shards, and a worker killed mid-run loses and repeats nothing."""
import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

import unspin
from unspin import dask as unspin_dask

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
UNSPIN = os.environ.get("UNSPIN_BIN", os.path.join(TESTS, "..", "build", "unspin"))


def sources():
    with open(os.path.join(TESTS, "data", "sotu_excerpts.jsonl"), encoding="utf-8") as f:
        return [json.loads(line)["text"] for line in f]


def write_shards(directory, shards, per_shard, engine):
    """`shards` files of `per_shard` spun or clean records with unique ids."""
    os.makedirs(directory, exist_ok=True)
    texts = sources()
    ids = []
    for k in range(shards):
        with open(os.path.join(directory, f"part-{k:03d}.jsonl"), "w", encoding="utf-8") as f:
            for i in range(per_shard):
                text = texts[(k + i) % len(texts)]
                if i % 2 == 0:
                    text = engine.spin(text, rate=0.3, seed=k * 1000 + i)["text"]
                doc_id = f"{k}-{i}"
                ids.append(doc_id)
                f.write(json.dumps({"id": doc_id, "text": text}) + "\n")
    return ids


def read_outputs(directory):
    records = {}
    names = sorted(os.listdir(directory))
    assert all(n.endswith(".jsonl") for n in names), names  # no temporary files left
    for name in names:
        with open(os.path.join(directory, name), encoding="utf-8") as f:
            records[name] = [json.loads(line) for line in f]
    return records


@pytest.fixture(scope="module")
def engine():
    return unspin.Engine()


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    c = Client(cluster)
    yield c
    c.close()
    cluster.close()


def test_results_match_the_cli_and_bad_lines_are_records(tmp_path, engine, client):
    in_dir, out_dir = tmp_path / "in", tmp_path / "out"
    write_shards(in_dir, 3, 4, engine)
    with open(in_dir / "part-001.jsonl", "ab") as f:
        f.write(b"{not json}\n\n{\"id\": 7}\n{\"id\": 8, \"text\": \"caf\xc3 au lait\"}\n")
    decoded_dir = tmp_path / "decoded"
    summary = unspin_dask.screen(str(in_dir), str(out_dir), client=client)
    decoded = unspin_dask.screen(str(in_dir), str(decoded_dir), client=client, use_screen=False)
    for s in (summary, decoded):
        assert s["shards"] == 3 and s["skipped"] == 0
        assert s["records"] == 15 and s["errors"] == 3
    for k in range(3):
        name = f"part-{k:03d}.jsonl"
        for verb, directory in (("screen", out_dir), ("detect", decoded_dir)):
            cli = subprocess.run([UNSPIN, verb, "--jsonl", str(in_dir / name)], capture_output=True)
            assert cli.returncode == (5 if k == 1 else 0)
            assert (directory / name).read_bytes() == cli.stdout
    errors = [r for r in read_outputs(out_dir)["part-001.jsonl"] if "error" in r]
    assert [e["line"] for e in errors] == [5, 7, 8]
    assert sorted(os.listdir(out_dir)) == ["part-000.jsonl", "part-001.jsonl", "part-002.jsonl"]
    # The screen passes on every document the decoder calls spun, and a
    # document it passes on gets the decoder's own record.
    screened = [r for records in read_outputs(out_dir).values() for r in records if "error" not in r]
    full = [r for records in read_outputs(decoded_dir).values() for r in records if "error" not in r]
    assert [r["id"] for r in screened] == [r["id"] for r in full]
    for s, d in zip(screened, full):
        assert s["screened"] in ("clear", "passed") and "screened" not in d
        if d["spun"]:
            assert s["screened"] == "passed", (s, d)
        if s["screened"] == "passed":
            assert {k: v for k, v in s.items() if k not in ("screened", "screen_score")} == d


def test_rerun_skips_finished_shards(tmp_path, engine, client):
    in_dir, out_dir = tmp_path / "in", tmp_path / "out"
    write_shards(in_dir, 3, 2, engine)
    unspin_dask.screen(str(in_dir), str(out_dir), client=client)
    before = {n: os.stat(out_dir / n).st_mtime_ns for n in os.listdir(out_dir)}
    os.remove(out_dir / "part-002.jsonl")
    (out_dir / "part-002.jsonl.tmp-deadbeef").write_text("half a shard from a dead worker")
    summary = unspin_dask.screen(str(in_dir), str(out_dir), client=client)
    assert summary["skipped"] == 2 and summary["records"] == 2
    after = {n: os.stat(out_dir / n).st_mtime_ns for n in os.listdir(out_dir)}
    assert sorted(after) == sorted(before)  # the stale temporary file is gone
    assert after["part-000.jsonl"] == before["part-000.jsonl"]
    assert after["part-001.jsonl"] == before["part-001.jsonl"]


def test_a_retried_shard_task_counts_what_the_dead_attempt_finished(tmp_path, engine):
    # A worker can finish and rename a shard, then die before reporting; the
    # task's retry must count that output, not report 0 records.
    in_dir, out_dir = tmp_path / "in", tmp_path / "out"
    write_shards(in_dir, 1, 3, engine)
    with open(in_dir / "part-000.jsonl", "ab") as f:
        f.write(b"{broken\n")
    out_dir.mkdir()
    args = (str(in_dir / "part-000.jsonl"), str(out_dir / "part-000.jsonl"))
    first = unspin_dask.screen_shard(*args)
    written = (out_dir / "part-000.jsonl").read_bytes()
    again = unspin_dask.screen_shard(*args)
    counts = {"shard": "part-000.jsonl", "records": 4, "errors": 1, "skipped": False}
    assert {k: v for k, v in first.items() if k != "model_loaded"} == counts
    assert again == dict(counts, model_loaded=False)
    assert (out_dir / "part-000.jsonl").read_bytes() == written


def test_killed_worker_loses_and_repeats_nothing(tmp_path, engine, client):
    in_dir, out_dir = tmp_path / "in", tmp_path / "out"
    ids = write_shards(in_dir, 12, 60, engine)
    done = {}
    runner = threading.Thread(target=lambda: done.update(
        unspin_dask.screen(str(in_dir), str(out_dir), client=client)))
    runner.start()
    # Wait until a worker is in the middle of a shard, then kill its process.
    victim = None
    deadline = time.monotonic() + 120
    while victim is None and time.monotonic() < deadline:
        busy = [address for address, tasks in client.processing().items() if tasks]
        if busy and os.path.exists(out_dir) and any(n.endswith(".jsonl") for n in os.listdir(out_dir)):
            victim = busy[0]
        else:
            time.sleep(0.05)
    assert victim is not None, "no worker was ever busy"
    pid = client.run(os.getpid, workers=[victim])[victim]
    os.kill(pid, signal.SIGKILL)
    runner.join(timeout=300)
    assert not runner.is_alive()
    assert done["shards"] == 12 and done["records"] == len(ids) and done["errors"] == 0
    outputs = read_outputs(out_dir)
    assert sorted(outputs) == [f"part-{k:03d}.jsonl" for k in range(12)]
    seen = [r["id"] for name in sorted(outputs) for r in outputs[name]]
    assert seen == ids  # every record once, in input order
    assert all("score" in r if r["screened"] == "passed" else r["screened"] == "clear"
               for records in outputs.values() for r in records)


def test_command_line(tmp_path, engine):
    in_dir, out_dir = tmp_path / "in", tmp_path / "out"
    write_shards(in_dir, 3, 2, engine)
    env = dict(os.environ)
    run = lambda *args: subprocess.run([sys.executable, "-m", "unspin.dask", *args], capture_output=True,
                                       text=True, env=env, timeout=300, stdin=subprocess.DEVNULL)
    r = run("screen", str(in_dir), str(out_dir), "--workers", "1")
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["records"] == 6
    # Run as __main__, the module must still send its task by reference:
    # one worker opens the model once, not once per shard.
    assert summary["model_loads"] == 1, summary
    assert r.stderr.count("\r") == 0  # no progress line when not on a terminal
    assert all("screened" in json.loads(line) for line in (out_dir / "part-000.jsonl").open())
    r = run("screen", str(in_dir), str(tmp_path / "decoded"), "--workers", "1", "--no-screen")
    assert r.returncode == 0, r.stderr
    assert not any("screened" in json.loads(line) for line in (tmp_path / "decoded" / "part-000.jsonl").open())
    r = run("screen", str(tmp_path / "missing"), str(out_dir))
    assert r.returncode == 2 and "not a directory" in r.stderr
    r = run("screen", str(in_dir), str(out_dir), "--model", str(tmp_path / "no-model"))
    assert r.returncode == 4 and "model" in r.stderr
    r = run("screen", str(out_dir / "part-000.jsonl"), str(out_dir))
    assert r.returncode == 2
    r = run("screen", str(tmp_path), str(out_dir))  # no shards
    assert r.returncode == 1 and "no *.jsonl shards" in r.stderr
    r = run("bogus")
    assert r.returncode == 2
