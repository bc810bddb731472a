"""Routing: rank the roster's personas for a request by their descriptions and example requests.

`terms` turns text in any supported language into index terms, `rank` scores personas with BM25
over their routing cards, and `route` turns the scores into a lead and its collaborators.
"""
