"""Clause classification into the 14 policy-instrument categories (DESIGN §2, §4.3).

Pure Python, no Django: ``ingest.categorize`` wires it to the data dir.
``model`` is the classifier, ``validation`` its cross-validated scores,
``data`` the labelled-clause file. The package itself imports nothing: the
web process imports ``charts`` and ``review`` and stays without
scikit-learn (~60 MB resident).
"""
