// A fenced code block: monospace, selectable, syntax-highlighted (CodeHighlighter), with the
// language and a Copy button.
import QtQuick
import QtQuick.Controls
import Confidant
import Confidant.Core

Rectangle {
    id: block
    property string code: ""
    property string language: ""
    // Whether the language has highlighting rules (an unknown one stays plain).
    readonly property bool highlighted: highlighter.known
    signal copyRequested(string code)

    objectName: "codeBlock"
    color: Theme.codeBackground
    radius: Theme.radius
    border.color: Theme.border
    implicitHeight: header.height + codeText.contentHeight + 16
    Accessible.role: Accessible.Grouping
    Accessible.name: qsTr("Code block %1").arg(language)

    Item {
        id: header
        anchors { left: parent.left; right: parent.right; top: parent.top }
        height: copyButton.implicitHeight
        Label {
            anchors { left: parent.left; leftMargin: 10; verticalCenter: parent.verticalCenter }
            text: block.language !== "" ? block.language : qsTr("code")
            color: Theme.mutedText
            font.pointSize: Theme.fontSize - 2
        }
        IconButton {
            id: copyButton
            objectName: "copyCodeButton"
            anchors.right: parent.right
            text: qsTr("Copy")
            tip: qsTr("Copy the code")
            font.pointSize: Theme.fontSize - 2
            onClicked: {
                block.copyRequested(block.code)
                text = qsTr("Copied")
                resetTimer.restart()
            }
            Timer { id: resetTimer; interval: 1500; onTriggered: copyButton.text = qsTr("Copy") }
        }
    }
    TextEdit {
        id: codeText
        anchors { left: parent.left; right: parent.right; top: header.bottom; margins: 8; topMargin: 0 }
        text: block.code
        readOnly: true
        selectByMouse: true
        wrapMode: TextEdit.Wrap
        textFormat: TextEdit.PlainText
        font.family: Theme.monoFamily
        font.pointSize: Theme.fontSize
        color: Theme.text
        selectionColor: Theme.selection
        selectedTextColor: Theme.text
        CodeHighlighter {
            id: highlighter
            document: codeText.textDocument
            language: block.language
            dark: Theme.dark
        }
    }
}
