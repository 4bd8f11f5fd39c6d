"""Screen a directory of JSONL shards on a Dask cluster.

    python3 -m unspin.dask screen IN_DIR OUT_DIR [--scheduler ADDRESS] [--workers N] [--no-screen]

Every IN_DIR/*.jsonl shard of {"id", "text"} records becomes OUT_DIR/<the
same name>: one result line per input line, in order, exactly as
`unspin screen --jsonl` writes them (bad lines become error records): the
fast first pass clears most clean documents ({"screened": "clear", ...})
and the decoder sees only the rest. With --no-screen every document is
decoded, as `unspin detect --jsonl` writes them. With no --scheduler a
local cluster of one single-threaded worker process per core is started.

Why nothing is lost or repeated: a shard is one task, and its output is
written under a temporary name, fsync'd and renamed into place, so an
output file exists only when complete. When a worker dies, Dask gives its
task to another worker, which writes the whole shard again; the dead
attempt's temporary file is never taken for a result and is removed when
the run ends. A rerun skips every shard whose output exists. One run per
OUT_DIR at a time.

Each worker process loads the model once (memory-mapped) and keeps it.
Workers on other machines need the model at the same path (--model), or
the default model of their own installation.

Exit codes: 0 done, 1 failure (a shard could not be read or written, the
cluster failed), 2 usage, 4 model missing or damaged, 5 done but some
records were errors.
"""
import argparse
import glob
import json
import os
import sys
import time
import uuid

_ENGINES = {}

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_MODEL, EXIT_PARTIAL = 0, 1, 2, 4, 5


def _engine(model):
    """The worker process's Engine for `model`, loaded on first use, and
    whether this call loaded it."""
    if model in _ENGINES:
        return _ENGINES[model], False
    from . import Engine
    _ENGINES[model] = Engine(model)
    return _ENGINES[model], True


def _fsync_dir(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def screen_shard(in_path, out_path, model="", threshold=-1.0, use_screen=True):
    """Screens one shard into `out_path`, atomically; a task on a worker
    (use_screen: the two-stage pipeline, else the decoder on every record).
    Returns {"shard", "records", "errors", "skipped", "model_loaded"}."""
    name = os.path.basename(in_path)
    if os.path.exists(out_path):
        # An earlier attempt finished the shard but its worker died before
        # reporting: count what it wrote.
        records, errors = _count_output(out_path)
        return {"shard": name, "records": records, "errors": errors, "skipped": False, "model_loaded": False}
    tmp = f"{out_path}.tmp-{uuid.uuid4().hex}"
    try:
        engine, loaded = _engine(model)
        counts = engine.detect_jsonl(in_path, tmp, threshold, screen=use_screen)
        os.replace(tmp, out_path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    _fsync_dir(os.path.dirname(out_path) or ".")
    return {"shard": name, "records": counts["records"], "errors": counts["errors"], "skipped": False,
            "model_loaded": loaded}


def _shard_task():
    """screen_shard as the workers import it. Run as `python3 -m
    unspin.dask`, this module is __main__, whose functions Dask sends by
    value with a fresh copy of their globals, so every task would open the
    model again (0.3-0.4 s a shard); the same function from the module
    imported by name is sent by reference, and each worker keeps its
    Engine across tasks."""
    from importlib import import_module
    return import_module("unspin.dask").screen_shard


def _remove_dead_attempts(out_dir):
    """Removes the temporary files of attempts whose worker died. Called
    when no task of this run is running (before it starts, after it ends)."""
    for stale in glob.glob(os.path.join(glob.escape(out_dir), "*.tmp-*")):
        try:
            os.remove(stale)
        except FileNotFoundError:
            pass


def _count_output(path):
    """(records, error records) of a finished output shard."""
    records = errors = 0
    with open(path, "rb") as f:
        for line in f:
            records += 1
            errors += "error" in json.loads(line)
    return records, errors


def _count_lines(path):
    with open(path, "rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))


class _Progress:
    """Shards and records done, rate and ETA on a terminal; silent otherwise."""

    def __init__(self, shards, records, stream=sys.stderr):
        self.shards, self.records = shards, records
        self.done_shards = self.done_records = 0
        self.start = time.monotonic()
        self.stream = stream
        self.live = stream.isatty()

    def update(self, result):
        self.done_shards += 1
        self.done_records += result["records"]
        if not self.live:
            return
        elapsed = time.monotonic() - self.start
        rate = self.done_records / elapsed if elapsed > 0 else 0
        left = self.records - self.done_records
        eta = time.strftime("%H:%M:%S", time.gmtime(left / rate)) if rate > 0 else "--:--:--"
        self.stream.write(f"\r{self.done_shards}/{self.shards} shards, {self.done_records:,}/{self.records:,} "
                          f"records, {rate:,.0f} records/s, ETA {eta}   ")
        self.stream.flush()

    def finish(self):
        if self.live and self.done_shards:
            self.stream.write("\n")


def screen(in_dir, out_dir, scheduler=None, workers=None, model="", threshold=-1.0, client=None, use_screen=True):
    """Screens every IN_DIR/*.jsonl into OUT_DIR (use_screen: the two-stage
    pipeline; False decodes every record). Uses `client` if given, else
    connects to `scheduler`, else starts a local cluster. Returns a summary
    dict: shards, skipped, records, errors, model_loads (times a worker
    opened the model: once per worker when all is well), seconds."""
    start = time.monotonic()
    shards = sorted(glob.glob(os.path.join(in_dir, "*.jsonl")))
    if not shards:
        raise FileNotFoundError(f"no *.jsonl shards in {in_dir}")
    os.makedirs(out_dir, exist_ok=True)
    _remove_dead_attempts(out_dir)
    model = os.path.abspath(model) if model else ""
    outputs = [os.path.join(out_dir, os.path.basename(s)) for s in shards]
    todo = [(s, o) for s, o in zip(shards, outputs) if not os.path.exists(o)]
    summary = {"shards": len(shards), "skipped": len(shards) - len(todo), "records": 0, "errors": 0,
               "model_loads": 0}
    if todo:
        from distributed import Client, LocalCluster, as_completed
        own_cluster = own_client = None
        if client is None:
            if scheduler:
                client = own_client = Client(scheduler)
            else:
                own_cluster = LocalCluster(n_workers=workers or os.cpu_count(), threads_per_worker=1,
                                           processes=True, dashboard_address=None)
                client = own_client = Client(own_cluster)
        try:
            progress = _Progress(len(todo), sum(_count_lines(s) for s, _ in todo))
            futures = client.map(_shard_task(), [s for s, _ in todo], [o for _, o in todo],
                                 model=model, threshold=threshold, use_screen=use_screen, pure=False)
            for future in as_completed(futures):
                result = future.result()
                summary["records"] += result["records"]
                summary["errors"] += result["errors"]
                summary["model_loads"] += result["model_loaded"]
                progress.update(result)
            progress.finish()
        finally:
            if own_client is not None:
                own_client.close()
            if own_cluster is not None:
                own_cluster.close()
        _remove_dead_attempts(out_dir)
    summary["seconds"] = round(time.monotonic() - start, 3)
    return summary


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m unspin.dask",
                                     description="Screen JSONL shards for spun text on a Dask cluster.")
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("screen", help="detect spun text in every IN_DIR/*.jsonl, writing OUT_DIR/*.jsonl")
    s.add_argument("in_dir")
    s.add_argument("out_dir")
    s.add_argument("--scheduler", help="address of a running dask scheduler (default: a local cluster)")
    s.add_argument("--workers", type=int, help="local cluster size (default: one per core)")
    s.add_argument("--model", default="", help="model directory (default: the workers' default model)")
    s.add_argument("--threshold", type=float, default=-1.0,
                   help="flag spans whose swap posterior is at least this (default: the model's)")
    s.add_argument("--no-screen", dest="use_screen", action="store_false",
                   help="decode every document (as `unspin detect --jsonl`), no first pass")
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return EXIT_OK if e.code == 0 else EXIT_USAGE
    if args.workers is not None and args.workers < 1:
        print("unspin.dask: --workers must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    if args.threshold > 1:
        print("unspin.dask: --threshold must be between 0 and 1", file=sys.stderr)
        return EXIT_USAGE
    if not os.path.isdir(args.in_dir):
        print(f"unspin.dask: {args.in_dir} is not a directory", file=sys.stderr)
        return EXIT_USAGE
    from . import Engine, ModelError
    try:
        Engine(args.model)  # fail fast here rather than on every worker
    except ModelError as e:
        print(f"unspin.dask: {e}", file=sys.stderr)
        return EXIT_MODEL
    try:
        summary = screen(args.in_dir, args.out_dir, args.scheduler, args.workers, args.model, args.threshold,
                         use_screen=args.use_screen)
    except (OSError, RuntimeError, ValueError) as e:
        print(f"unspin.dask: {e}", file=sys.stderr)
        return EXIT_FAILURE
    print(json.dumps(summary))
    return EXIT_PARTIAL if summary["errors"] else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
