"""Word lists and candidate patterns for free-text extraction (see `extract` for the rules).

Each pattern is chosen so Python's regex engine can skip ahead cheaply: it starts with a
literal or a small character class (`://`, `@`, `.`, `+`, `[:=]` on the reversed text), and the
boundary checks come after the first character.
"""

from __future__ import annotations

import re

HANDLE_LABELS = [
    "telegram",
    "tg",
    "twitter",
    "instagram",
    "insta",
    "ig",
    "tiktok",
    "snapchat",
    "snap",
    "kik",
    "discord",
    "reddit",
    "github",
    "facebook",
    "fb",
    "vk",
    "username",
    "user",
    "nickname",
    "nick",
    "handle",
    "author",
    "auteur",
    "gebruiker",
    "gebruikersnaam",
    "benutzer",
    "benutzername",
    "autor",
    "пользователь",
    "ник",
    "автор",
]
MESSENGER_LABELS = "wickr threema session tox matrix element jabber xmpp signal skype"
PHONE_WORDS = [
    "tel",
    "phone",
    "mobile",
    "mob",
    "cell",
    "call",
    "text",
    "sms",
    "whatsapp",
    "viber",
    "telefon",
    "téléphone",
    "telephone",
    "handy",
    "móvil",
    "movil",
    "nummer",
    "number",
    "тел",
    "телефон",
    "телефона",
    "телефону",
    "моб",
    "мобильный",
    "мобильного",
    "сот",
    "сотовый",
    "сотового",
    "вотсап",
    "ватсап",
    "вацап",
    "вайбер",
    "звоните",
    "звонить",
    "звони",
    "номер",
]
# A "number" that names a parcel, an order, an account or a document, not a line: the phone
# word is not a phone context when one of these stands just before it ("tracking number",
# "трек-номер") or, for the Russian "номер", just after it ("номер заказа").
NOT_PHONE_BEFORE = re.compile(
    r"(?<![^\W\d_])(?:tracking|track|order|invoice|parcel|package|shipment|shipping|consignment"
    r"|reference|ref|account|acct|serial|case|ticket|transaction|booking|confirmation|customer"
    r"|policy|receipt|item|model|part|waybill|sendungs|трек|треки)[ \t\-.]{0,3}$"
)
NOT_PHONE_AFTER = re.compile(
    r"[ \t]{0,3}(?:заказа|посылки|отправления|отслеживания|сч[её]та|карты|накладной|трека"
    r"|договора|паспорта|дела|квитанции|транзакции|платежа)(?![^\W\d_])"
)
# A dotted quad right after a version word is a version number, not an address
# ("version 10.2.3.4", "v. 4.11.2.9", "сборка 1.2.3.4"); the label may end in `:`/`#`.
VERSION_BEFORE = re.compile(
    r"(?<![^\W\d_])(?:version|versie|versión|versao|versão|ver|v|build|release|firmware|fw"
    r"|верси[яиюей]|верс|сборк[аиуое]|релиз|прошивк[аиуое])\.?[ \t]{0,3}[:#=]?[ \t]{0,3}$"
)
# A hex run right after a version-control word is a commit id, not a file hash or a key
# ("commit 51bee257…", "git commit: …", "коммит …", "rev …").
COMMIT_BEFORE = re.compile(
    r"(?<![^\W\d_])(?:commit|commits|коммит|коммита|коммите|revision|rev|changeset|ревизи[яи])"
    r"\.?(?:[ \t]{1,3}(?:id|hash|sha|sha-?1))?[ \t]{0,3}[:#=]?[ \t]{0,3}$"
)
# Country-code TLDs that are also everyday file extensions and stand in text far more often as
# a file name than as a site: Markdown (`readme.md`) and Rust (`main.rs`). A bare `name.md`
# (two labels, no scheme, path or e-mail around it) is read as a file name; with a subdomain
# (`www.x.md`, `files.x.rs`) or in a URL or an address it is a domain.
FILE_NAME_TLDS = frozenset({"md", "rs"})
# An e-mail address is a template's placeholder, not anyone's address, when its domain is
# reserved for examples (RFC 2606/6761) and its local part names the slot for the reader to
# fill ("your.name@example.com"); other addresses at example domains are kept (and flagged).
PLACEHOLDER_LOCALS = frozenset(
    {"name", "user", "username", "user.name", "user_name", "email", "e-mail", "mail"}
    | {"you", "someone", "somebody", "anyone", "first.last", "firstname.lastname"}
    | {"firstname", "lastname", "name.surname", "john.doe", "jane.doe", "address"}
)
PLACEHOLDER_LOCAL_PREFIXES = ("your", "ваш")
RESERVED_EXAMPLE_DOMAINS = ("example.com", "example.net", "example.org")
RESERVED_EXAMPLE_TLDS = ("example", "test", "invalid", "localhost")
PGP_WORDS = ["fingerprint", "fpr", "pgp", "gpg"]


LABEL_WORDS = sorted(
    {*HANDLE_LABELS, *MESSENGER_LABELS.split(), *PGP_WORDS}, key=lambda w: (-len(w), w)
)
# Labels are found on the reversed, lower-cased text, so the scan starts from the rare `:`/`=`
# (a cheap first-character search) and reads the label word backwards from there.
SEPARATED_LABEL = re.compile(
    r"[:=][ \t]{0,3}(?:di ?|em ?)?("
    + "|".join(re.escape(word[::-1]) for word in LABEL_WORDS)
    + r")(?![^\W\d_])"
)
LABEL_VALUE = re.compile(r"[ \t]{0,3}(@?[\w.\-#@:]{1,100})")
PHONE_AFTER_WORD = re.compile(r"[^\d+\n]{0,15}?(\(?\d[\d \-().]{5,18}\d)(?!\w)")
SPACED_FINGERPRINT = re.compile(
    r"[^\n0-9A-Fa-f]{0,30}((?:[0-9A-Fa-f]{4}[ \u00a0]{1,2}){9}[0-9A-Fa-f]{4})(?![0-9A-Za-z])"
)
SCHEME = re.compile(r"://")
SCHEME_START = re.compile(r"(?:[hH][tTxX]{2}[pP][sS]?|[fF][tT][pP])://")
WWW = re.compile(r"www\.")
AT = re.compile(r"@")
DOT = re.compile(r"\.[A-Za-z0-9]")
COLONS = re.compile(r"::|:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:")
REDDIT_SHORT = re.compile(r"u/(?<![\w/]u/)(?<!\w/u/)([A-Za-z0-9_-]{3,20})\b")
TOKEN_TAIL = re.compile(r"[^\s<>\"'`()\[\]{},;|]{0,400}")
EMAIL = re.compile(r"(?<![\w.+%-])[\w.+%-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,24}\b")
MATRIX = re.compile(r"@[\w.=/+-]+:[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
PROFILE = re.compile(
    r"(?i)(?:https?://)?(?:www\.|m\.|mobile\.)?"
    r"(t\.me|telegram\.me|twitter\.com|x\.com|instagram\.com|tiktok\.com|reddit\.com"
    r"|github\.com|facebook\.com|kik\.me|vk\.com)/(?:u/|user/|@)?([\w.\-]{1,64})"
)
ONION = re.compile(r"(?i)(?<![a-z2-7])[a-z2-7]{56}\.onion\b")
IPV4 = re.compile(
    r"(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
    r"(?![\w]|\.\d)"
)
IPV6 = re.compile(r"(?<![\w:.])[0-9A-Fa-f]{0,4}:[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*(?![\w:])")
DOMAIN = re.compile(
    r"(?i)(?<![\w.@-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}"
    r"(?![\w@-]|\.[a-z0-9])"
)
LONG_RUN = re.compile(r"[0-9A-Za-z]{16,106}")
HEX_DIGITS = re.compile(r"(?:0[xX])?[0-9a-fA-F]+")
BASE58_RUN = re.compile(r"[12348mn][1-9A-HJ-NP-Za-km-z]+")
BECH32_RUN = re.compile(r"(?:bc|tb|BC|TB)1[02-9ac-hj-np-zAC-HJ-NP-Z]+")
PHONE_PLUS = re.compile(r"\+(?<![\w+]\+)\d[\d \-().]{5,20}\d(?!\w)")
PHONE_00 = re.compile(r"00(?<![\w+]00)[1-9][\d \-().]{4,19}\d(?!\w)")
PGP_CONTEXT = ("fingerprint", "pgp", "gpg", "fpr")
KEY_CONTEXT = ("key id", "keyid", "key-id", "pgp", "gpg")
FILE_LIKE_TLDS = frozenset({"py", "sh", "ps", "cs", "pm", "mp"})
GENERIC_LABELS = frozenset(
    {"username", "user", "nickname", "nick", "handle", "author", "auteur", "gebruiker"}
    | {"gebruikersnaam", "benutzer", "benutzername", "autor", "пользователь", "ник", "автор"}
)
# Forum writing without a colon: "posted by x", "geplaatst door x", "user x on <site>".
FORUM_PHRASE = re.compile(
    r"(?<![\w])(?:(?:posted|post|written|geplaatst|gepost|geschreven|gepostet) (?:by|door|von):?"
    r"|(?:bericht|reactie) van|profile of|profiel van|profil von"
    r"|(?:user|gebruiker|benutzer|member|lid)(?= @?[\w.\-]{2,64} (?:on|op|auf|at) ))"
    r" @?([\w.\-]{2,64})(?: (?:on|op|auf|at) ([\w.\-]{2,80}))?"
)
# A quoted post's header at the start of a line or after `]`/`|`: "korsak_77 wrote:".
QUOTE_HEADER = re.compile(
    r"(?:^|(?<=[\]|>] ))@?([\w.\-]{2,64}) (?:wrote|schreef|schrieb|писал|написал|написала):",
    re.MULTILINE,
)
PHRASE_ANCHORS: tuple[str, ...] = (" by", " door", " von", " on ", " op ", " van ", " of ")
PHRASE_ANCHORS += ("wrote:", "schreef:", "schrieb:", "писал:", "написал:", "написала:")
PHRASE_STOPWORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "this",
        "that",
        "who",
        "which",
        "account",
        "accounts",
        "name",
        "profile",
        "id",
        "is",
        "was",
        "has",
        "had",
        "and",
        "or",
        "not",
        "of",
        "with",
        "said",
        "says",
        "wrote",
        "me",
        "him",
        "her",
        "them",
        "us",
        "you",
        "de",
        "het",
        "een",
        "die",
        "der",
        "das",
        "ein",
        "eine",
        "he",
        "she",
        "they",
        "we",
        "i",
        "hij",
        "zij",
        "ze",
        "ik",
        "wij",
        "er",
        "sie",
        "wir",
        "ich",
        "он",
        "она",
        "они",
        "я",
    }
)
KEY_BLOCK = "-----begin pgp public key block-----"
PROFILE_STOPWORDS = frozenset(
    {"share", "joinchat", "home", "search", "hashtag", "i", "intent", "login", "s", "c", "r"}
)
SEPARATORS = frozenset(" \t\n\r\f\v<>\"'`()[]{},;|")
TRAILING = ".,;:!?'\""
MAX_TOKEN = 400
