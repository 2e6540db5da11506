"""The HTTP client of a running detector: verdicts for a few videos, and fleet scans of whole folders.

Needs httpx and tqdm only (no torch), so it runs on any machine that can reach the server.
`python -m client VIDEO...` prints verdicts (client/verdicts.py); `python -m client scan DIR`
scans a folder, resumably (client/scan.py).
"""
