#!/usr/bin/env bash
# Regenerates the clips in lib/media/fixtures/ that the server-side probe tests read (see the README there).
# The outputs are committed; run this only to change them. Still colour bars, a high CRF and no audio keep each
# one small (under 50 KB, except the header-last clip).
set -euo pipefail
cd "$(dirname "$0")/../lib/media/fixtures"
ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }

# clip NAME WxH SECONDS FPS [extra ffmpeg output options…]: H.264 still colour bars (tiny), no audio.
clip() {
  local name=$1 size=$2 secs=$3 fps=$4
  shift 4
  ff -f lavfi -i "smptebars=size=${size}:rate=${fps}:duration=${secs}" \
     -c:v libx264 -preset veryfast -crf 45 -pix_fmt yuv420p -g "$fps" "$@" "$name"
}

# Fits both models: 1280×720 (16:9, 720p), 5 s, 24 fps, header (moov) first.
clip fit-1280x720.mp4 1280x720 5 24 -movflags +faststart
# 1280×720, 5 s, with the header written last (ffmpeg's default): the probe needs a read at the tail. Noise makes
# the media data ~470 KB, so the header is far past the probe's first 64 KiB read.
ff -f lavfi -i "testsrc2=size=1280x720:rate=24:duration=5" -f lavfi -i "nullsrc=size=1280x720:rate=24" \
   -filter_complex "[1]geq=random(1)*255:128:128[n];[0][n]blend=all_mode=overlay:all_opacity=0.5,format=yuv420p" \
   -t 5 -c:v libx264 -preset veryfast -crf 38 -g 24 moov-at-end.mp4
# A phone clip: stored 1280×720 with a 90° rotation, so it displays as 720×1280 (9:16).
# ffmpeg 5 writes the rotation matrix only when stream-copying, hence the second step.
clip rotated-phone.tmp.mp4 1280x720 5 30
ff -i rotated-phone.tmp.mp4 -c copy -metadata:s:v:0 rotate=90 -movflags +faststart rotated-phone.mp4
rm rotated-phone.tmp.mp4
# A QuickTime .mov, 1280×720.
clip quicktime.mov 1280x720 5 24 -f mov
# A fragmented MP4 (empty moov, one fragment per keyframe), 1280×720.
clip fragmented.mp4 1280x720 5 24 -movflags frag_keyframe+empty_moov+default_base_moof
# 12 s: too long for Kling (3–10 s); Veo takes it.
clip long-12s.mp4 1280x720 12 24 -movflags +faststart
# 2 s: too short for Kling.
clip short-2s.mp4 1280x720 2 24 -movflags +faststart
# 1440×1080 (4:3): fine for Kling (720–2160 px each side), not for Veo (16:9 or 9:16 only).
clip four-three-1440x1080.mp4 1440x1080 5 24 -movflags +faststart
# 640×480: too small for Kling, and neither 720p/1080p nor 16:9 for Veo.
clip small-640x480.mp4 640x480 5 24 -movflags +faststart
# 15 fps: Kling's 24–60 fps is only stated by other vendors, so this is a warning, not a refusal.
clip fps15-1280x720.mp4 1280x720 5 15 -movflags +faststart
# A WebM (VP8): measurable, but not a container Kling takes (MP4/MOV only).
ff -f lavfi -i "smptebars=size=1280x720:rate=24:duration=5" -c:v libvpx -b:v 50k -g 24 webm-1280x720.webm

# Reference images for the image probe (Kling's image rules are other vendors': warnings only).
img() { ff -f lavfi -i "smptebars=size=$2:rate=1" -frames:v 1 "${@:3}" "$1"; }
img image-768x1024.jpg 768x1024 -q:v 8
img image-200x150.png 200x150
img image-1200x400.jpg 1200x400 -q:v 8
img image-600x600.webp 600x600 -quality 40
ls -l
