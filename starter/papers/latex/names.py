"""What the paper calls its own method: names from the title (its acronym, the words
before a colon), from the sentences that propose it ("we present SRGAN", "our model (X)",
"we call it X"), and from the macros that spell it (\\newcommand{\\method}{X})."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from starter.papers.latex.expand import Document

# Acronyms that name a field or a tool, never a paper's own method.
GENERIC = frozenset(
    "gpu gpus tpu tpus cpu ai ml nlp cv rl sota api llm llms cnn cnns rnn rnns gan gans vae "
    "vaes mlp mlps lm lms mcmc sgd imagenet cifar coco mnist wmt glue url ii iii iv "
    # tasks, not methods
    "asr tts ocr nmt mt qa vqa ner pos nli nlu nlg slu ctr did sr "
    # the paper's own parts: "our approach (Section 4)" names no method
    "section sections sec table tables figure figures fig appendix eq equation".split()
)
# Words a method's name often ends with that its table rows leave out ("TC-flow" -> "TC").
TRAILING = frozenset("flow flows model models network networks net method approach".split())
OURS = re.compile(r"(?<![a-z])(?:ours|our|proposed|this work|this paper)(?![a-z])")
_PROPOSE = re.compile(
    r"\b(?:we|this paper|this work|our)\b[^.]{0,120}?\b(?:propose|present|introduce|develop|"
    r"design|derive|call|term|name|dub|coin)\w*|\b(?:called|termed|named|dubbed|coined)\b",
    re.I,
)
# "we present SRGAN, a ...": the name right after the verb.
_PRESENT = re.compile(
    r"\b(?:we|this paper|this work)\s+(?:\w+\s+){0,2}?(?:propose|present|introduce|develop|design)"
    r"\w*\s+(?:(?:a|an|the)\s+(?:new|novel)\s+\w+\s*,?\s*|(?:a|an|the)\s+(?:[a-z-]+\s+){0,2}?)?"
    r"([A-Z][\w-]*[A-Z0-9][\w-]*|[a-z]{2,}\d[a-z]{2,}\d*\b|[a-z]+[A-Z]{2,}[\w-]*)",
)
# "our 16 blocks deep ResNet (SRResNet)", "we refer to this network as SRGAN".
_OURS_NAMED = re.compile(r"\bour\b[^.()]{0,60}?\(([^()]{1,25})\)", re.I)
# Anywhere in the paper: "our proposed ASR-BN-ROB model", "the proposed method (X)",
# "X (Proposed)", "X (ours)"; not "our own implementation of REBAR".
_PROPOSED = re.compile(
    r"\b(?:our|the)\s+(?:proposed|own|new)\s+"
    r"(?:(?!(?:re-?)?implementation\b|version\b|runs?\b)[a-z]+\s+){0,2}?\(?([A-Z][\w-]*[A-Z0-9][\w-]*)"
    r"|\b([A-Z][\w-]*[A-Z0-9][\w-]*)\s*\((?:proposed|ours)\)",
)
_REFER = re.compile(r"\b(?:we|I)\s+(?:refer to|denote)\b[^.]{0,80}?\bas\s+([A-Z][\w-]*)")
# A name in parentheses after these words is a baseline's ("standard logistic regression (LR)").
_BASELINE_WORDS = re.compile(
    r"\b(?:standard|baselines?|conventional|traditional|vanilla|classical|classic|existing|"
    r"plain|regular|ordinary|previous|prior)\b[^,;()]{0,40}$",
    re.I,
)
# Macros a paper defines for its own method's name (\method, \ours, \modelname, \system).
_NAME_MACRO = re.compile(
    r"method|model|ours|name|system|algo|approach|framework|net$|tool|parser", re.I
)


# A title's word capitalized to spell its acronym ("COntrastive LEarning"): a word, not a name.
_SPELLING = re.compile(r"^[A-Z]{2,3}[a-z]{5,}$")


def tokens(text: str) -> list[str]:
    """Lower-case words of a text, with math letters read as letters (𝒯C -> tc), and a
    name in capitals written onto a lower-case prefix read apart ("wordGREEN" -> word
    green, as "charGREEN" is the same method on characters)."""
    plain = _CAPITALS_AFTER_WORD.sub(r"\1 ", unicodedata.normalize("NFKC", text)).lower()
    return re.findall(r"[a-z]+|[0-9]+", plain)


# A lower-case word of 3+ letters run into 2+ capitals that end the word.
_CAPITALS_AFTER_WORD = re.compile(r"\b([a-z]{3,})(?=[A-Z]{2,}\b)")


def _contains(haystack: list[str], needle: list[str]) -> bool:
    n = len(needle)
    return n > 0 and any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


def _name_like(word: str) -> bool:
    word = unicodedata.normalize("NFKC", word).strip(".,;:()[]{}'\"")
    if not word or len(word) > 30 or word.lower() in GENERIC or _SPELLING.match(word):
        return False
    parts = [p for p in word.split("-") if p]
    if re.fullmatch(r"[a-z]{2,}\d[a-z]{2,}\d*", word):
        return True  # "lib2vec", "node2vec"
    return any(
        sum(ch.isupper() for ch in p) >= 2 or (any(ch.isdigit() for ch in p) and p[0].isupper())
        for p in parts
    )


def _plain(doc: Document) -> str:
    text = doc.text[doc.body_start : doc.body_end]
    # small capitals print a name's lowercase letters as capitals: \textsc{dan} is "DAN"
    text = re.sub(r"\\textsc\s*\{([^{}]*)\}", lambda m: m.group(1).upper(), text)
    text = re.sub(r"\\(?:mathcal|mathbb|mathrm|mathbf|textbf|emph|textit)\b", "", text)
    return re.sub(r"\\[A-Za-z@]+\*?|[{}$]", " ", text)


def method_names(doc: Document, title: str, abstract: str, intro: str) -> list[str]:
    """The names the paper gives its own method: the one it most often calls "our
    proposed X" first, then the most used."""
    found: list[str] = []
    title = unicodedata.normalize("NFKC", title or "")
    head, colon, _ = title.partition(":")
    if colon and len(head.split()) <= 3:
        found.append(head.strip())
    found += [w for w in re.split(r"[\s:,]+", title) if _name_like(w)]
    words = [w for w in re.split(r"[\s:,]+", title) if w]
    body = _plain(doc)
    body_tokens = tokens(body)
    for size in (2, 3, 4, 5):
        for i in range(len(words) - size + 1):
            run = words[i : i + size]
            letters = [p[0] for w in run for p in w.split("-") if p]
            if all(ch.isupper() for ch in letters):
                # "Deep Interest Network" -> DIN; written with hyphens too (MH-GAN).
                spelled = "-?".join(letters)
                uses = re.findall(rf"(?<![\w-]){spelled}(?![\w])", body)
                if len(uses) >= 2:
                    found.append(Counter(uses).most_common(1)[0][0])
    found += _title_acronyms(body, words)
    found += _macro_names(doc)
    proposals = [m.group(1) or m.group(2) for m in _PROPOSED.finditer(body)]
    found += proposals
    for sentence in re.split(r"(?<=[.!?])\s+", f"{abstract} {intro}"):
        found += [m.group(1).strip() for m in _OURS_NAMED.finditer(sentence)]
        found += [m.group(1) for m in _PRESENT.finditer(sentence)]
        found += [m.group(1) for m in _REFER.finditer(sentence)]
        if not _PROPOSE.search(sentence):
            continue
        for paren in re.finditer(r"\(([^()]{1,25})\)", sentence):
            inner = paren.group(1).strip()
            if _BASELINE_WORDS.search(sentence[max(0, paren.start() - 60) : paren.start()]):
                continue
            short = bool(inner) and len(inner.split()) <= 3 and inner.lower() not in GENERIC
            if short and any(ch.isupper() for ch in inner) and not re.search(r"\d{4}|et al", inner):
                found.append(inner)
        for match in re.finditer(r"\b(?:the|a|an)\s+([A-Z][\w-]+)", sentence):
            found.append(match.group(1))
        for match in re.finditer(
            r"\b(?:called|termed|named|dubbed|coined|term|call|name|dub)\s+([A-Z][\w-]*)", sentence
        ):
            found.append(match.group(1))
    names: list[str] = []
    for name in found:
        if not _name_like(name) and name.strip() != head.strip() and not _proper(body, name):
            continue
        words_of = tokens(name)
        while len(words_of) > 1 and words_of[-1] in TRAILING:
            words_of = words_of[:-1]
        if not words_of or " ".join(words_of) in GENERIC or _metric_word(name):
            continue
        if _dataset(body, name):
            continue
        key = " ".join(words_of)
        if key in names:
            continue
        if name.strip() == head.strip() or _count(body_tokens, words_of) >= 2:
            names.append(key)
    proposed = Counter(" ".join(tokens(name)) for name in proposals)
    names = [k for k in names if proposed[k] or not _cited(doc.text, k)]
    return sorted(names, key=lambda k: (-proposed[k], -_count(body_tokens, k.split())))


def _title_acronyms(body: str, title_words: list[str]) -> list[str]:
    """A short name the text gives to the title's first words ("semiparametric clustering
    (SP-B)" in a paper titled "Semiparametric Clustering Methods for ..."; not "population
    Gibbs (BPG)", a baseline's, in "Amortized Population Gibbs Samplers")."""
    title = {w.lower() for w in title_words if len(w) > 3}
    if not title_words or len(title_words[0]) <= 3:
        return []
    first = title_words[0].lower()
    out = []
    for match in re.finditer(r"((?:[A-Za-z][\w-]*\s+){2,4})\(([A-Z][\w-]{1,15})\)", body):
        words = match.group(1).lower().split()
        used = [w for w in words if w in title]
        short = match.group(2)
        named = len(used) >= 2 and used[0] == first and words[-1] in title
        if named and short.lower() not in title:
            out.append(short)
    return out


def _cited(text: str, key: str) -> bool:
    """A name the paper cites as it writes it ("REBAR~\\cite{t17}", "the REBAR method
    \\citep{t17}"): another work's."""
    spelled = r"[\s-]*".join(map(re.escape, key.split()))
    kind = r"(?:\s+(?:method|model|approach|estimator|algorithm|network|framework|technique)s?)?"
    pattern = rf"(?<![\w-]){spelled}{kind}\s*~?\s*\(?\\\w*cite\w*\s*[\[{{]"
    return re.search(pattern, text, re.I) is not None


# Words of a title that name a field, a task or a kind of model, not this paper's method.
_COMMON = frozenset(
    """a an the of for with without and or on in to from by via using towards toward beyond
    into over under at as is are be can do does not how what when why which new novel
    learning learn learned deep neural network networks net nets model models modeling
    modelling representation representations classification detection recognition
    segmentation generation estimation prediction training trained train analysis approach
    approaches method methods framework frameworks task tasks benchmark benchmarks problem
    problems system systems application applications based self supervised unsupervised
    semi weakly zero one few shot low high large scale small data dataset datasets text texts
    image images video videos language languages graph graphs sequence sequences time series
    efficient fast faster scalable robust simple improved improving better end
    multi cross online offline optimal optimization inference structured structure
    object objects visual vision natural document documents word words sentence sentences
    make making fill blanks all need""".split()
)


def title_words(title: str, doc: Document) -> list[str]:
    """When the paper gives its method no name: the title's distinctive words the text
    uses ("mixture" in "Mixture-of-tastes Models for ..."), as weak names."""
    body_tokens = tokens(_plain(doc))
    out = []
    for word in tokens(unicodedata.normalize("NFKC", title or "")):
        if len(word) < 4 or word in _COMMON or word in GENERIC or word.isdigit() or word in out:
            continue
        if _count(body_tokens, [word]) >= 3:
            out.append(word)
    return out


def _macro_names(doc: Document) -> list[str]:
    """Bodies of macros that spell a method's name: named like one (\\newcommand{\\method}{X},
    \\parser{...} -> "TUPA_..."), or spelling their own name (\\newcommand{\\RELAX}{RELAX})."""
    out = []
    for name, macro in doc.macros.items():
        body = re.sub(r"\\(?:textsc|textbf|textrm|textsf|textnormal|mathrm|mathsf|emph|xspace)\b"
                      r"|[{}$\\~]", "", macro.body).strip()  # fmt: skip
        if macro.nargs == 0 and body.lower() == name.lower() and _name_like(body):
            out.append(body)
            continue
        if macro.nargs > 1 or not _NAME_MACRO.search(name):
            continue
        if macro.nargs == 1:  # \\parser{Sparse} -> "TUPA\\textsubscript{Sparse}": its first word
            body = re.split(r"[\s_^#]|textsubscript|textsuperscript", body)[0]
        if 1 < len(body) <= 30 and len(body.split()) <= 3 and not re.search(r"[#@&]", body):
            out.append(body)
    return out


def _dataset(body: str, name: str) -> bool:
    """A name the paper gives a dataset it introduces ("the NYTimes800k dataset",
    "NYTimes800k, the largest news captioning dataset"): its columns are not the method's."""
    word = re.escape(name.strip())
    return bool(
        re.search(
            rf"(?<![\w-]){word}(?:\s+|,\s+(?:a|an|the)\s+(?:[\w-]+\s+){{0,5}}?)"
            r"(?:dataset|corpus|benchmark|data set)s?\b",
            body,
        )
    )


def _metric_word(name: str) -> bool:
    """A metric's name (FID, BLEU) is never a method's."""
    from starter.papers.latex.sentences import _METRIC

    return any(pattern.fullmatch(name.strip()) for pattern, _, _ in _METRIC)


def _proper(body: str, name: str) -> bool:
    """A plain word is a name only if the paper capitalizes it nearly every time."""
    word = name.strip()
    if len(word) < 3 or not word[:1].isupper():
        return False
    hits = re.findall(rf"(?<![\w-]){re.escape(word)}(?![\w])", body, re.I)
    capital = sum(1 for h in hits if h[:1].isupper())
    return len(hits) >= 3 and capital >= 0.8 * len(hits)


def _count(haystack: list[str], needle: list[str]) -> int:
    n = len(needle)
    first = needle[0] if needle else ""
    return sum(1 for i, w in enumerate(haystack) if w == first and haystack[i : i + n] == needle)


def names_in(text: str, names: list[str]) -> bool:
    return name_in(text, names) is not None


def name_in(text: str, names: list[str]) -> str | None:
    """The most specific of the names the text holds ("deepseek v3" over "deepseek")."""
    words = tokens(text)
    found = [name for name in names if _contains(words, name.split())]
    return max(found, key=lambda name: len(name.split()), default=None)


def less_specific(found: set[str]) -> set[str]:
    """The names found that another name found contains: "deepseek" when "deepseek v3"
    names some rows, "wnnm" when "mc wnnm" does (the rows that match only the shorter
    name are the method's predecessors or baselines)."""
    return {
        short
        for short in found
        for long in found
        if long != short and _contains(long.split(), short.split())
    }


def is_ours(text: str) -> bool:
    return bool(OURS.search(unicodedata.normalize("NFKC", text).lower()))
