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
mkdir -p "$work/data" "$work/models"
ln -s "$testdata/models/stories260K.gguf" "$work/models/stories260K.gguf"
# The conversation goes into the store the way a user would bring one: as a ChatGPT export,
# imported (here with confidant-cli; the app's Settings > Import does the same).
python3 - "$work/conversations.json" <<'PY'
import json, sys, time
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
t = time.time()
def node(id, parent, children, role=None, text=None, at=0.0):
    message = None if role is None else {
        "id": id, "author": {"role": role, "name": None, "metadata": {}}, "create_time": at,
        "content": {"content_type": "text", "parts": [text]}, "metadata": {}}
    return {"id": id, "message": message, "parent": parent, "children": children}
conversation = {"title": "Reverse a string in Python", "create_time": t, "update_time": t + 2,
                "current_node": "a", "id": "6790c3a2-1f0e-8000-9d1b-3c4f0a7e5b33",
                "mapping": {"root": node("root", None, ["q"]),
                            "q": node("q", "root", ["a"], "user", "How do I reverse a string in Python?", t + 1),
                            "a": node("a", "q", [], "assistant", reply, t + 2)}}
json.dump([conversation], open(sys.argv[1], "w"))
PY
"$build/app/confidant-cli" import --db "$work/data/confidant.db" "$work/conversations.json"
cat > "$work/data/settings.ini" <<INI
[General]
device=auto
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
# The sidebar's search: the store's full-text search, matched words in bold.
xdotool key ctrl+f
sleep 0.5
xdotool type --delay 20 "revers"
sleep 1.5
shot 08-search
stop

# 3. Dark theme.
sed -i 's/^device=auto/device=auto\ntheme=dark/' "$work/data/settings.ini"
start "$work/data" "$work/models"
sleep 3
shot 07-dark-theme
stop
echo "screenshots in $out"
