"""Find selectors in free text: chat logs, forum scrapes, officer notes, free-text fields.

Each pattern is a cheap, boundary-anchored candidate filter run once over the text;
every candidate is then validated by the type's normaliser (checksums, phone validity, TLD
list), so a look-alike with a bad checksum never becomes a selector. Extraction rules:

Speed: the text is scanned only for cheap anchors (`://`, `www.`, `@`, a dot before a letter
or digit, `::`, `+`/`00` before a digit, `:`/`=` after a label word, found on the reversed
lower-cased text, phone words, long hex/Base58 runs); the token around each anchor is then
cut out and classified. The patterns live in `patterns`.

- URLs need a scheme (`http`, `https`, `ftp`, defanged `hxxp`) or a `www.` start; trailing
  sentence punctuation and an unbalanced `)` are trimmed. A URL whose host is an `.onion`
  that is not a valid v3 address (checksum, version) is not taken, as the onion is not.
- A token ends at whitespace, quotes, brackets, commas, semicolons and `|`; so does a URL.
- Domains are taken only outside URLs and e-mail addresses and only with a TLD from the
  built-in list (`network.KNOWN_TLDS`); a few country TLDs that are also common file
  extensions (`py`, `sh`, `ps`, `cs`, `pm`, `mp`) are skipped in free text; a bare
  `name.md` or `name.rs` (two labels: Markdown's and Rust's extensions) is a file name,
  while `www.x.md` or `files.x.rs` (a subdomain) is a domain.
- A dotted quad right after a version word (`version`, `ver.`, `v`, `build`, `release`,
  `firmware`, `версия`, `сборка`, ...) is a version number, not an IPv4 address.
- An e-mail address whose domain is reserved for examples (RFC 2606/6761: `example.com`,
  `*.test`, ...) and whose local part names the slot to fill (`your.name`, `yourname`,
  `name`, `user`, `email`, ...) is a template's placeholder and not taken; other addresses at
  example domains are taken (the warning list flags them).
- Phone numbers are taken when written internationally (`+` or `00`) or, for national
  writing, when a phone word (`tel`, `phone`, `call`, `whatsapp`, `тел.`, `телефон`, `моб.`,
  `сот.`, `вотсап`, `звоните`, `номер`, ...) precedes them; the default region then decides
  the country. A "number" that names a parcel, an order, an account or a document
  (`tracking number`, `order number`, `invoice number`, `трек-номер`, `номер заказа`) is no
  phone word. `00` + country code is international writing whatever the default region
  (Russia dials `810`, but `00` is written there too), when the region's reading is invalid.
- 40 hex digits are a PGP fingerprint when `fingerprint`, `pgp` or `gpg` appears just before
  them (or when written in ten groups of four), a SHA-1 otherwise; a hex run right after a
  version-control word (`commit`, `коммит`, `revision`, `rev`, `changeset`) is a commit id
  and no selector; `0x` + 16 hex is a PGP
  key id, `0x` + 40 hex an Ethereum address.
- Handles are taken from labels (`telegram: @x`, `wickr: x`, forum `user: x`, `author: x`,
  `gebruiker: x`, `автор: x`), forum phrases (`posted by x`, `geplaatst door x`, `user x on
  <site>`) and profile URLs (`t.me/x`, `twitter.com/x`, `reddit.com/u/x`, `u/x`); a bare `@x`
  is not a selector because its platform is unknown.
- An armoured PGP public key block yields the v4 fingerprint of its first key.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from wayhome.intake.selectors import patterns
from wayhome.intake.selectors.crypto import (
    normalise_btc,
    normalise_eth,
    normalise_onion,
    normalise_xmr,
)
from wayhome.intake.selectors.handles import (
    normalise_handle,
    normalise_messenger_id,
    tox_checksum_ok,
)
from wayhome.intake.selectors.keys import (
    normalise_pgp_fingerprint,
    pgp_fingerprint_of_key_block,
)
from wayhome.intake.selectors.network import (
    has_known_tld,
    normalise_domain,
    normalise_email,
    normalise_ipv4,
    normalise_ipv6,
    normalise_url,
)
from wayhome.intake.selectors.phone import normalise_phone
from wayhome.intake.selectors.platforms import MESSENGER_ALIASES
from wayhome.intake.selectors.types import Selector, SelectorType


class _Spans:
    """Characters already taken by URLs, e-mail addresses and labelled ids (one byte each)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._mask: bytearray | None = None

    def add(self, start: int, end: int) -> None:
        if self._mask is None:
            self._mask = bytearray(self._size)
        self._mask[start:end] = b"\x01" * (end - start)

    def covers(self, start: int, end: int) -> bool:
        mask = self._mask
        return mask is not None and end > start and bool(mask[start]) and bool(mask[end - 1])


def _token(text: str, pos: int) -> tuple[int, int]:
    """Bounds of the separator-free token around `pos`, trailing punctuation trimmed."""
    start = pos
    floor = max(0, pos - patterns.MAX_TOKEN)
    while start > floor and text[start - 1] not in patterns.SEPARATORS:
        start -= 1
    tail = patterns.TOKEN_TAIL.match(text, pos)
    end = tail.end() if tail else pos
    while end > start and text[end - 1] in patterns.TRAILING:
        end -= 1
    return start, end


def _tokens(text: str, pattern: re.Pattern[str]) -> Iterator[tuple[int, int]]:
    last: tuple[int, int] | None = None
    for match in pattern.finditer(text):
        if last is not None and last[0] <= match.start() < last[1]:
            continue
        last = _token(text, match.start())
        if last[1] > last[0]:
            yield last


def _selector(kind: SelectorType, value: str, text: str, start: int, end: int) -> Selector:
    return Selector(type=kind, value=value, original=text[start:end], start=start, end=end)


def _trim_url(candidate: str) -> str:
    text = candidate.rstrip(patterns.TRAILING)
    while text.endswith(")") and text.count("(") < text.count(")"):
        text = text[:-1].rstrip(patterns.TRAILING)
    return text


class _Extraction:
    """One pass over one text; collects selectors and the spans they take."""

    def __init__(self, text: str, region: str | None, forum_platform: str) -> None:
        self.text = text
        self.region = region
        self.forum_platform = forum_platform
        self.taken = _Spans(len(text))
        self.labelled = _Spans(len(text))
        self.found: list[Selector] = []
        lowered = text.lower()
        if len(lowered) != len(text):
            lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
        self.lowered = lowered

    def add(self, kind: SelectorType, value: str, start: int, end: int) -> None:
        self.found.append(_selector(kind, value, self.text, start, end))

    def urls(self) -> None:
        text = self.text
        seen: set[int] = set()
        for start, end in [*_tokens(text, patterns.SCHEME), *_tokens(self.lowered, patterns.WWW)]:
            token = text[start:end]
            scheme = patterns.SCHEME_START.search(token)
            if scheme is not None:
                offset = scheme.start()
            else:
                www = patterns.WWW.search(token.lower())
                if www is None or (www.start() and token[www.start() - 1] not in ":="):
                    continue
                offset = www.start()
            url_start = start + offset
            raw = _trim_url(text[url_start:end])
            if url_start in seen:
                continue
            seen.add(url_start)
            url_end = url_start + len(raw)
            canonical = normalise_url(raw)
            if canonical is None:
                continue
            host = canonical.split("://", 1)[1].split("/", 1)[0].rsplit("@", 1)[-1]
            host = host.split("]:", 1)[0].strip("[]") if host.startswith("[") else host
            host = host.split(":", 1)[0] if host.count(":") == 1 else host
            onion = normalise_onion(host)
            if onion is None and host.endswith(".onion"):
                continue  # not a valid v3 onion, so not taken as a URL either
            self.taken.add(url_start, url_end)
            self.add(SelectorType.URL, canonical, url_start, url_end)
            self.profile(url_start, url_end)
            for kind, value in (
                (SelectorType.ONION, onion),
                (SelectorType.IPV4, normalise_ipv4(host)),
                (SelectorType.IPV6, normalise_ipv6(host)),
            ):
                if value is not None:
                    self.add(kind, value, url_start, url_end)

    def after(self, start: int, label: re.Pattern[str]) -> bool:
        """Whether `label` ends right before `start` on the same line (lower-cased text)."""
        lowered = self.lowered
        floor = max(0, start - 40)
        line_start = lowered.rfind("\n", floor, start) + 1
        return label.search(lowered, max(floor, line_start), start) is not None

    def profile(self, start: int, end: int) -> bool:
        match = patterns.PROFILE.match(self.text, start, end)
        if match is None:
            return False
        handle = match.group(2).rstrip(patterns.TRAILING)
        if handle.lower() in patterns.PROFILE_STOPWORDS:
            return False
        canonical = normalise_handle(handle, match.group(1))
        if canonical is None:
            return False
        self.add(SelectorType.HANDLE, canonical, start, match.start(2) + len(handle))
        return True

    def keywords(self) -> None:
        reversed_text = self.lowered[::-1]
        last = len(reversed_text) - 1
        for match in patterns.SEPARATED_LABEL.finditer(reversed_text):
            word = match.group(1)[::-1]
            value_at = last - match.start() + 1
            if word in patterns.PGP_WORDS:
                self.spaced_fingerprint(value_at)
            else:
                self.label(word, value_at)
        if self.region is not None:
            lowered = self.lowered
            for word_start, end in _word_spans(lowered, patterns.PHONE_WORDS):
                line_start = lowered.rfind("\n", max(0, word_start - 30), word_start) + 1
                before = lowered[max(line_start, word_start - 30) : word_start]
                if patterns.NOT_PHONE_BEFORE.search(before) or patterns.NOT_PHONE_AFTER.match(
                    lowered, end
                ):
                    continue  # "tracking number 4957701234", "номер заказа 1234567890"
                self.national_phone(end)

    def label(self, word: str, pos: int) -> None:
        match = patterns.LABEL_VALUE.match(self.text, pos)
        if match is None:
            return
        raw = match.group(1).rstrip(patterns.TRAILING)
        start, end = match.start(1), match.start(1) + len(raw)
        if word in MESSENGER_ALIASES:
            canonical = normalise_messenger_id(raw, word)
            kind = SelectorType.MESSENGER_ID
        else:
            if "@" in raw.lstrip("@") or ":" in raw:
                return
            platform = self.forum_platform if word in patterns.GENERIC_LABELS else word
            canonical = normalise_handle(raw, platform)
            kind = SelectorType.HANDLE
        if canonical is not None:
            self.taken.add(start, end)
            self.labelled.add(start, end)
            self.add(kind, canonical, start, end)

    def spaced_fingerprint(self, pos: int) -> None:
        match = patterns.SPACED_FINGERPRINT.match(self.text, pos)
        if match is not None:
            canonical = normalise_pgp_fingerprint(match.group(1))
            if canonical is not None:
                self.labelled.add(*match.span(1))
                self.add(SelectorType.PGP_FINGERPRINT, canonical, *match.span(1))

    def national_phone(self, pos: int) -> None:
        if self.region is None:
            return
        match = patterns.PHONE_AFTER_WORD.match(self.text, pos)
        if match is None or self.taken.covers(*match.span(1)):
            return
        self.phone_candidate(match.group(1), match.start(1))

    def phone_candidate(self, raw: str, start: int) -> bool:
        parts = raw.split()
        for cut in range(min(3, len(parts))):
            candidate = " ".join(parts[: len(parts) - cut]) if cut else raw
            if _holds_ipv4(candidate):
                continue  # "+8 198.51.100.14": a dotted quad is an address, not a phone
            phone = normalise_phone(candidate, self.region)
            if phone is not None:
                self.taken.add(start, start + len(candidate))
                self.add(SelectorType.PHONE, phone, start, start + len(candidate))
                return True
        return False

    def international_phones(self) -> None:
        for pattern in (patterns.PHONE_PLUS, patterns.PHONE_00):
            for match in pattern.finditer(self.text):
                if not self.taken.covers(*match.span()):
                    self.phone_candidate(match.group(0), match.start())

    def at_tokens(self) -> None:
        text = self.text
        for start, end in _tokens(text, patterns.AT):
            if self.taken.covers(start, end):
                continue
            for match in patterns.EMAIL.finditer(text, start, end):
                if self.taken.covers(*match.span()):
                    continue
                canonical = normalise_email(match.group(0))
                if canonical is not None and _placeholder_address(canonical):
                    self.taken.add(*match.span())
                elif canonical is not None:
                    self.taken.add(*match.span())
                    self.add(SelectorType.EMAIL, canonical, *match.span())
            for match in patterns.MATRIX.finditer(text, start, end):
                if self.taken.covers(*match.span()):
                    continue
                canonical = normalise_messenger_id(match.group(0), "matrix")
                if canonical is not None:
                    self.taken.add(*match.span())
                    self.add(SelectorType.MESSENGER_ID, canonical, *match.span())

    def dot_tokens(self) -> None:
        text = self.text
        for start, end in _tokens(text, patterns.DOT):
            if self.taken.covers(start, end) or self.profile(start, end):
                continue
            for match in patterns.ONION.finditer(text, start, end):
                onion = normalise_onion(match.group(0))
                if onion is not None:
                    self.add(SelectorType.ONION, onion, *match.span())
            for match in patterns.IPV4.finditer(text, start, end):
                ipv4 = normalise_ipv4(match.group(0))
                if ipv4 is not None and not self.after(match.start(), patterns.VERSION_BEFORE):
                    self.add(SelectorType.IPV4, ipv4, *match.span())
            for match in patterns.DOMAIN.finditer(text, start, end):
                if self.taken.covers(*match.span()):
                    continue
                domain = normalise_domain(match.group(0))
                if domain is None or domain.endswith(".onion") or not has_known_tld(domain):
                    continue
                tld = domain.rsplit(".", 1)[-1]
                if tld in patterns.FILE_LIKE_TLDS:
                    continue
                if tld in patterns.FILE_NAME_TLDS and domain.count(".") == 1:
                    continue  # "readme.md": a file name
                self.add(SelectorType.DOMAIN, domain, *match.span())

    def colon_tokens(self) -> None:
        text = self.text
        for start, end in _tokens(text, patterns.COLONS):
            if self.taken.covers(start, end):
                continue
            for match in patterns.IPV6.finditer(text, start, end):
                raw = match.group(0).rstrip(".")
                if raw.count(":") < 2:
                    continue
                ipv6 = normalise_ipv6(raw)
                if ipv6 is not None:
                    self.add(SelectorType.IPV6, ipv6, match.start(), match.start() + len(raw))

    def forum_phrases(self) -> None:
        """Handles in forum writing without a colon: `posted by x`, `user x on <site>`."""
        lowered = self.lowered
        if not any(word in lowered for word in patterns.PHRASE_ANCHORS):
            return
        matches = [*patterns.FORUM_PHRASE.finditer(lowered)]
        if ":" in lowered:
            matches += patterns.QUOTE_HEADER.finditer(lowered)
        for match in matches:
            start, end = match.span(1)
            raw = self.text[start:end].rstrip(patterns.TRAILING)
            if raw.lower() in patterns.PHRASE_STOPWORDS or self.taken.covers(start, end):
                continue
            site = match.group(2) if match.re is patterns.FORUM_PHRASE else None
            site = site.rstrip(patterns.TRAILING) if site else None
            if site in patterns.PHRASE_STOPWORDS:
                site = None
            canonical = normalise_handle(raw, site or self.forum_platform)
            if canonical is not None:
                end = start + len(raw)
                self.taken.add(start, end)
                self.labelled.add(start, end)
                self.add(SelectorType.HANDLE, canonical, start, end)

    def key_blocks(self) -> None:
        """The v4 fingerprint of each armoured public key block (its span is the block)."""
        lowered = self.lowered
        at = lowered.find(patterns.KEY_BLOCK)
        while at != -1:
            end_at = lowered.find("-----end pgp public key block-----", at)
            if end_at == -1:
                return
            end = end_at + len("-----end pgp public key block-----")
            self.labelled.add(at, end)
            fingerprint = pgp_fingerprint_of_key_block(self.text[at:end])
            if fingerprint is not None:
                self.add(SelectorType.PGP_FINGERPRINT, fingerprint, at, end)
            at = lowered.find(patterns.KEY_BLOCK, end)

    def reddit_short(self) -> None:
        for match in patterns.REDDIT_SHORT.finditer(self.text):
            start = match.start() - (
                1 if match.start() and self.text[match.start() - 1] == "/" else 0
            )
            if self.taken.covers(start, match.end()):
                continue
            canonical = normalise_handle(match.group(1), "reddit")
            if canonical is not None:
                self.add(SelectorType.HANDLE, canonical, start, match.end())

    def long_runs(self) -> None:
        text = self.text
        size = len(text)
        for match in patterns.LONG_RUN.finditer(text):
            start, end = match.span()
            if (start and text[start - 1].isalnum()) or (end < size and text[end].isalnum()):
                continue
            run = match.group(0)
            if patterns.HEX_DIGITS.fullmatch(run):
                if not self.labelled.covers(start, end) and not (
                    run[:2] not in ("0x", "0X") and self.after(start, patterns.COMMIT_BEFORE)
                ):
                    found = _hex_run(text, match)
                    if found is not None:
                        self.found.append(found)
            elif patterns.BECH32_RUN.fullmatch(run):
                btc = normalise_btc(run)
                if btc is not None:
                    self.add(SelectorType.BTC, btc, start, end)
            elif patterns.BASE58_RUN.fullmatch(run):
                self.base58_run(run, start, end)

    def base58_run(self, run: str, start: int, end: int) -> None:
        if len(run) in (95, 106):
            xmr = normalise_xmr(run)
            if xmr is not None:
                self.add(SelectorType.XMR, xmr, start, end)
        elif 25 <= len(run) <= 35:
            btc = normalise_btc(run)
            if btc is not None:
                self.add(SelectorType.BTC, btc, start, end)


def _holds_ipv4(text: str) -> bool:
    """True when a valid dotted-quad IPv4 address stands in the text."""
    return any(normalise_ipv4(m.group(0)) for m in patterns.IPV4.finditer(text))


def _placeholder_address(address: str) -> bool:
    """Whether a canonical address is a template's placeholder (`your.name@example.com`)."""
    local, _, domain = address.rpartition("@")
    reserved = domain.rsplit(".", 1)[-1] in patterns.RESERVED_EXAMPLE_TLDS or any(
        domain == d or domain.endswith("." + d) for d in patterns.RESERVED_EXAMPLE_DOMAINS
    )
    return reserved and (
        local in patterns.PLACEHOLDER_LOCALS
        or local.startswith(patterns.PLACEHOLDER_LOCAL_PREFIXES)
    )


def _word_spans(lowered: str, words: list[str]) -> Iterator[tuple[int, int]]:
    """Start and end offsets of whole-word occurrences (`str.find` beats a regex here)."""
    size = len(lowered)
    for word in words:
        length = len(word)
        pos = lowered.find(word)
        while pos != -1:
            end = pos + length
            if not (pos and lowered[pos - 1].isalpha()) and not (
                end < size and lowered[end].isalpha()
            ):
                yield pos, end
            pos = lowered.find(word, end)


def _context(text: str, start: int, words: tuple[str, ...]) -> bool:
    before = text[max(0, start - 40) : start].lower()
    return any(word in before for word in words)


def _hex_run(text: str, match: re.Match[str]) -> Selector | None:
    whole = match.group(0)
    prefixed = whole[:2] in ("0x", "0X") and len(whole) in (18, 42)
    digits = whole[2:] if prefixed else whole
    start, end = match.span()
    length = len(digits)
    kind: SelectorType | None = None
    value = digits.lower()
    if prefixed:
        if length == 40:
            eth = normalise_eth(whole)
            return None if eth is None else _selector(SelectorType.ETH, eth, text, start, end)
        kind, value = SelectorType.PGP_KEY_ID, digits.upper()
    elif length == 16 and _context(text, start, patterns.KEY_CONTEXT):
        kind, value = SelectorType.PGP_KEY_ID, digits.upper()
    elif length == 32:
        kind = SelectorType.MD5
    elif length == 40:
        if _context(text, start, patterns.PGP_CONTEXT):
            kind, value = SelectorType.PGP_FINGERPRINT, digits.upper()
        else:
            kind = SelectorType.SHA1
    elif length == 64:
        kind = SelectorType.SHA256
    elif length == 66 and value.startswith("05"):
        kind, value = SelectorType.MESSENGER_ID, "session:" + value
    elif length == 76 and tox_checksum_ok(value):
        kind, value = SelectorType.MESSENGER_ID, "tox:" + value
    if kind is None:
        return None
    return _selector(kind, value, text, start, end)


def extract_selectors(
    text: str, *, region: str | None = None, forum_platform: str = "forum"
) -> list[Selector]:
    """Every selector found in `text`, in order of position, each with its span.

    `region` is the default region (ISO 3166 alpha-2) for national phone numbers;
    `forum_platform` is the platform given to handles labelled only `user:` or `nick:`.
    """
    run = _Extraction(text, region, forum_platform)
    run.key_blocks()
    run.urls()
    run.keywords()
    run.forum_phrases()
    run.at_tokens()
    run.international_phones()
    run.dot_tokens()
    run.colon_tokens()
    run.reddit_short()
    run.long_runs()
    unique = {(s.start, s.end, s.type, s.value): s for s in run.found}
    return sorted(unique.values(), key=lambda s: (s.start or 0, s.end or 0, s.type.value))
