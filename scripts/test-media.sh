#!/usr/bin/env bash
# Test media for the fake camera and microphone of headless Chromium, generated (never committed) into the
# cache, idempotently (a second run only prints the paths):
#   <cache>/media/astronaut-640x480.y4m      2 s, 15 fps, yuv420p, from astronaut.png (NASA, public domain)
#   <cache>/media/grace_hopper-640x480.y4m   2 s, 15 fps, yuv420p, from grace_hopper_512x512.jpg (US Navy, public domain)
#   <cache>/media/speech-48k.wav             espeak-ng speech, 48 kHz mono s16 (~9 s)
# The face photos come from test/fixtures/faces.sh (extracted from Debian packages). Prints key=path lines.
# Needs ffmpeg and espeak-ng. Chromium loops both files.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${AFFECTCAST_CACHE_DIR:-$HOME/.cache/affectcast}
OUT="$CACHE/media"
mkdir -p "$OUT"

declare -A FACES
while IFS='=' read -r key path; do FACES[$key]=$path; done < <(AFFECTCAST_CACHE_DIR="$CACHE" bash "$ROOT/test/fixtures/faces.sh")

# A still portrait as a 640x480 "camera": scale to 640x640 and keep the middle 480 rows (the face).
make_y4m() { # <image> <output>
  local image="$1" out="$2"
  [ -s "$out" ] && return 0
  ffmpeg -hide_banner -loglevel error -nostdin -y -loop 1 -framerate 15 -i "$image" -t 2 \
    -vf "scale=640:640,crop=640:480:0:60,format=yuv420p" -pix_fmt yuv420p -f yuv4mpegpipe "$out.part"
  mv "$out.part" "$out"
}

make_speech() { # <output>
  local out="$1" raw
  [ -s "$out" ] && return 0
  raw=$(mktemp --suffix=.wav)
  espeak-ng -v en-us -s 150 -w "$raw" \
    "Hello, this is a synthetic test speaker for the affect cast media pipeline. One two three four five. The quick brown fox jumps over the lazy dog."
  ffmpeg -hide_banner -loglevel error -nostdin -y -i "$raw" -ar 48000 -ac 1 -c:a pcm_s16le -f wav "$out.part"
  rm -f "$raw"
  mv "$out.part" "$out"
}

make_y4m "${FACES[astronaut]}" "$OUT/astronaut-640x480.y4m"
make_y4m "${FACES[grace_hopper]}" "$OUT/grace_hopper-640x480.y4m"
make_speech "$OUT/speech-48k.wav"
echo "astronaut_y4m=$OUT/astronaut-640x480.y4m"
echo "grace_hopper_y4m=$OUT/grace_hopper-640x480.y4m"
echo "speech_wav=$OUT/speech-48k.wav"
echo "astronaut_png=${FACES[astronaut]}"
echo "grace_hopper_jpg=${FACES[grace_hopper]}"
