"""Clause classification into the 15 categories of DESIGN §2 (§4.3): the 14
policy instruments and 非政策工具.

Pure Python, no Django: ``ingest.categorize`` wires it to the data dir.
``model`` is the classifier, ``validation`` its cross-validated scores,
``data`` the labelled-clause files, ``structure`` the patterns of
非政策工具. The package itself imports nothing: the
web process imports ``charts`` and stays without
scikit-learn (~60 MB resident).
"""
