"""How a document relates to the rest of the base: the policies it cites (titles
in 《》), the documents that cite it, and documents of the same kind on the same
topic from other regions.

The text functions at the top are pure; the query functions below take a
Document and keep to a few queries each, since the base may hold tens of
thousands of documents.
"""

import datetime as dt
import functools
import itertools
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import jieba
from django.db.models import Count, Q

from policybase.catalog.models import STRUCTURAL, Clause, Document, Region
from policybase.search.query import Filters, all_matching_clauses
from policybase.text.doc_numbers import DOC_NUMBER
from policybase.text.fold import fold

# 《中华人民共和国数据安全法》; inside one, 〈…〉 quotes another title:
# 《关于印发〈数据出境安全评估办法〉的通知》
CITATION = re.compile(r"《([^《》\n]{2,120})》")
INNER_CITATION = re.compile(r"〈([^〈〉\n]{2,120})〉")
# (以下简称《行动计划》): a short name the text gives itself, not a citation.
SHORT_NAME = re.compile(r"(?:简称|以下称|下称)[“\"]?《([^《》\n]{1,40})》")
# A status the same policy carries in one citation and not in another, checked
# after folding (（试行） → (试行)): 湖北省数据条例(草案)(征求意见稿) ~ 湖北省数据条例.
STATUS_SUFFIX = re.compile(r"\((?:试行|暂行|草案|征求意见稿|公开征求意见稿|送审稿|修订稿|修订)\)$")
# A 文号 in running text: the characters before its bracket hold the issuer's
# abbreviation, perhaps after other words (根据国发〔2022〕2号): a citation names
# a document when year and serial agree and those characters end with the
# document's own prefix.
MIN_NUMBER_PREFIX = 2
# Quotes, brackets, dashes and spaces, which citations of one title write differently:
# “数据要素×”三年行动计划（2024—2026年） ~ 数据要素三年行动计划(20242026年)
NOT_TITLE_CHAR = re.compile(r"[\W_]+")
CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
# The issuer in front of 关于 is left out by some citations and kept by others:
# 《国务院关于…的意见》 ~ 关于…的意见
ABOUT = "关于"

# Title words that say what kind of text a document is, or where, or how urgent,
# and nothing about its topic (the region names come from the Region table).
_GENERIC_TITLE_WORDS = """
    关于 印发 转发 通知 公告 决定 批复 实施 意见 办法 方案 若干 措施 工作 规定 规划 计划
    细则 清单 指引 指南 要点 条例 宣言 规范 规则 标准规范 实施方案 行动方案 工作方案 行动计划
    三年 暂行办法 管理办法 实施细则 实施意见 指导意见 政策措施 若干措施 工作要点 暂行规定
    管理工作 工作指南 试行 暂行 草案 征求 意见稿 征求意见 征求意见稿 公开 送审稿 修订 政策
    解读 进一步 加快 推进 推动 促进 加强 支持 深化 全面 建设 发展 开展 有关 相关 专项 行动
    全省 全市 本市 我市 本省 全区 自治区 全国 国家 中国 地区 年度 年版 指导 人民政府 人民 政府 办公厅
    管理 领域
"""
GENERIC_TITLE_WORDS = frozenset(_GENERIC_TITLE_WORDS.split())
# Region names are also written without their level: 浙江省 → 浙江, 浦东新区 → 浦东.
REGION_SUFFIXES = (
    "特别行政区",
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "自治区",
    "自治州",
    "新区",
    "省",
    "市",
    "区",
    "县",
)


def _clean(title: str) -> str:
    return " ".join(title.split())


def extract_citations(texts: list[str]) -> list[tuple[str, int]]:
    """(cited title, index of the text it is in) for each 《…》 of ``texts``, in
    order, without the short names the texts define for themselves."""
    short_names = {_clean(m.group(1)) for text in texts for m in SHORT_NAME.finditer(text)}
    found = []
    for index, text in enumerate(texts):
        for match in CITATION.finditer(text):
            title = _clean(match.group(1))
            if title not in short_names:
                found.append((title, index))
            found.extend((_clean(m.group(1)), index) for m in INNER_CITATION.finditer(title))
    return found


def cited_numbers(text: str) -> list[tuple[str, str, str]]:
    """(characters before the bracket, year, serial) of each 文号 in ``text``,
    folded: 根据國發[2022]2號 → ("根据国发", "2022", "2")."""
    return [match.groups() for match in DOC_NUMBER.finditer(fold(text))]


@functools.lru_cache(maxsize=1 << 12)
def number_parts(doc_number: str) -> tuple[str, str, str] | None:
    """(prefix, year, serial) of a document's own 文号, folded; None when it has
    no such form. Parsed once per number, not once per clause compared."""
    own = DOC_NUMBER.search(fold(doc_number or ""))
    return own.groups() if own else None


def names_number(cited: tuple[str, str, str], doc_number: str) -> bool:
    """Whether a 文号 cited in a text is ``doc_number``."""
    own = number_parts(doc_number)
    if own is None:
        return False
    prefix, year, serial = own
    return (
        len(prefix) >= MIN_NUMBER_PREFIX
        and cited[1:] == (year, serial)
        and cited[0].endswith(prefix)
    )


@functools.lru_cache(maxsize=1 << 16)
def normalize_title(title: str) -> str:
    """The form in which two citations of one policy are equal: simplified,
    half-width, without spaces, punctuation or a trailing status."""
    text = "".join(fold(title).split())
    while (shorter := STATUS_SUFFIX.sub("", text)) != text:
        text = shorter
    return NOT_TITLE_CHAR.sub("", text)


def without_issuer(key: str) -> str | None:
    """'关于…' of a normalised title that has an issuer in front of it, else None."""
    start = key.find(ABOUT)
    return key[start:] if start > 0 else None


def same_policy(a: str, b: str) -> bool:
    """Whether two titles name one policy. An issuer may be left out on one
    side (国务院关于…的意见 ~ 关于…的意见), never replaced by another."""
    key_a, key_b = normalize_title(a), normalize_title(b)
    return key_a == key_b or without_issuer(key_a) == key_b or key_a == without_issuer(key_b)


@functools.lru_cache(maxsize=1 << 16)
def title_keywords(title: str) -> tuple[tuple[str, ...], ...]:
    """The words of a title that may say its topic, in order, less generic words
    and numbers. Each comes with its parts when it has four or more characters
    (数据安全 → 数据, 安全), so that titles that split it still meet; a caller
    that drops a word (a place: 河北省人民政府) drops its parts with it."""
    groups = []
    for word in jieba.lcut(normalize_title(title)):
        if len(word) < 2 or word in GENERIC_TITLE_WORDS or any(c.isdigit() for c in word):
            continue
        parts = jieba.cut_for_search(word) if len(word) >= 4 else []
        groups.append(
            (
                word,
                *(p for p in parts if p != word and len(p) > 1 and p not in GENERIC_TITLE_WORDS),
            )
        )
    return tuple(groups)


def region_words(names) -> frozenset[str]:
    """Region names and their short forms: 浙江省, 浙江, 浦东新区, 浦东 …"""
    words = set()
    for name in names:
        words.add(name)
        for suffix in REGION_SUFFIXES:
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                words.add(name[: -len(suffix)])
                break
    return frozenset(words)


def is_place_word(word: str, places: frozenset[str]) -> bool:
    """A region, or a word that starts with one (河北省人民政府)."""
    return any(word[:end] in places for end in range(2, len(word) + 1))


def cosine(a: dict, b: dict) -> float:
    dot = sum(weight * b[key] for key, weight in a.items() if key in b)
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return dot / norm if norm else 0.0


# ---------------------------------------------------------------- queries

_NO_DATE = dt.date.min  # sorts undated documents last, newest first


@dataclass
class Citation:
    """A policy a document cites: the title as written, the documents of the
    base with that title, and the clause that cites it (None: the title does)."""

    title: str
    documents: list[Document] = field(default_factory=list)
    clause: Clause | None = None
    count: int = 1


def _by_document_order(documents):
    # Full text first, then the newest: the one an analyst wants to open.
    return sorted(
        documents, key=lambda d: (not d.has_full_text, -(d.publish_date or _NO_DATE).toordinal())
    )


def cited_policies(document: Document, clauses: list[Clause]) -> list[Citation]:
    """The titles that ``document`` cites in its title or clauses, each with the
    documents of the base it names, in the order they are first cited."""
    texts = [document.title, *(clause.text for clause in clauses)]
    citations: dict[str, Citation] = {}
    own_key = normalize_title(document.title)
    for title, index in extract_citations(texts):
        key = normalize_title(title)
        # 《规划》, 《办法》: the document's name for itself, or no title at all.
        if not key or key == own_key or key in GENERIC_TITLE_WORDS:
            continue
        if key in citations:
            citations[key].count += 1
        else:
            # Text 0 is the title; text i is clause i - 1.
            citations[key] = Citation(title, clause=clauses[index - 1] if index else None)
    numbered = _cited_by_number(document, clauses)
    if not citations and not numbered:
        return []
    # Every title of the base, once: ten thousand short rows cost less than
    # guessing which of them a citation written in another script could match.
    by_key, by_tail = defaultdict(set), defaultdict(set)
    for pk, title in Document.objects.visible().exclude(pk=document.pk).values_list("pk", "title"):
        key = normalize_title(title)
        by_key[key].add(pk)
        if tail := without_issuer(key):
            by_tail[tail].add(pk)
    matches = {
        key: by_key[key] | by_tail[key] | by_key.get(without_issuer(key), set())
        for key in citations
    }
    found = Document.objects.select_related("region__parent__parent").in_bulk(
        set().union(*matches.values())
    )
    for key, citation in citations.items():
        citation.documents = _by_document_order(found[pk] for pk in matches[key] if pk in found)
    # A 文号 adds what the titles did not find: a document cited by its number
    # alone, or under a title written too differently to match.
    named = {cited.pk for citation in citations.values() for cited in citation.documents}
    for citation in numbered:
        citation.documents = [cited for cited in citation.documents if cited.pk not in named]
        named.update(cited.pk for cited in citation.documents)
    return list(citations.values()) + [c for c in numbered if c.documents]


def _cited_by_number(document: Document, clauses: list[Clause]) -> list[Citation]:
    """A Citation for each 文号 that ``document``'s clauses cite and the base
    holds (a 文号 the base lacks says little without its title)."""
    cited = [
        (number, clause)
        for clause in clauses
        for number in cited_numbers(clause.text)
        if not (document.doc_number and names_number(number, document.doc_number))
    ]
    if not cited:
        return []
    # Only documents whose 文号 holds a cited year and serial are read.
    holds = Q()
    for (_, year, serial), _ in cited:
        holds |= Q(doc_number__contains=year) & Q(doc_number__regex=rf"\D{serial}\s*[号號]")
    numbered = Document.objects.visible().exclude(pk=document.pk).filter(holds)
    by_serial = defaultdict(list)
    for other in numbered.select_related("region__parent__parent"):
        if own := number_parts(other.doc_number):
            by_serial[own[1:]].append(other)
    citations: dict[int, Citation] = {}
    for number, clause in cited:
        for other in by_serial.get(number[1:], []):
            if not names_number(number, other.doc_number):
                continue
            if other.pk in citations:
                citations[other.pk].count += 1
            else:
                citations[other.pk] = Citation(other.doc_number, [other], clause)
    return list(citations.values())


@dataclass
class CitingDocument:
    document: Document
    clause: Clause | None  # the first clause that cites; None when the title does


# A phrase this short would find too many clauses to check one by one.
MIN_NEEDLE = 4
# At most this many clauses are read to find the documents that cite one title.
MAX_CITING_CLAUSES = 300


def citing_documents(document: Document) -> list[CitingDocument]:
    """Documents of the base that cite ``document`` in their title or clauses.

    The search index finds the clauses that contain the longest run of Chinese
    characters of the normalised title as a phrase (it folds scripts and matches
    across punctuation, as the citation may have quotes where the title has
    none); only those clauses are read and their citations compared with the
    title. Titles that cite (关于印发《…》的通知) are few, and are read from the
    database.
    """
    key = normalize_title(document.title)
    searched = without_issuer(key) or key
    needle = max(CJK_RUN.findall(searched), key=len, default="")
    citing: dict[int, CitingDocument] = {}
    quoting_titles = Document.objects.visible().filter(title__contains="《").exclude(pk=document.pk)
    for other in quoting_titles.select_related("region__parent__parent"):
        if any(same_policy(t, document.title) for t, _ in extract_citations([other.title])):
            citing[other.pk] = CitingDocument(other, None)
    if len(needle) >= MIN_NEEDLE:
        clauses = all_matching_clauses(f'"{needle}"', Filters())
        for clause in itertools.islice(clauses, MAX_CITING_CLAUSES):
            if clause.document_id == document.pk or clause.document_id in citing:
                continue
            cited = extract_citations([clause.text])
            if any(same_policy(title, document.title) for title, _ in cited):
                citing[clause.document_id] = CitingDocument(clause.document, clause)
    for clause in _clauses_citing_number(document):
        if clause.document_id != document.pk and clause.document_id not in citing:
            citing[clause.document_id] = CitingDocument(clause.document, clause)
    return sorted(citing.values(), key=lambda c: -(c.document.publish_date or _NO_DATE).toordinal())


def _clauses_citing_number(document: Document):
    """Clauses that cite ``document``'s 文号. The index finds those holding its
    year, serial and 号 in a row (2023〕11号: the bracket is no token, so any
    bracket and script match); each is then checked with names_number."""
    own = number_parts(document.doc_number)
    if own is None or len(own[0]) < MIN_NUMBER_PREFIX:
        return
    _, year, serial = own
    clauses = all_matching_clauses(f'"{year}〕{serial}号"', Filters())
    for clause in itertools.islice(clauses, MAX_CITING_CLAUSES):
        if any(names_number(number, document.doc_number) for number in cited_numbers(clause.text)):
            yield clause


@dataclass
class Related:
    document: Document
    score: float
    shared_words: list[str]


# Title similarity ranks; the instrument mix then reorders the best of them.
MIX_POOL = 3
# Below this, titles share a common word or two (数据, 资源) and no topic.
MIN_TITLE_SCORE = 0.2
MIX_WEIGHT = 0.3
# A part of a longer word (资源 of 自然资源) says less about the topic than a
# word of its own: 自然资源 and 数据资源 are different subjects.
PART_WEIGHT = 0.35


def title_weights(title: str, places: frozenset[str]) -> dict[str, float]:
    """The topic words of a title, each 1, or PART_WEIGHT for a part of a
    longer one; places (and their parts) left out."""
    weights: dict[str, float] = {}
    for word, *parts in title_keywords(title):
        if is_place_word(word, places):
            continue
        weights[word] = 1.0
        for part in parts:
            weights[part] = max(weights.get(part, 0.0), PART_WEIGHT)
    return weights


def related_documents(document: Document, limit: int = 8) -> list[Related]:
    """Documents on the same subject as ``document``, of its doc_type (when it
    has one), from other places: another region or, for a national text,
    another issuing body (ministries act for their sectors as provinces for
    their territories, so 自然资源部's and 财政部's 数据安全管理办法 are related).

    What a document is about is its title's topic words, weighed by how rare
    they are among all the titles of the base (数据 weighs little in a base
    of data policies, 数据安全 a lot) and by whether a word is whole or a
    part of a longer one, compared by cosine; then, among the best
    ``MIX_POOL * limit``, the mix of policy instruments its clauses use
    (structural clauses left out), where both have clauses.
    """
    places = region_words(Region.objects.values_list("name", flat=True))
    own = title_weights(document.title, places)
    if not own:
        return []
    # Document frequencies over the whole base, one title per policy.
    titles = {
        normalize_title(title): title
        for title in Document.objects.visible().values_list("title", flat=True)
    }
    frequency = Counter(word for title in titles.values() for word in title_weights(title, places))
    total = len(titles) + 1

    def vector(weights: dict[str, float]) -> dict[str, float]:
        return {
            w: weight * (math.log((1 + total) / (1 + frequency[w])) + 1)
            for w, weight in weights.items()
        }

    # One document per policy: a compilation lists some twice (its table of
    # contents and its body); the one with full text is kept.
    weights_of, seen = {}, {normalize_title(document.title)}
    for pk, title in (
        _other_places(document).order_by("-has_full_text", "pk").values_list("pk", "title")
    ):
        if (key := normalize_title(title)) not in seen:
            seen.add(key)
            weights_of[pk] = title_weights(title, places)
    own_vector = vector(own)
    scored = [(cosine(own_vector, vector(weights)), pk) for pk, weights in weights_of.items()]
    best = sorted((item for item in scored if item[0] >= MIN_TITLE_SCORE), reverse=True)
    best = best[: MIX_POOL * limit]
    if not best:
        return []
    mixes = _instrument_mixes([document.pk, *(pk for _, pk in best)])
    own_mix = mixes.get(document.pk)
    ranked = []
    for score, pk in best:
        if own_mix and mixes.get(pk):
            score = (1 - MIX_WEIGHT) * score + MIX_WEIGHT * score * cosine(own_mix, mixes[pk])
        else:
            # Unknown mix (a table-of-contents entry): count it as an average match.
            score = (1 - MIX_WEIGHT / 2) * score
        ranked.append((score, pk))
    ranked.sort(key=lambda item: (-item[0], item[1]))
    chosen = ranked[:limit]
    found = Document.objects.select_related("region__parent__parent").in_bulk(
        [pk for _, pk in chosen]
    )
    return [
        Related(found[pk], round(score, 3), _shown_words(own.keys() & weights_of[pk], own_vector))
        for score, pk in chosen
    ]


def _other_places(document: Document):
    """The visible documents of ``document``'s doc_type from another place:
    another region, or, both national, no issuing body in common."""
    candidates = Document.objects.visible().exclude(pk=document.pk)
    if document.doc_type:
        candidates = candidates.filter(doc_type=document.doc_type)
    if document.region_id is None:
        return candidates.exclude(region=None)
    if document.region.level != Region.Level.NATIONAL:
        return candidates.exclude(region_id=document.region_id)
    same_body = Document.objects.filter(issuers__in=document.issuers.all()).values("pk")
    return candidates.exclude(region_id=document.region_id, pk__in=same_body)


def _shown_words(shared: set[str], weights: dict[str, float]) -> list[str]:
    """The shared words worth showing, weightiest first: 人工智能, not also 人工 and 智能."""
    whole = [w for w in shared if not any(w != other and w in other for other in shared)]
    return sorted(whole, key=lambda w: (-weights[w], w))


def _instrument_mixes(pks: list[int]) -> dict[int, dict[int, int]]:
    """Clause counts per policy instrument of each document, in one query;
    structural clauses (非政策工具, DESIGN §2) use none and are left out."""
    mixes: dict[int, dict[int, int]] = defaultdict(dict)
    rows = (
        Clause.objects.filter(document__in=pks, category__isnull=False)
        .exclude(category=STRUCTURAL)
        .values_list("document", "category")
        .annotate(n=Count("id"))
    )
    for document, category, n in rows:
        mixes[document][category] = n
    return mixes
