// The sidebar: new chat, search, the conversations grouped by recency (pinned on top), and the
// way to the Models and Settings pages.
import QtQuick
import QtQuick.Controls
import Confidant
import Confidant.Core

Rectangle {
    id: sidebar
    objectName: "sidebar"
    property string page: "chat"
    signal pageRequested(string page)
    color: Theme.sidebar

    function focusSearch() { searchField.forceActiveFocus(); searchField.selectAll() }

    Column {
        id: top
        anchors { left: parent.left; right: parent.right; top: parent.top; margins: 10 }
        spacing: 8
        Button {
            objectName: "newChatButton"
            width: parent.width
            text: qsTr("+ New chat")
            highlighted: true
            Accessible.name: qsTr("New chat (Ctrl+N)")
            onClicked: { App.chat.newConversation(); sidebar.pageRequested("chat") }
        }
        TextField {
            id: searchField
            objectName: "searchField"
            width: parent.width
            placeholderText: qsTr("Search conversations (Ctrl+F)")
            Accessible.name: qsTr("Search conversations")
            onTextChanged: App.search.query = text
            Keys.onEscapePressed: text = ""
        }
    }

    ListView {
        id: conversationList
        objectName: "conversationList"
        anchors { left: parent.left; right: parent.right; top: top.bottom; bottom: undoBanner.top; margins: 6 }
        visible: searchField.text === ""
        clip: true
        model: App.conversations
        spacing: 2
        Accessible.name: qsTr("Conversations")
        section.property: "section"
        section.criteria: ViewSection.FullString
        section.delegate: Label {
            required property string section
            objectName: "sectionHeader"
            width: ListView.view.width
            topPadding: 10
            bottomPadding: 4
            leftPadding: 8
            text: section
            font.pointSize: Theme.fontSize - 2
            font.bold: true
            color: Theme.mutedText
        }
        // The delegates below reach the sidebar's ids. The Bound component pragma would make the
        // linter accept that, but Qt 6.4's ListView then cannot create its section headers ("Component
        // is not ready"), so the unqualified-access check is off for these delegates only.
        // qmllint disable unqualified
        delegate: ConversationDelegate {
            width: ListView.view.width
            current: conversationId === App.chat.conversationId
            onOpenRequested: { App.chat.openConversation(conversationId); sidebar.pageRequested("chat") }
            onRenameRequested: title => App.chat.renameConversation(conversationId, title)
            onPinRequested: pinned => App.chat.setPinned(conversationId, pinned)
            onDeleteRequested: {
                undoBanner.deletedTitle = title
                App.chat.deleteConversation(conversationId)
                undoTimer.restart()
            }
        }
        // qmllint enable unqualified
        Label {
            anchors.centerIn: parent
            visible: conversationList.count === 0
            text: qsTr("No conversations yet")
            color: Theme.mutedText
        }
    }

    ListView {
        id: searchList
        objectName: "searchResults"
        anchors.fill: conversationList
        visible: searchField.text !== ""
        clip: true
        model: App.search
        Accessible.name: qsTr("Search results")
        delegate: SearchResultDelegate {
            width: ListView.view.width
            onClicked: { App.chat.revealMessage(conversationId, messageId); sidebar.pageRequested("chat") }
        }
        Label {
            objectName: "searchStatus"
            anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: 8 }
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            visible: searchList.count === 0
            text: App.search.error !== "" ? qsTr("Search failed: %1").arg(App.search.error)
                  : App.search.busy ? qsTr("Searching…") : qsTr("Nothing found")
            color: Theme.mutedText
        }
    }

    Rectangle {
        id: undoBanner
        objectName: "undoBanner"
        property string deletedTitle: ""
        anchors { left: parent.left; right: parent.right; bottom: nav.top; margins: 8 }
        height: visible ? 40 : 0
        visible: undoTimer.running
        radius: 6
        color: Theme.warningBackground
        Label {
            anchors { left: parent.left; leftMargin: 8; right: undoButton.left; verticalCenter: parent.verticalCenter }
            text: qsTr("Deleted “%1”").arg(undoBanner.deletedTitle)
            elide: Text.ElideRight
            color: Theme.text
        }
        Button {
            id: undoButton
            objectName: "undoDeleteButton"
            anchors { right: parent.right; rightMargin: 4; verticalCenter: parent.verticalCenter }
            text: qsTr("Undo")
            Accessible.name: qsTr("Undo the deletion")
            onClicked: { App.chat.undoDelete(); undoTimer.stop() }
        }
        Timer { id: undoTimer; interval: 8000 }
    }

    Column {
        id: nav
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom; margins: 10 }
        spacing: 4
        Rectangle { width: parent.width; height: 1; color: Theme.border }
        Repeater {
            model: [
                { page: "chat", label: qsTr("Chats"), name: "chatsNavButton" },
                { page: "models", label: qsTr("Models"), name: "modelsNavButton" },
                { page: "settings", label: qsTr("Settings"), name: "settingsNavButton" }
            ]
            // qmllint disable unqualified
            delegate: ItemDelegate {
                required property var modelData
                id: navItem
                objectName: modelData.name
                readonly property bool current: sidebar.page === modelData.page
                width: nav.width
                height: 36
                text: modelData.label
                Accessible.name: modelData.label
                background: Rectangle {
                    radius: 6
                    color: navItem.current ? Theme.selection : navItem.hovered ? Theme.surfaceAlt : "transparent"
                }
                contentItem: Label {
                    text: navItem.text
                    font.bold: navItem.current
                    color: Theme.text
                    verticalAlignment: Text.AlignVCenter
                }
                onClicked: sidebar.pageRequested(modelData.page)
            }
            // qmllint enable unqualified
        }
        Label {
            width: parent.width
            text: App.models.loaded ? qsTr("%1 · %2").arg(App.models.loadedName).arg(App.models.device)
                  : App.models.loading ? qsTr("Loading a model…") : qsTr("No model loaded")
            elide: Text.ElideRight
            color: Theme.mutedText
            font.pointSize: Theme.fontSize - 2
        }
    }
}
