"""Text and ranking for the talent service center — pure computation, no models.

``text`` segments Chinese with a domain dictionary and canonicalises synonyms,
``taxonomy`` holds the classification lists the models offer as choices,
``features`` turns a posting or a profile into stored, JSON-serialisable
features, ``search`` ranks postings for a query (BM25) and ``engine`` matches
seekers and postings both ways with explanations in Chinese.
"""
