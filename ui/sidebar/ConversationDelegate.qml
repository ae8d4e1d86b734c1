// One conversation in the sidebar: click opens it; rename inline, pin and delete from its menu.
import QtQuick
import QtQuick.Controls
import Confidant

ItemDelegate {
    id: delegate
    required property int index
    required property var conversationId
    required property string title
    required property bool pinned
    property bool current: false
    property bool renaming: false

    signal openRequested()
    signal renameRequested(string title)
    signal pinRequested(bool pinned)
    signal deleteRequested()

    function startRename() {
        renameField.text = title
        renaming = true
        renameField.forceActiveFocus()
        renameField.selectAll()
    }

    objectName: "conversation_" + index
    highlighted: current
    height: 36
    Accessible.name: title
    Accessible.description: pinned ? qsTr("Pinned conversation") : qsTr("Conversation")
    background: Rectangle {
        radius: 6
        color: delegate.current ? Theme.selection : delegate.hovered ? Theme.surfaceAlt : "transparent"
    }
    // The content is laid out over the delegate rather than in contentItem: a deferred
    // contentItem holding ids would be built immediately anyway (qmllint warns).
    contentItem: Item {}
    Label {
        anchors { left: parent.left; leftMargin: delegate.leftPadding; right: menuButton.left; verticalCenter: parent.verticalCenter }
        visible: !delegate.renaming
        text: (delegate.pinned ? "\u{1F4CC} " : "") + delegate.title
        elide: Text.ElideRight
        color: Theme.text
    }
    TextField {
        id: renameField
        objectName: "renameField"
        anchors { left: parent.left; leftMargin: delegate.leftPadding; right: parent.right; rightMargin: delegate.rightPadding; verticalCenter: parent.verticalCenter }
        visible: delegate.renaming
        Accessible.name: qsTr("New title")
        onAccepted: { delegate.renaming = false; delegate.renameRequested(text) }
        Keys.onEscapePressed: delegate.renaming = false
        onActiveFocusChanged: if (!activeFocus) delegate.renaming = false
    }
    IconButton {
        id: menuButton
        objectName: "conversationMenuButton"
        anchors { right: parent.right; rightMargin: delegate.rightPadding; verticalCenter: parent.verticalCenter }
        visible: !delegate.renaming && (delegate.hovered || delegate.current)
        text: "\u22EF"
        tip: qsTr("Conversation actions")
        onClicked: menu.popup()
    }
    onClicked: openRequested()
    onDoubleClicked: startRename()

    Menu {
        id: menu
        MenuItem { text: qsTr("Rename"); onTriggered: delegate.startRename() }
        MenuItem { text: delegate.pinned ? qsTr("Unpin") : qsTr("Pin to the top"); onTriggered: delegate.pinRequested(!delegate.pinned) }
        MenuItem { objectName: "deleteConversationItem"; text: qsTr("Delete"); onTriggered: delegate.deleteRequested() }
    }
}
