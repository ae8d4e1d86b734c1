// The models page: the loaded model and its device, loading progress or failure (with the CPU
// offered when the GPU cannot run it), the model files found, import and removal.
pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import Confidant
import Confidant.Core

Rectangle {
    id: page
    objectName: "modelsPage"
    color: Theme.window

    Column {
        id: top
        anchors { left: parent.left; right: parent.right; top: parent.top; margins: 20 }
        spacing: 12

        Item {
            width: parent.width
            height: importButton.implicitHeight
            Label {
                anchors.verticalCenter: parent.verticalCenter
                text: qsTr("Models")
                font.pointSize: Theme.fontSize + 6
                color: Theme.text
            }
            Row {
                anchors.right: parent.right
                spacing: 8
                Button {
                    id: importButton
                    objectName: "importModelButton"
                    text: qsTr("Import…")
                    enabled: !App.models.importing
                    Accessible.name: qsTr("Import a model file")
                    onClicked: importDialog.open()
                }
                Button {
                    text: qsTr("Rescan")
                    Accessible.name: qsTr("Scan the models folders again")
                    onClicked: App.models.rescan()
                }
            }
        }

        Rectangle {
            objectName: "loadStatus"
            width: parent.width
            height: status.implicitHeight + 20
            radius: Theme.radius
            color: Theme.surfaceAlt
            Column {
                id: status
                anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: 12 }
                spacing: 6
                Label {
                    objectName: "loadStatusText"
                    width: parent.width
                    wrapMode: Text.Wrap
                    color: App.models.error !== "" ? Theme.danger : Theme.text
                    text: App.models.loading ? qsTr("Loading %1: %2…").arg(App.models.loadingPath).arg(App.models.loadStage)
                          : App.models.error !== "" ? App.models.error
                          : App.models.loaded ? qsTr("%1 is loaded on %2 (%3 backend) in %4 s. Prompt format: %5.")
                                                    .arg(App.models.loadedName).arg(App.models.device).arg(App.models.backend)
                                                    .arg(App.models.loadSeconds.toFixed(1)).arg(App.models.promptFormat)
                                                + (App.models.deviceNote !== "" ? " " + App.models.deviceNote : "")
                          : qsTr("No model is loaded.")
                }
                ProgressBar {
                    width: parent.width
                    visible: App.models.loading || App.models.importing
                    indeterminate: App.models.loading
                    value: App.models.importProgress
                }
                Button {
                    objectName: "templateButton"
                    visible: App.models.loaded
                    text: App.models.templateOverridden ? qsTr("Chat template (yours)…") : qsTr("Chat template…")
                    Accessible.name: qsTr("View or override the chat template")
                    onClicked: {
                        templateArea.text = App.models.templateSource
                        templateDialog.open()
                    }
                }
                Button {
                    objectName: "useCpuButton"
                    visible: App.models.offerCpu
                    text: qsTr("Run it on the CPU instead")
                    Accessible.name: text
                    onClicked: App.models.loadOnCpu(App.models.failedPath)
                }
            }
        }
    }

    ListView {
        id: list
        objectName: "modelList"
        anchors { left: parent.left; right: parent.right; top: top.bottom; bottom: parent.bottom; margins: 20 }
        visible: count > 0
        clip: true
        spacing: 8
        model: App.models.catalog
        Accessible.name: qsTr("Model files")
        delegate: ModelDelegate {
            width: ListView.view.width
            isLoaded: path === App.models.loadedPath
            isLoading: path === App.models.loadingPath
            busy: App.models.loading
            onLoadRequested: App.models.load(path)
            onUnloadRequested: App.models.unload()
            onRemoveRequested: {
                removeDialog.path = path
                removeDialog.name = name
                removeDialog.open()
            }
        }
    }

    Onboarding {
        objectName: "onboarding"
        anchors { left: parent.left; right: parent.right; top: top.bottom; margins: 20 }
        visible: list.count === 0 && !App.models.catalog.scanning
        modelsFolder: App.settings.modelsFolder
        onImportRequested: importDialog.open()
    }

    FileDialog {
        id: importDialog
        objectName: "importModelDialog"
        title: qsTr("Import a GGUF model")
        nameFilters: [qsTr("GGUF models (*.gguf)")]
        onAccepted: App.models.importFile(selectedFile, false)
    }

    Dialog {
        id: templateDialog
        objectName: "templateDialog"
        anchors.centerIn: parent
        width: Math.min(760, page.width - 40)
        height: Math.min(560, page.height - 40)
        modal: true
        title: qsTr("Chat template of %1").arg(App.models.loadedName)
        standardButtons: Dialog.Cancel
        Column {
            anchors.fill: parent
            spacing: 8
            Label {
                width: parent.width
                wrapMode: Text.Wrap
                text: qsTr("%1 Edit it to override it for this model file; replies use it from the next message.")
                        .arg(App.models.formatNote)
            }
            ScrollView {
                width: parent.width
                height: parent.height - 100
                TextArea {
                    id: templateArea
                    objectName: "templateArea"
                    font.family: Theme.monoFamily
                    wrapMode: TextEdit.WrapAnywhere
                    Accessible.name: qsTr("Chat template source")
                }
            }
            Row {
                spacing: 8
                Button {
                    text: qsTr("Use this template")
                    highlighted: true
                    Accessible.name: text
                    onClicked: { App.models.setTemplateOverride(templateArea.text); templateDialog.close() }
                }
                Button {
                    text: qsTr("Restore the model's template")
                    enabled: App.models.templateOverridden
                    Accessible.name: text
                    onClicked: { App.models.setTemplateOverride(""); templateDialog.close() }
                }
            }
        }
    }

    // Only a file in Confidant's own models folder is deleted, after naming it; one in a folder the
    // user added (perhaps another application's) is only taken off the list.
    Dialog {
        id: removeDialog
        objectName: "removeDialog"
        property string path: ""
        property string name: ""
        readonly property bool deletes: path !== "" && App.models.deletesFile(path)
        anchors.centerIn: parent
        width: Math.min(560, page.width - 40)
        modal: true
        title: deletes ? qsTr("Delete %1?").arg(name) : qsTr("Remove %1 from the list?").arg(name)
        Label {
            width: parent.width
            wrapMode: Text.Wrap
            text: removeDialog.deletes
                  ? qsTr("The file %1 will be deleted from the disk.").arg(removeDialog.path)
                  : qsTr("%1 is in a folder you added; it will be taken off this list and the file kept.").arg(removeDialog.path)
        }
        footer: DialogButtonBox {
            Button {
                objectName: "confirmRemoveButton"
                text: removeDialog.deletes ? qsTr("Delete the file") : qsTr("Remove from the list")
                Accessible.name: text
                onClicked: removeDialog.accept()
            }
            Button {
                text: qsTr("Cancel")
                Accessible.name: text
                onClicked: removeDialog.reject()
            }
        }
        onAccepted: App.models.removeFile(path)
    }
}
