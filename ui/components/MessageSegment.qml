// One segment of a message: Markdown prose, or a fenced code block (CodeBlock).
import QtQuick
import Confidant
import Confidant.Core

Loader {
    id: root
    // { kind: "prose" | "code", text, language }
    property var segment: ({ kind: "prose", text: "", language: "" })
    property color textColor: Theme.text
    signal copyRequested(string code)

    sourceComponent: segment.kind === "code" ? codeComponent : proseComponent

    // The components reach `root` by id. `pragma ComponentBehavior: Bound` would tell qmllint
    // that this is safe, but Qt 6.4's Loader then refuses to instantiate them, so the check is
    // disabled for these two components only.
    // qmllint disable unqualified
    Component {
        id: proseComponent
        TextEdit {
            objectName: "proseText"
            text: root.segment.text
            textFormat: TextEdit.MarkdownText
            readOnly: true
            selectByMouse: true
            wrapMode: TextEdit.Wrap
            color: root.textColor
            selectionColor: Theme.selection
            selectedTextColor: Theme.text
            font.pointSize: Theme.fontSize
            onLinkActivated: link => Qt.openUrlExternally(link)
            ProseStyler {
                document: parent.textDocument
                codePointSize: Theme.fontSize
                linkColor: Theme.link
                codeBackground: Theme.codeBackground
            }
            HoverHandler { cursorShape: parent.hoveredLink !== "" ? Qt.PointingHandCursor : Qt.IBeamCursor }
        }
    }
    Component {
        id: codeComponent
        CodeBlock {
            code: root.segment.text
            language: root.segment.language
            onCopyRequested: code => root.copyRequested(code)
        }
    }
    // qmllint enable unqualified
}
