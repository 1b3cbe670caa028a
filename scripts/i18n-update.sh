#!/usr/bin/env bash
# Extract the marked messages (babel.cfg) and merge them into each catalogue under
# src/wayhome/web/locale; new messages arrive untranslated, changed ones fuzzy, gone ones
# obsolete (#~). Translate those, then run tests/web/test_i18n_catalogues.py, which fails
# while any message lacks a translation or a catalogue keeps a fuzzy or obsolete entry.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${VENV:-.venv}
locale_dir=src/wayhome/web/locale
template=$(mktemp --suffix=.pot)
trap 'rm -f "$template"' EXIT
"$venv/bin/pybabel" --quiet extract -F babel.cfg --no-location --sort-output \
  --project=Wayhome --copyright-holder="Wayhome" -o "$template" .
for lang in ru de nl; do
  po="$locale_dir/$lang/LC_MESSAGES/messages.po"
  if [ -f "$po" ]; then
    "$venv/bin/pybabel" --quiet update --no-wrap --ignore-obsolete \
      -i "$template" -d "$locale_dir" -l "$lang"
  else
    "$venv/bin/pybabel" --quiet init --no-wrap -i "$template" -d "$locale_dir" -l "$lang"
  fi
done
