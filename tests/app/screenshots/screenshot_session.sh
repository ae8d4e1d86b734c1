#!/usr/bin/env bash
# Runs inside Xvfb (see take_screenshots.sh): starts confidant on fresh temporary folders, drives
# it with xdotool and captures the screen with ImageMagick's import.
set -euo pipefail
build=$1
out=$2
testdata=$3
app="$build/app/desktop/confidant"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

shot() {  # shot NAME: the app's window, as a small PNG
  import -window "$win" "$work/raw.png"
  convert "$work/raw.png" -colors 256 "PNG8:$out/$1.png"
}

start() {  # start DATA MODELS: launches the app and waits for its window
  "$app" --data-dir "$1" --models-dir "$2" > "$work/app.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 60); do
    if xdotool search --onlyvisible --name "Confidant" > /dev/null 2>&1; then break; fi
    sleep 0.5
  done
  sleep 2
  win=$(xdotool search --onlyvisible --name "Confidant" | tail -1)
  xdotool windowfocus --sync "$win" || true
  sleep 1
}

stop() { kill "$pid"; wait "$pid" || true; }

# 1. First run: no model anywhere.
start "$work/empty-data" "$work/empty-models"
shot 01-empty-state
# Models page onboarding: the "Models" entry at the bottom of the sidebar.
xdotool mousemove 60 634 click 1
sleep 1
shot 02-models-onboarding
stop

# 2. With stories260K and a conversation with Markdown and code.
mkdir -p "$work/data/conversations" "$work/models"
ln -s "$testdata/models/stories260K.gguf" "$work/models/stories260K.gguf"
now=$(date -u +%Y-%m-%dT%H:%M:%S.000Z)
python3 - "$work/data/conversations/conversation-1.json" "$now" <<'PY'
import json, sys
path, now = sys.argv[1], sys.argv[2]
reply = """## Reversing a string

Two common ways, from **simplest** to *most flexible*:

1. Slicing with a negative step
2. `reversed()` joined back into a string

| Method | Speed | Unicode-safe |
|---|---|---|
| `s[::-1]` | fast | code points |
| `''.join(reversed(s))` | slower | code points |

```python
def reverse(s: str) -> str:
    return s[::-1]

print(reverse("Confidant"))  # tnadifnoC
```

See the [Python docs](https://docs.python.org/3/) for more."""
conv = {"format": "confidant-conversation", "version": 1, "id": 1, "title": "Reverse a string in Python",
        "titleFromUser": True, "pinned": False, "created": now, "updated": now, "model": "",
        "settings": {"systemPrompt": "", "temperature": 0.8, "topP": 0.95, "topK": 40, "minP": 0.05,
                     "repeatPenalty": 1.0, "maxTokens": 96, "contextSize": 512, "seed": -1},
        "selectedChild": {},
        "messages": [
            {"id": 1, "parentId": 0, "role": "user", "text": "How do I reverse a string in Python?", "created": now},
            {"id": 2, "parentId": 1, "role": "assistant", "text": reply, "created": now,
             "generation": {"promptTokens": 18, "reusedPromptTokens": 0, "generatedTokens": 142,
                            "timeToFirstToken": 0.21, "tokensPerSecond": 38.5, "finishReason": "stop",
                            "model": "example", "backend": "cpu", "device": "CPU", "droppedTurns": 0}}]}
json.dump(conv, open(path, "w"))
PY
cat > "$work/data/settings.ini" <<INI
[General]
device=cpu
lastConversation=1
defaultModel=$work/models/stories260K.gguf
maxTokens=96
contextSize=512
INI
start "$work/data" "$work/models"
sleep 3
shot 03-chat-markdown
# A real streamed reply from stories260K in a new chat (click the composer, Ctrl+N, type, Enter).
xdotool mousemove 600 677 click 1
sleep 0.5
xdotool key ctrl+n
sleep 1
xdotool type --delay 20 "Tell me a story about a cat"
xdotool key Return
sleep 4
shot 04-chat-streamed-reply
xdotool mousemove 60 634 click 1
sleep 1.5
shot 05-models-page
xdotool key ctrl+comma
sleep 1
shot 06-settings
stop

# 3. Dark theme.
sed -i 's/^device=cpu/device=cpu\ntheme=dark/' "$work/data/settings.ini"
start "$work/data" "$work/models"
sleep 3
shot 07-dark-theme
stop
echo "screenshots in $out"
