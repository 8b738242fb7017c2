"""Golden files: parser inputs beside the JSON the pipeline makes of them.

``python -m tests.golden.regenerate`` rewrites every golden JSON from the
current code, so a change in parsing shows up as a diff a reviewer reads.
"""
