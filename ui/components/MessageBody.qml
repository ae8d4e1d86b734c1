// A message's text: Markdown prose (headings, lists, tables, links, inline code) and fenced code
// blocks, from the `segments` role of the message model.
pragma ComponentBehavior: Bound
import QtQuick
import Confidant

Column {
    id: body
    property var segments: []
    property color textColor: Theme.text
    signal copyRequested(string text)
    spacing: Theme.spacing

    // The model is the count, not the array: while a reply streams, the segments keep their
    // delegates and only the changed text re-lays out (an array model would rebuild them all).
    Repeater {
        model: body.segments.length
        delegate: MessageSegment {
            required property int index
            width: body.width
            segment: body.segments[index] || { kind: "prose", text: "", language: "" }
            textColor: body.textColor
            onCopyRequested: code => body.copyRequested(code)
        }
    }
}
