"""The one analysis PolicyBase uses for Chinese policy text, at index and query time.

Text is folded character by character (full-width → half-width, traditional →
simplified, Latin lowercased), so that 數據 finds 数据 and a folded string has
the same length as the original: highlights computed on the folded text apply
to the original as they are. Folding happens here, in Python, once; the
engine only ever sees folded text.

A field is searched by its units: every CJK character and every Latin word or
number (``UNIT``), at consecutive positions. A query term is the phrase of its
units, so a query is an exact substring match that no word segmentation can
break: 税 finds 增值税, 数据安全 finds 数据安全 however a segmenter would cut
either. The engine tokenizes the index side with the same pattern.

A field is ranked by its words: the character bigrams of each CJK run and each
Latin word (``words``). Bigrams, not jieba's words: jieba alone costs more
per clause than the whole budget for storing and indexing one (bench/RESULTS.md,
"Words for ranking"), and a bigram model ranks a substring query as well as a
dictionary does, since every clause it finds holds all the query's bigrams.
jieba still names the key words of a clause where people read them (the
similar clauses' page, ``key_words``).
"""

import functools
import re

from policybase.text.fold import fold

# What a SearchIndex field names as its analyzer to be searched this way.
CHINESE = "chinese"
# Changed whenever what the index holds of a text changes: an index written
# by another version of this module is rebuilt at the next migrate.
VERSION = "units and bigrams, 1"

# One CJK ideograph (basic, extension A, compatibility), or a run of Latin
# letters/digits: 数 据 5g 2023 ai
UNIT = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[a-z0-9]+")
# A run of CJK ideographs, or a Latin word: the pieces words are taken from.
WORD_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+")


def units(text: str) -> list[str]:
    """The units of ``text``, folded: what a query term is the phrase of."""
    return UNIT.findall(fold(text))


def words(folded: str) -> list[str]:
    """The words of folded text: 数据安全 → 数据 据安 安全; 5g → 5g. A lone
    CJK character is no word (its unit ranks it)."""
    found = []
    for run in WORD_RUN.findall(folded):
        if run.isascii():
            found.append(run)
        else:
            found.extend(map(str.__add__, run, run[1:]))
    return found


# Every clause carries its document's title and 文号, so indexing asks for the
# same few strings again and again: each is analysed once.
@functools.lru_cache(maxsize=1024)
def analyzed(text: str) -> tuple[str, str]:
    """What the index holds of a text field: the folded text (the engine
    takes its units) and its words, separated by spaces."""
    folded = fold(text)
    return folded, " ".join(words(folded))


def key_words(text: str) -> list[str]:
    """The words of ``text`` (folded) a reader would name: jieba's, in its
    search mode (数据安全 gives 数据, 安全 and 数据安全), and Latin words.
    jieba is loaded on first use: the processes that never ask keep its
    dictionary (60 MB) out of memory."""
    import jieba

    jieba.setLogLevel(60)  # jieba prints its dictionary loading to stderr otherwise
    found = []
    for run in WORD_RUN.findall(fold(text)):
        if run.isascii():
            found.append(run)
        else:
            found.extend(word for word in jieba.cut_for_search(run) if len(word) > 1)
    return found
