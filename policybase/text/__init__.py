"""The vocabulary of Chinese policy text, on the ground floor: folding,
how parts are numbered, document types and status flags, 文号, issuers'
names, administrative divisions. Every other layer (catalogue, search, web,
ingestion) stands on it; it imports nothing of the project."""
