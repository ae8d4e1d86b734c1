// A message's text: Markdown prose (headings, lists, tables, links, inline code) and fenced code
// blocks, from the `segments` role of the message model.
import QtQuick
import QtQuick.Controls

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
        delegate: Loader {
            required property int index
            readonly property var modelData: body.segments[index] || { kind: "prose", text: "", language: "" }
            width: body.width
            sourceComponent: modelData.kind === "code" ? codeComponent : proseComponent
            Component {
                id: proseComponent
                TextEdit {
                    objectName: "proseText"
                    text: modelData.text
                    textFormat: TextEdit.MarkdownText
                    readOnly: true
                    selectByMouse: true
                    wrapMode: TextEdit.Wrap
                    color: body.textColor
                    selectionColor: Theme.selection
                    selectedTextColor: Theme.text
                    font.pointSize: Theme.fontSize
                    onLinkActivated: link => Qt.openUrlExternally(link)
                    HoverHandler { cursorShape: parent.hoveredLink !== "" ? Qt.PointingHandCursor : Qt.IBeamCursor }
                }
            }
            Component {
                id: codeComponent
                CodeBlock {
                    code: modelData.text
                    language: modelData.language
                    onCopyRequested: code => body.copyRequested(code)
                }
            }
        }
    }
}
