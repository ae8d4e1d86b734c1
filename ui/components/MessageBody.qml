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

    Repeater {
        model: body.segments
        delegate: Loader {
            required property var modelData
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
