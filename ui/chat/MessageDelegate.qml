// One message in the chat: the text (Markdown), and its actions: copy, edit (your messages; makes a
// branch), regenerate (replies; makes a sibling), branch navigation "‹ 2/3 ›", delete, statistics.
import QtQuick
import QtQuick.Controls
import Confidant

Item {
    id: delegate
    required property int index
    required property var messageId
    required property string role
    required property string text
    required property var segments
    required property bool streaming
    required property int siblingIndex
    required property int siblingCount
    required property bool hasStats
    required property string statsText
    required property string error

    signal copyRequested(string text)
    signal editRequested(string text)
    signal regenerateRequested()
    signal siblingRequested(int delta)
    signal deleteRequested()

    readonly property bool isUser: role === "user"
    property bool editing: false
    property bool showStats: false

    objectName: "message_" + index
    implicitHeight: column.implicitHeight + 16
    Accessible.role: Accessible.ListItem
    Accessible.name: (isUser ? qsTr("You: %1") : qsTr("Assistant: %1")).arg(text)

    Column {
        id: column
        anchors { left: parent.left; right: parent.right; top: parent.top; margins: 8 }
        spacing: 4

        Label {
            text: delegate.isUser ? qsTr("You") : qsTr("Assistant")
            font.bold: true
            color: Theme.mutedText
            font.pointSize: Theme.fontSize - 1
        }

        Rectangle {
            id: bubble
            width: parent.width
            height: content.implicitHeight + 20
            radius: Theme.radius
            color: delegate.isUser ? Theme.userBubble : "transparent"

            Item {
                id: content
                anchors { left: parent.left; right: parent.right; top: parent.top; margins: 10 }
                implicitHeight: delegate.editing ? editor.implicitHeight : bodyColumn.implicitHeight

                Column {
                    id: bodyColumn
                    width: parent.width
                    visible: !delegate.editing
                    spacing: 4
                    // Replies are Markdown; your own text is shown exactly as typed (line breaks,
                    // indentation, asterisks): it was written in a plain text field, and a pasted
                    // log or poem must not be reflowed.
                    MessageBody {
                        objectName: "messageBody"
                        width: parent.width
                        visible: !delegate.isUser
                        segments: delegate.isUser ? [] : delegate.segments
                        onCopyRequested: code => delegate.copyRequested(code)
                    }
                    TextEdit {
                        objectName: "userText"
                        width: parent.width
                        visible: delegate.isUser
                        text: delegate.isUser ? delegate.text : ""
                        textFormat: TextEdit.PlainText
                        readOnly: true
                        selectByMouse: true
                        wrapMode: TextEdit.Wrap
                        color: Theme.text
                        selectionColor: Theme.selection
                        selectedTextColor: Theme.text
                        font.pointSize: Theme.fontSize
                    }
                    Label {
                        visible: delegate.streaming && delegate.text === ""
                        text: qsTr("Thinking…")
                        color: Theme.mutedText
                    }
                    Label {
                        width: parent.width
                        visible: delegate.error !== ""
                        text: qsTr("The reply failed: %1").arg(delegate.error)
                        color: Theme.danger
                        wrapMode: Text.Wrap
                    }
                }

                Column {
                    id: editor
                    width: parent.width
                    visible: delegate.editing
                    spacing: 6
                    TextArea {
                        id: editArea
                        objectName: "editArea"
                        width: parent.width
                        wrapMode: TextEdit.Wrap
                        Accessible.name: qsTr("Edit your message")
                        Keys.onEscapePressed: delegate.editing = false
                    }
                    Row {
                        spacing: 6
                        Button {
                            objectName: "saveEditButton"
                            text: qsTr("Save and send")
                            Accessible.name: text
                            onClicked: { delegate.editing = false; delegate.editRequested(editArea.text) }
                        }
                        Button {
                            text: qsTr("Cancel")
                            Accessible.name: text
                            onClicked: delegate.editing = false
                        }
                    }
                }
            }
        }

        Row {
            id: actions
            spacing: 2

            IconButton {
                objectName: "previousBranchButton"
                visible: delegate.siblingCount > 1
                text: "\u2039"
                tip: qsTr("Previous version")
                enabled: delegate.siblingIndex > 1
                onClicked: delegate.siblingRequested(-1)
            }
            Label {
                objectName: "branchLabel"
                visible: delegate.siblingCount > 1
                anchors.verticalCenter: parent.verticalCenter
                text: qsTr("%1/%2").arg(delegate.siblingIndex).arg(delegate.siblingCount)
                color: Theme.mutedText
                Accessible.name: qsTr("Version %1 of %2").arg(delegate.siblingIndex).arg(delegate.siblingCount)
            }
            IconButton {
                objectName: "nextBranchButton"
                visible: delegate.siblingCount > 1
                text: "\u203A"
                tip: qsTr("Next version")
                enabled: delegate.siblingIndex < delegate.siblingCount
                onClicked: delegate.siblingRequested(1)
            }
            IconButton {
                objectName: "copyMessageButton"
                text: qsTr("Copy")
                tip: qsTr("Copy the message")
                onClicked: delegate.copyRequested(delegate.text)
            }
            IconButton {
                objectName: "editButton"
                visible: delegate.isUser
                text: qsTr("Edit")
                tip: qsTr("Edit and resend (keeps the original as another version)")
                onClicked: { editArea.text = delegate.text; delegate.editing = true; editArea.forceActiveFocus() }
            }
            IconButton {
                objectName: "regenerateButton"
                visible: !delegate.isUser && !delegate.streaming
                text: qsTr("Regenerate")
                tip: qsTr("Write another version of this reply")
                onClicked: delegate.regenerateRequested()
            }
            IconButton {
                objectName: "statsButton"
                visible: delegate.hasStats
                text: qsTr("Stats")
                tip: qsTr("Show how this reply was generated")
                checkable: true
                checked: delegate.showStats
                onToggled: delegate.showStats = checked
            }
            IconButton {
                objectName: "deleteMessageButton"
                text: qsTr("Delete")
                tip: qsTr("Delete this message and what follows it")
                onClicked: delegate.deleteRequested()
            }
        }

        Label {
            objectName: "statsLabel"
            width: parent.width
            visible: delegate.showStats && delegate.hasStats
            text: delegate.statsText
            wrapMode: Text.Wrap
            color: Theme.mutedText
            font.pointSize: Theme.fontSize - 2
        }
    }
}
