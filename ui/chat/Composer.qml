// Where messages are written: Enter sends, Shift+Enter starts a new line, Stop (or Esc) interrupts
// a reply. When sending is impossible the reason is shown instead of a silent disabled button.
import QtQuick
import QtQuick.Controls
import Confidant

Rectangle {
    id: composer
    property bool canSend: true
    property bool generating: false
    property string blockedReason: ""
    property alias text: input.text
    signal sendRequested(string text)
    signal stopRequested()

    function send() {
        if (!canSend || input.text.trim() === "") return
        const message = input.text
        input.text = ""
        sendRequested(message)
    }
    function focusInput() { input.forceActiveFocus() }

    color: Theme.surface
    border.color: input.activeFocus ? Theme.accent : Theme.border
    radius: Theme.radius
    implicitHeight: Math.min(scroll.implicitHeight, 200) + reason.implicitHeight + 16

    Label {
        id: reason
        objectName: "composerReason"
        anchors { left: parent.left; right: parent.right; top: parent.top; margins: 8; bottomMargin: 0 }
        visible: composer.blockedReason !== "" && !composer.generating
        height: visible ? implicitHeight : 0
        text: composer.blockedReason
        color: Theme.mutedText
        wrapMode: Text.Wrap
        font.pointSize: Theme.fontSize - 1
    }

    ScrollView {
        id: scroll
        anchors { left: parent.left; right: actionButton.left; top: reason.bottom; bottom: parent.bottom; margins: 8 }
        TextArea {
            id: input
            objectName: "composerInput"
            placeholderText: qsTr("Message the assistant (Enter to send, Shift+Enter for a new line)")
            wrapMode: TextEdit.Wrap
            color: Theme.text
            placeholderTextColor: Theme.mutedText
            font.pointSize: Theme.fontSize
            background: null
            Accessible.name: qsTr("Message")
            Accessible.description: composer.blockedReason
            function handleReturn(event) {
                if (event.modifiers & Qt.ShiftModifier) {
                    event.accepted = false
                } else {
                    composer.send()
                    event.accepted = true
                }
            }
            Keys.onReturnPressed: event => handleReturn(event)
            Keys.onEnterPressed: event => handleReturn(event)
        }
    }

    Button {
        id: actionButton
        objectName: composer.generating ? "stopButton" : "sendButton"
        anchors { right: parent.right; bottom: parent.bottom; margins: 8 }
        text: composer.generating ? qsTr("Stop") : qsTr("Send")
        enabled: composer.generating || (composer.canSend && input.text.trim() !== "")
        highlighted: enabled
        Accessible.name: composer.generating ? qsTr("Stop the reply") : qsTr("Send the message")
        ToolTip.visible: hovered
        ToolTip.text: composer.generating ? qsTr("Stop (Esc)") : qsTr("Send (Enter)")
        onClicked: composer.generating ? composer.stopRequested() : composer.send()
    }
}
