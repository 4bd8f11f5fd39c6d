"""unspin: detect and reverse machine-spun text.

    import unspin
    engine = unspin.Engine()                 # the default model
    result = engine.detect(text)             # {"score", "spun", "words", "spans", "restored"}
    engine.restore(text)                     # the text with spun spans replaced
    engine.spin(text, profile="phrase", rate=0.2, seed=1)
    engine.index_add("sources.idx", [("id1", text1), ("id2", text2)])
    engine.trace(text, index="sources.idx")  # [{"id", "similarity", "evidence", ...}]
    engine.screen(text)                      # detect behind the fast first pass ("screened": "clear" | "passed")
    engine.detect_jsonl("in.jsonl", "out.jsonl")  # as `unspin detect --jsonl`; screen=True: `unspin screen --jsonl`

A directory of JSONL shards on a Dask cluster:

    python3 -m unspin.dask screen IN_DIR OUT_DIR [--scheduler ADDRESS] [--no-screen]

Every method releases the GIL while it works, so threads sharing one Engine
run in parallel. A missing, damaged or foreign model or index raises
unspin.ModelError; bad arguments raise ValueError.
"""
from ._unspin import Engine, ModelError

__all__ = ["Engine", "ModelError"]
