// The chat: header, notices, the message list (a ListView over App.chat.messages that follows new
// text until the user scrolls up) and the composer.
import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import Confidant
import Confidant.Core

Rectangle {
    id: page
    objectName: "chatPage"
    color: Theme.window
    signal openModels()
    property alias messageList: list
    property alias composer: composer

    function focusComposer() { composer.focusInput() }

    ChatHeader {
        id: header
        anchors { left: parent.left; right: parent.right; top: parent.top }
        onSettingsRequested: settingsDrawer.open()
        onExportRequested: format => exportDialog.ask(format)
    }

    Column {
        id: banners
        anchors { left: parent.left; right: parent.right; top: header.bottom; margins: 8 }
        spacing: 4
        Banner {
            objectName: "chatNotice"
            width: parent.width
            text: App.chat.notice
            onDismissed: App.chat.dismissNotice()
        }
        TransferStatus { width: parent.width }
        Banner {
            objectName: "storeErrorBanner"
            width: parent.width
            text: App.storeError
            actionText: App.storeDamaged ? qsTr("Move it aside") : ""
            onActionTriggered: App.moveDamagedStoreAside()
            onDismissed: App.dismissStoreError()
        }
        Banner {
            objectName: "gpuFailureBanner"
            width: parent.width
            text: App.models.offerCpu ? qsTr("%1 Run it on the CPU instead (slower)?").arg(App.models.error) : ""
            actionText: qsTr("Use the CPU")
            onActionTriggered: App.models.loadOnCpu(App.models.failedPath)
            onDismissed: App.models.clearError()
        }
    }

    ListView {
        id: list
        objectName: "messageList"
        anchors { left: parent.left; right: parent.right; top: banners.bottom; bottom: composer.top; bottomMargin: 8 }
        clip: true
        model: App.chat.messages
        spacing: 4
        reuseItems: true
        boundsBehavior: Flickable.StopAtBounds
        ScrollBar.vertical: ScrollBar { id: scrollBar }
        Accessible.name: qsTr("Messages")

        // Follows the newest text until the user scrolls away from the end.
        property bool followTail: true
        property bool programmatic: false
        function scrollToEnd() {
            programmatic = true
            positionViewAtEnd()
            programmatic = false
        }
        onContentYChanged: if (!programmatic && (moving || scrollBar.pressed)) followTail = atYEnd
        onMovementEnded: followTail = atYEnd
        onContentHeightChanged: if (followTail) scrollLater.restart()
        onCountChanged: if (followTail) scrollLater.restart()
        WheelHandler {
            onWheel: event => { if (event.angleDelta.y > 0) list.followTail = false }
        }

        delegate: MessageDelegate {
            width: ListView.view.width - 24
            x: 12
            onCopyRequested: text => App.chat.copyText(text)
            onEditRequested: text => App.chat.editMessage(messageId, text)
            onRegenerateRequested: App.chat.regenerate(messageId)
            onSiblingRequested: delta => App.chat.selectSibling(messageId, delta)
            onDeleteRequested: App.chat.deleteMessage(messageId)
        }

        EmptyChat {
            anchors.centerIn: parent
            visible: list.count === 0
            modelLoaded: App.models.loaded
            modelLoading: App.models.loading
            onOpenModels: page.openModels()
        }
    }

    // Scrolls once the list has laid out what changed (several changes in one frame: one scroll).
    Timer {
        id: scrollLater
        interval: 0
        onTriggered: list.scrollToEnd()
    }

    Connections {
        target: App.chat
        function onConversationChanged() { list.followTail = true; scrollLater.restart() }
        function onMessageRevealed(row) {
            list.followTail = false
            list.positionViewAtIndex(row, ListView.Center)
        }
    }

    Button {
        objectName: "jumpToLatestButton"
        anchors { horizontalCenter: list.horizontalCenter; bottom: list.bottom; bottomMargin: 8 }
        visible: !list.followTail && list.count > 0
        text: qsTr("\u2193 Latest")
        Accessible.name: qsTr("Jump to the latest message")
        onClicked: { list.followTail = true; list.scrollToEnd() }
    }

    Composer {
        id: composer
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom; margins: 12 }
        canSend: App.chat.canSend
        generating: App.chat.generating && App.chat.generatingConversationId === App.chat.conversationId
        blockedReason: App.chat.sendBlockedReason
        onSendRequested: text => { list.followTail = true; App.chat.send(text) }
        onStopRequested: App.chat.stop()
    }

    ConversationSettingsDrawer { id: settingsDrawer }

    // Suggests "<title>.<extension>" in the folder last used; defaultSuffix adds the extension
    // when the user types a bare name.
    FileDialog {
        id: exportDialog
        objectName: "exportConversationDialog"
        property string format: "markdown"
        readonly property var extensions: ({ markdown: "md", html: "html", json: "json", text: "txt" })
        function ask(f) {
            format = f
            selectedFile = Theme.fileInFolder(currentFolder, Theme.fileNameFor(App.chat.title, extensions[f] || "txt"))
            open()
        }
        fileMode: FileDialog.SaveFile
        defaultSuffix: extensions[format] || "txt"
        title: qsTr("Export the conversation")
        nameFilters: format === "markdown" ? [qsTr("Markdown (*.md)")] : format === "html" ? [qsTr("HTML (*.html)")]
                     : format === "json" ? [qsTr("JSON (*.json)")] : [qsTr("Text (*.txt)")]
        onAccepted: App.transfer.exportConversation(App.chat.conversationId, format, selectedFile)
    }
}
