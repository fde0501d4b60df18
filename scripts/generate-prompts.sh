#!/usr/bin/env bash
# Generates the spoken digit prompts of the sip carrier: apps/voice/assets/prompts/{en,zh}/0..9.wav,
# 8 kHz mono 16-bit PCM, leading/trailing silence trimmed, normalised to -3 dBFS.
# Needs espeak-ng (voices `en` and `cmn-latn-pinyin`) and sox: apt-get install espeak-ng sox.
# The generated files are committed; run this again only to change them.
set -euo pipefail
cd "$(dirname "$0")/.."
out=apps/voice/assets/prompts
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

en=(zero one two three four five six seven eight nine)
# Mandarin as tone-numbered pinyin with the cmn-latn-pinyin voice: espeak-ng 1.51 reads several
# lone Hanzi (一, 零) through its English fallback, the pinyin voice gives the right syllables and tones.
zh=(ling2 yi1 er4 san1 si4 wu3 liu4 qi1 ba1 jiu3)

speak() { # voice text file
  espeak-ng -v "$1" -s 140 -a 180 -w "$tmp/raw.wav" "$2"
  sox "$tmp/raw.wav" -r 8000 -c 1 -b 16 -e signed-integer "$3" \
    silence 1 0.005 0.5% reverse silence 1 0.005 0.5% reverse norm -3
}

mkdir -p "$out/en" "$out/zh"
for d in 0 1 2 3 4 5 6 7 8 9; do
  speak en "${en[$d]}" "$out/en/$d.wav"
  speak cmn-latn-pinyin "${zh[$d]}" "$out/zh/$d.wav"
done
echo "espeak-ng $(espeak-ng --version | head -1 | awk '{print $4}'), sox $(sox --version | awk '{print $NF}')"
for f in "$out"/*/*.wav; do printf '%s %s s\n' "$f" "$(soxi -D "$f")"; done
