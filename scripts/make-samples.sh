#!/usr/bin/env bash
# Regenerates the sample media in public/samples/ with ffmpeg (Debian's package).
# The outputs are committed; run this only to change them. Each file stays under 1 MB.
set -euo pipefail
cd "$(dirname "$0")/../public/samples"
font=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf
ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }

# clip NAME WxH SECONDS SOURCE LABEL: an H.264/AAC MP4 at 24 fps with a moving test pattern and a tone.
clip() {
  local name=$1 size=$2 secs=$3 src=$4 label=$5
  ff -f lavfi -i "${src}=size=${size}:rate=24:duration=${secs}" \
     -f lavfi -i "sine=frequency=440:sample_rate=44100:duration=${secs}" \
     -vf "drawtext=fontfile=${font}:text='${label}':fontsize=h/14:fontcolor=white:box=1:boxcolor=black@0.55:boxborderw=12:x=(w-tw)/2:y=h*0.78" \
     -c:v libx264 -preset veryslow -crf 36 -g 12 -pix_fmt yuv420p -movflags +faststart \
     -c:a aac -b:a 48k -shortest "$name"
}

clip landscape-16x9.mp4 1280x720 5 testsrc2 'Retake sample 16\:9 · 5 s'
clip portrait-9x16.mp4 720x1280 5 testsrc2 'Retake 9\:16 · 5 s'
clip too-short-2s.mp4 1280x720 2 testsrc2 'Too short · 2 s'
clip small-640x480.mp4 640x480 5 testsrc2 '640×480 · 4\:3'
# What the simulator returns as a "result": visibly different from the inputs.
clip result-16x9.mp4 1280x720 5 smptehdbars 'Simulated result 16\:9'
clip result-9x16.mp4 720x1280 5 smptehdbars 'Simulated result 9\:16'

# Reference images, at least 300 px on each side.
ff -f lavfi -i "mandelbrot=size=768x1024:rate=1" -frames:v 1 -q:v 6 subject-portrait.jpg
ff -f lavfi -i "cellauto=size=1024x768:rate=1:rule=110" -frames:v 1 -vf "hue=s=3,eq=saturation=2" -q:v 6 texture-landscape.jpg
ff -f lavfi -i "gradients=size=600x600:rate=1:c0=0xff7a18:c1=0x3a1c71:n=2" -frames:v 1 palette-square.png
ls -l
