"""Web pages and feeds that publish policies, fetched on a schedule.

``fetch`` speaks HTTP, ``links`` finds policy links in what came back, and
``run`` ties them to a WebSource: new files become ordinary ingest jobs.
"""
