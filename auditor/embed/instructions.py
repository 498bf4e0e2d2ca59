"""How each embedding-model family wants its queries and documents worded.

Retrieval models are trained with fixed prefixes; sending plain text to a model that expects
``query: `` / ``passage: `` costs a few points of recall, and for instruction-aware models
(Qwen3-Embedding, gte-Qwen, e5-mistral) the task instruction decides what "similar" means.
In auditor the rule text is the query and the code unit is the document.

Templates hold ``{text}`` and are filled with ``str.replace``, never ``str.format``: code is
full of braces.
"""

from __future__ import annotations

import re

TASK = "Given a description of a security weakness, retrieve source code that contains it"
SEARCH_TASK = "Given a description of what some code does, retrieve the source code that does it"
PLAIN = "{text}"
SEARCH_PASSAGES = "Represent this sentence for searching relevant passages: {text}"

# (model-name regex, query template, document template). Searched in order, case-insensitively,
# anywhere in the name, so "Qwen/Qwen3-Embedding-4B" and "/models/qwen3-embedding-4b" both match.
# More specific rows come first (e5 instruct variants before plain e5, bge-m3 before bge).
TEMPLATES: tuple[tuple[str, str, str], ...] = (
    (r"qwen3-embedding|gte-qwen", f"Instruct: {TASK}\nQuery:{{text}}", PLAIN),
    (r"e5-mistral|multilingual-e5-[a-z]+-instruct", f"Instruct: {TASK}\nQuery: {{text}}", PLAIN),
    (r"(^|[/_-])e5-", "query: {text}", "passage: {text}"),
    (r"bge-m3", PLAIN, PLAIN),  # bge-m3 needs no instruction for dense retrieval
    (r"bge-(en-icl|multilingual-gemma2)", f"<instruct>{TASK}\n<query>{{text}}", PLAIN),
    # BGE's published Chinese instruction, full-width colon included.
    (r"bge-[a-z]+-zh", "为这个句子生成表示以用于检索相关文章：{text}", PLAIN),  # noqa: RUF001
    (r"bge-", SEARCH_PASSAGES, PLAIN),
    (r"nomic-embed-code", "Represent this query for searching relevant code: {text}", PLAIN),
    (r"nomic-embed", "search_query: {text}", "search_document: {text}"),
    (r"mxbai-embed|arctic-embed", SEARCH_PASSAGES, PLAIN),
)


def templates_for(model: str, override: str | None) -> tuple[str, str]:
    """(query template, document template) for ``model``.

    ``override`` replaces the query side only: a string holding ``{text}`` is used as the whole
    query template; any other non-empty string is a task description sent the Qwen3 way
    (``Instruct: {task}\\nQuery:{text}``); the empty string sends queries plain. ``None`` looks
    the model up in TEMPLATES; an unknown model gets plain text on both sides.
    """
    query, document = PLAIN, PLAIN
    for pattern, query_template, document_template in TEMPLATES:
        if re.search(pattern, model, re.IGNORECASE):
            query, document = query_template, document_template
            break
    if override is None:
        return query, document
    if override == "":
        return PLAIN, document
    if "{text}" in override:
        return override, document
    return f"Instruct: {override}\nQuery:{{text}}", document


def apply(template: str, text: str) -> str:
    return text if template == PLAIN else template.replace("{text}", text)


def search_instruction(model: str, override: str | None) -> str | None:
    """The query template for code search with ``model``: the rule template with the search task.

    ``override`` (the configured instruction) wins; a model without an instruction gets None,
    which keeps its own template.
    """
    if override is not None:
        return override
    query, _ = templates_for(model, None)
    return query.replace(TASK, SEARCH_TASK) if TASK in query else None
