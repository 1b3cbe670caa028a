"""The account platforms: one key per platform, and every name sources use for it.

An online account is one selector, `platform:identifier`, whichever format names it (STIX
`user-account`, MISP account objects, CyberTipline `espService`/`espIdentifier`/`screenName`,
a handle in free text). The platform is one key of `PLATFORMS`; every alias below — STIX's
`account-type-ov` vocabulary, MISP object names and `account-type` values, ESP and service
names as tiplines write them, web domains — resolves to it. Rules (`docs/intake-accounts.md`):

- A name is NFKC-folded, lower-cased, its spaces collapsed; a URL or domain loses its scheme,
  `www.`/`m.` and path; a trailing ` account`/`-account`/` user`/` inc.`-style word goes.
- A listed name or domain resolves to its key; a subdomain of a listed domain too.
- Anything else — a forum's or small site's name, an onion host, a word like `forum`,
  `board`, `unknown`, or no platform at all — is `forum`: an account on a site outside this
  list. Sources name such sites in many ways (an onion host, a brand, "the board", nothing),
  so naming them would split one account into several; the name as written is kept with the
  occurrence, and two such accounts with one identifier are taken to be one.
- Messenger services (`MESSENGERS`) give `messenger_id` selectors with their own id rules.
"""

from __future__ import annotations

import re
import unicodedata

GENERIC = "forum"

# key -> aliases (the key itself is always an alias). Domains are listed without `www.`.
PLATFORMS: dict[str, tuple[str, ...]] = {
    "telegram": ("tg", "t.me", "telegram.me", "telegram.org", "telegram messenger"),
    "twitter": ("x", "x.com", "twitter.com", "x corp", "twitter inc", "twitter-id"),
    "instagram": ("insta", "ig", "instagram.com", "instagram direct"),
    "facebook": (
        "fb",
        "facebook.com",
        "fb.com",
        "facebook messenger",
        "messenger",
        "meta",
        "meta platforms",
    ),
    "whatsapp": ("wa", "wa.me", "whatsapp.com", "whatsapp messenger"),
    "tiktok": ("tiktok.com", "musical.ly", "bytedance"),
    "snapchat": ("snap", "snapchat.com", "snap inc"),
    "kik": ("kik.me", "kik.com", "kik messenger", "kik interactive"),
    "discord": ("discord.com", "discord.gg", "discordapp", "discordapp.com"),
    "reddit": ("reddit.com",),
    "github": ("github.com", "github-username", "github-user"),
    "gitlab": ("gitlab.com", "gitlab-user"),
    "youtube": ("youtube.com", "youtu.be"),
    "vk": ("vk.com", "vkontakte", "вконтакте", "вк"),
    "ok": ("ok.ru", "odnoklassniki", "одноклассники"),
    "twitch": ("twitch.tv",),
    "roblox": ("roblox.com",),
    "steam": ("steamcommunity.com", "steampowered.com"),
    "omegle": ("omegle.com",),
    "tumblr": ("tumblr.com",),
    "pinterest": ("pinterest.com",),
    "linkedin": ("linkedin.com",),
    "wechat": ("weixin", "wechat.com"),
    "line": ("line.me",),
    "viber": ("viber.com",),
    "keybase": ("keybase.io",),
    "google": ("google.com", "gmail", "gmail.com", "google llc"),
    "microsoft": ("microsoft.com", "microsoft corporation", "outlook.com", "hotmail.com"),
    "yahoo": ("yahoo.com",),
    "dropbox": ("dropbox.com",),
    "mega": ("mega.nz", "mega.io"),
    # STIX 2.1 account-type-ov: system and directory accounts.
    "ldap": (),
    "nis": (),
    "openid": (),
    "radius": (),
    "tacacs": (),
    "unix": (),
    "windows-local": ("windows local",),
    "windows-domain": ("windows domain",),
    GENERIC: (
        "board",
        "message board",
        "messageboard",
        "bbs",
        "imageboard",
        "dark web forum",
        "darknet forum",
        "onion forum",
        "hidden forum",
        "site",
        "website",
        "unknown",
        "other",
        "user",
        "account",
        "none",
        "n/a",
        "esp",
    ),
}
# Messenger services: their ids follow the service's own rules (`handles.normalise_messenger_id`).
MESSENGERS: dict[str, tuple[str, ...]] = {
    "session": ("session messenger", "getsession.org"),
    "tox": (),
    "wickr": ("wickr me", "wickrme", "wickr.com"),
    "threema": ("threema.ch",),
    "matrix": ("element", "matrix.org", "element.io"),
    "xmpp": ("jabber", "jabber-id"),
    "signal": ("signal.org", "signal messenger"),
    "skype": ("skype.com", "microsoft skype"),
}

_SUFFIXES = (" account", "-account", " user", "-user", " inc.", " inc", " llc", " ltd", " corp.")
_URL_HEAD = re.compile(r"^[a-z][a-z0-9+.-]*://")


def _table(groups: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {alias: key for key, aliases in groups.items() for alias in (key, *aliases)}


PLATFORM_ALIASES = _table(PLATFORMS)
MESSENGER_ALIASES = _table(MESSENGERS)


def _folded(name: str) -> str:
    """A platform name as looked up: folded, lower-case, one space, no URL decoration."""
    text = unicodedata.normalize("NFKC", name).lower().replace(",", " ").replace("®", "")
    text = " ".join(text.split())
    if _URL_HEAD.match(text) or "/" in text:
        text = _URL_HEAD.sub("", text).split("/", 1)[0]
    for prefix in ("www.", "m.", "mobile."):
        text = text.removeprefix(prefix)
    return text.rstrip(".")


def _lookup(text: str) -> str | None:
    """The key of a folded name (a listed alias, a subdomain of a listed domain), or None."""
    for candidate in (text, text.replace("_", " "), text.replace("-", " ")):
        for table in (PLATFORM_ALIASES, MESSENGER_ALIASES):
            if candidate in table:
                return table[candidate]
    for suffix in _SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            return _lookup(text[: -len(suffix)])
    if "." in text:
        labels = text.split(".")
        for start in range(1, len(labels) - 1):
            parent = ".".join(labels[start:])
            found = PLATFORM_ALIASES.get(parent) or MESSENGER_ALIASES.get(parent)
            if found is not None:
                return found
    return None


def platform_key(name: str | None) -> str:
    """The platform key of any written platform, service or site name (`forum` if unlisted)."""
    if name is None:
        return GENERIC
    return _lookup(_folded(name)) or GENERIC


def messenger_key(name: str | None) -> str | None:
    """The messenger service key of a written name, or None when it is not a messenger."""
    if not name:
        return None
    key = _lookup(_folded(name))
    return key if key in MESSENGERS else None


def platform_of_url(url: str) -> str | None:
    """The listed platform whose domain a URL or bare host names, None for other sites."""
    text = _folded(url)
    if "." not in text:
        return None
    key = _lookup(text.split(":", 1)[0])
    return key if key is not None and key != GENERIC else None
