// App-wide settings: appearance, defaults for new conversations, the device, folders.
pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import Confidant
import Confidant.Core

Rectangle {
    id: page
    objectName: "settingsPage"
    color: Theme.window
    readonly property var s: App.settings

    component Heading: Label {
        Layout.topMargin: 12
        font.bold: true
        font.pointSize: Theme.fontSize + 2
        color: Theme.text
    }
    component FieldLabel: Label {
        Layout.preferredWidth: 260
        color: Theme.text
    }

    ScrollView {
        anchors.fill: parent
        contentWidth: availableWidth
        ColumnLayout {
            x: 24
            width: Math.min(parent.width - 48, 720)
            spacing: 10

            Label {
                Layout.topMargin: 20
                text: qsTr("Settings")
                font.pointSize: Theme.fontSize + 6
                color: Theme.text
            }

            Heading { text: qsTr("Appearance") }
            RowLayout {
                FieldLabel { text: qsTr("Theme") }
                ComboBox {
                    objectName: "themeBox"
                    Layout.preferredWidth: 320
                    model: [{ value: "system", text: qsTr("Follow the system") },
                            { value: "light", text: qsTr("Light") },
                            { value: "dark", text: qsTr("Dark") }]
                    textRole: "text"
                    valueRole: "value"
                    Accessible.name: qsTr("Theme")
                    Component.onCompleted: currentIndex = indexOfValue(page.s.theme)
                    onActivated: page.s.theme = currentValue
                }
            }
            RowLayout {
                FieldLabel { text: qsTr("Font size") }
                SpinBox {
                    objectName: "fontSizeBox"
                    from: 8; to: 24
                    value: page.s.fontSize
                    Accessible.name: qsTr("Font size")
                    onValueModified: page.s.fontSize = value
                }
            }

            Heading { text: qsTr("Models and device") }
            RowLayout {
                FieldLabel { text: qsTr("Run models on") }
                ComboBox {
                    objectName: "deviceBox"
                    model: [{ value: "auto", text: qsTr("Automatic: a GPU, else the CPU") },
                            { value: "gpu", text: qsTr("The GPU, always") },
                            { value: "cpu", text: qsTr("The CPU") }]
                    textRole: "text"
                    valueRole: "value"
                    Layout.preferredWidth: 320
                    Accessible.name: qsTr("Device")
                    Component.onCompleted: currentIndex = indexOfValue(page.s.device)
                    onActivated: page.s.device = currentValue
                }
            }
            Label {
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                color: Theme.mutedText
                text: App.models.deviceNote !== "" ? App.models.deviceNote
                      : qsTr("Automatic uses the GPU; when the only one is a software renderer (such as lavapipe), " +
                             "it runs the model on the CPU backend, which is faster there. If the GPU cannot run " +
                             "a model, Confidant says why and offers the CPU.")
            }
            RowLayout {
                FieldLabel { text: qsTr("GPU index (-1: the best one)") }
                SpinBox {
                    from: -1; to: 16
                    value: page.s.gpuIndex
                    Accessible.name: qsTr("GPU index")
                    onValueModified: page.s.gpuIndex = value
                }
            }
            RowLayout {
                FieldLabel { text: qsTr("Default model") }
                Label {
                    Layout.fillWidth: true
                    text: page.s.defaultModel !== "" ? page.s.defaultModel : qsTr("None (the last model loaded becomes the default)")
                    elide: Text.ElideMiddle
                    color: Theme.mutedText
                }
            }
            FieldLabel { text: qsTr("Models folders") }
            Repeater {
                model: page.s.modelFolders
                delegate: RowLayout {
                    id: folderRow
                    required property string modelData
                    required property int index
                    Layout.fillWidth: true
                    Label { Layout.fillWidth: true; text: folderRow.modelData; elide: Text.ElideMiddle; color: Theme.text }
                    Button {
                        visible: folderRow.index > 0
                        text: qsTr("Remove")
                        Accessible.name: qsTr("Remove the folder %1").arg(folderRow.modelData)
                        onClicked: page.s.removeModelFolder(folderRow.modelData)
                    }
                }
            }
            Button {
                text: qsTr("Add a folder…")
                Accessible.name: qsTr("Add a models folder")
                onClicked: folderDialog.open()
            }

            Heading { text: qsTr("Defaults for new conversations") }
            Label { text: qsTr("System prompt"); color: Theme.text }
            TextArea {
                objectName: "defaultSystemPrompt"
                Layout.fillWidth: true
                Layout.preferredHeight: 80
                wrapMode: TextEdit.Wrap
                text: page.s.systemPrompt
                placeholderText: qsTr("e.g. You are a concise, friendly assistant.")
                background: Rectangle { color: Theme.surface; border.color: Theme.border; radius: 4 }
                Accessible.name: qsTr("Default system prompt")
                onEditingFinished: page.s.systemPrompt = text
            }
            GridLayout {
                columns: 4
                columnSpacing: 12
                Label { text: qsTr("Temperature"); color: Theme.text }
                TextField {
                    text: page.s.temperature
                    validator: DoubleValidator { bottom: 0; top: 2 }
                    Accessible.name: qsTr("Default temperature")
                    onEditingFinished: page.s.temperature = Number(text)
                }
                Label { text: qsTr("Top-p"); color: Theme.text }
                TextField {
                    text: page.s.topP
                    validator: DoubleValidator { bottom: 0; top: 1 }
                    Accessible.name: qsTr("Default top-p")
                    onEditingFinished: page.s.topP = Number(text)
                }
                Label { text: qsTr("Top-k"); color: Theme.text }
                TextField {
                    text: page.s.topK
                    validator: IntValidator { bottom: 0; top: 1000 }
                    Accessible.name: qsTr("Default top-k")
                    onEditingFinished: page.s.topK = Number(text)
                }
                Label { text: qsTr("Min-p"); color: Theme.text }
                TextField {
                    text: page.s.minP
                    validator: DoubleValidator { bottom: 0; top: 1 }
                    Accessible.name: qsTr("Default min-p")
                    onEditingFinished: page.s.minP = Number(text)
                }
                Label { text: qsTr("Repeat penalty"); color: Theme.text }
                TextField {
                    text: page.s.repeatPenalty
                    validator: DoubleValidator { bottom: 0.5; top: 2 }
                    Accessible.name: qsTr("Default repeat penalty")
                    onEditingFinished: page.s.repeatPenalty = Number(text)
                }
                Label { text: qsTr("Max tokens"); color: Theme.text }
                TextField {
                    text: page.s.maxTokens
                    validator: IntValidator { bottom: 1; top: 131072 }
                    Accessible.name: qsTr("Default maximum reply tokens")
                    onEditingFinished: page.s.maxTokens = Number(text)
                }
                Label { text: qsTr("Context size"); color: Theme.text }
                TextField {
                    text: page.s.contextSize
                    validator: IntValidator { bottom: 128; top: 1048576 }
                    Accessible.name: qsTr("Default context size")
                    onEditingFinished: page.s.contextSize = Number(text)
                }
            }
            Button {
                text: qsTr("Reset the generation defaults")
                Accessible.name: text
                onClicked: page.s.resetGenerationDefaults()
            }

            Heading { text: qsTr("Data") }
            RowLayout {
                FieldLabel { text: qsTr("Data folder") }
                Label { Layout.fillWidth: true; text: page.s.dataFolder; elide: Text.ElideMiddle; color: Theme.text }
                Button {
                    text: qsTr("Open")
                    Accessible.name: qsTr("Open the data folder")
                    onClicked: Qt.openUrlExternally("file://" + page.s.dataFolder)
                }
            }
            RowLayout {
                FieldLabel { text: qsTr("Every conversation") }
                Button {
                    id: exportAllButton
                    objectName: "exportAllButton"
                    text: qsTr("Export all…")
                    enabled: !App.transfer.busy
                    Accessible.name: qsTr("Export every conversation")
                    onClicked: exportAllMenu.open()
                    Menu {
                        id: exportAllMenu
                        y: exportAllButton.height
                        MenuItem { text: qsTr("Markdown files into a folder…"); onTriggered: exportAllFolder.ask("markdown") }
                        MenuItem { text: qsTr("HTML files into a folder…"); onTriggered: exportAllFolder.ask("html") }
                        MenuItem { text: qsTr("Text files into a folder…"); onTriggered: exportAllFolder.ask("text") }
                        MenuItem { text: qsTr("One JSON file…"); onTriggered: exportAllFile.ask() }
                    }
                }
                Button {
                    objectName: "importButton"
                    text: qsTr("Import…")
                    enabled: !App.transfer.busy
                    Accessible.name: qsTr("Import conversations from a Confidant or ChatGPT export")
                    onClicked: importDialog.open()
                }
            }
            TransferStatus { Layout.fillWidth: true }
            Label {
                Layout.fillWidth: true
                Layout.bottomMargin: 24
                wrapMode: Text.Wrap
                color: Theme.mutedText
                text: qsTr("Confidant %1. Conversations and settings stay in the data folder; nothing is sent anywhere.")
                        .arg(App.version)
            }
        }
    }

    FolderDialog {
        id: exportAllFolder
        objectName: "exportAllFolderDialog"
        property string format: "markdown"
        function ask(f) { format = f; open() }
        title: qsTr("Choose a folder for the exported files")
        onAccepted: App.transfer.exportAll(format, selectedFolder)
    }
    FileDialog {
        id: exportAllFile
        objectName: "exportAllFileDialog"
        function ask() { selectedFile = Theme.fileInFolder(currentFolder, "confidant-conversations.json"); open() }
        fileMode: FileDialog.SaveFile
        defaultSuffix: "json"
        title: qsTr("Export every conversation as JSON")
        nameFilters: [qsTr("JSON (*.json)")]
        onAccepted: App.transfer.exportAll("json", selectedFile)
    }
    FileDialog {
        id: importDialog
        objectName: "importConversationsDialog"
        fileMode: FileDialog.OpenFile
        title: qsTr("Import conversations (Confidant JSON or ChatGPT conversations.json)")
        nameFilters: [qsTr("JSON (*.json)")]
        onAccepted: App.transfer.importFile(selectedFile)
    }
    FolderDialog {
        id: folderDialog
        objectName: "addModelsFolderDialog"
        title: qsTr("Add a models folder")
        onAccepted: page.s.addModelFolder(selectedFolder)
    }
}
