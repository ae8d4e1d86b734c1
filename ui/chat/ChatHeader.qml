// The chat's header: title, the conversation's model (switchable), the context gauge, export and
// the conversation settings.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Confidant
import Confidant.Core

Rectangle {
    id: header
    signal settingsRequested()
    signal exportRequested(string format)
    color: Theme.window
    implicitHeight: row.implicitHeight + 16

    RowLayout {
        id: row
        anchors { fill: parent; leftMargin: 16; rightMargin: 8 }
        spacing: 12

        Label {
            objectName: "chatTitle"
            Layout.fillWidth: true
            text: App.chat.title !== "" ? App.chat.title : qsTr("New chat")
            elide: Text.ElideRight
            font.pointSize: Theme.fontSize + 2
            font.bold: true
            color: Theme.text
        }

        ComboBox {
            id: modelBox
            objectName: "modelSwitcher"
            Layout.preferredWidth: 240
            model: App.models.catalog
            textRole: "name"
            valueRole: "path"
            displayText: App.models.loading ? qsTr("Loading %1…").arg(App.models.loadStage)
                         : App.models.loaded ? App.models.loadedName : qsTr("No model loaded")
            Accessible.name: qsTr("Model for this conversation")
            currentIndex: App.models.catalog.rowOf(App.models.loadedPath)
            onActivated: index => App.chat.setConversationModel(currentValue)
            ToolTip.visible: hovered && App.models.loaded
            ToolTip.text: qsTr("%1 on %2 (%3)").arg(App.models.loadedName).arg(App.models.backend).arg(App.models.device)
        }

        Column {
            objectName: "contextGauge"
            Layout.preferredWidth: 150
            spacing: 2
            Accessible.role: Accessible.ProgressBar
            Accessible.name: qsTr("Context used: %1 of %2 tokens").arg(App.chat.contextUsed).arg(App.chat.contextSize)
            ProgressBar {
                width: parent.width
                from: 0
                to: Math.max(1, App.chat.contextSize)
                value: App.chat.contextUsed
            }
            Label {
                text: qsTr("%1 / %2 tokens").arg(App.chat.contextUsed).arg(App.chat.contextSize)
                color: Theme.mutedText
                font.pointSize: Theme.fontSize - 2
            }
        }

        IconButton {
            objectName: "exportButton"
            text: qsTr("Export")
            tip: qsTr("Export this conversation")
            enabled: App.chat.conversationId !== 0
            onClicked: exportMenu.open()
            Menu {
                id: exportMenu
                y: parent.height
                MenuItem { text: qsTr("Markdown…"); onTriggered: header.exportRequested("markdown") }
                MenuItem { text: qsTr("HTML…"); onTriggered: header.exportRequested("html") }
                MenuItem { text: qsTr("Plain text…"); onTriggered: header.exportRequested("text") }
                MenuItem { text: qsTr("JSON…"); onTriggered: header.exportRequested("json") }
            }
        }
        IconButton {
            objectName: "conversationSettingsButton"
            text: "\u2699"
            tip: qsTr("Conversation settings")
            enabled: App.chat.conversationId !== 0
            onClicked: header.settingsRequested()
        }
    }
}
