// One model file: what its metadata says, and load/unload/remove.
import QtQuick
import QtQuick.Controls
import Confidant

Rectangle {
    id: card
    required property int index
    required property string path
    required property string fileName
    required property string name
    required property string architecture
    required property string parameters
    required property string quantization
    required property string size
    required property int contextLength
    required property bool hasChatTemplate
    required property string error
    property bool isLoaded: false
    property bool isLoading: false
    property bool busy: false
    signal loadRequested()
    signal unloadRequested()
    signal removeRequested()

    objectName: "model_" + index
    color: Theme.surface
    border.color: isLoaded ? Theme.accent : Theme.border
    radius: Theme.radius
    implicitHeight: info.implicitHeight + 24
    Accessible.role: Accessible.ListItem
    Accessible.name: name

    Column {
        id: info
        anchors { left: parent.left; right: buttons.left; top: parent.top; margins: 12 }
        spacing: 4
        Label {
            width: parent.width
            text: card.name + (card.isLoaded ? qsTr("  (loaded)") : "")
            font.bold: true
            font.pointSize: Theme.fontSize + 1
            elide: Text.ElideRight
            color: Theme.text
        }
        Label {
            width: parent.width
            text: card.error !== "" ? qsTr("Cannot be read: %1").arg(card.error)
                  : qsTr("%1 · %2 parameters · %3 · %4 · context %5 tokens%6")
                        .arg(card.architecture).arg(card.parameters).arg(card.quantization).arg(card.size)
                        .arg(card.contextLength).arg(card.hasChatTemplate ? "" : qsTr(" · no chat template"))
            wrapMode: Text.Wrap
            color: card.error !== "" ? Theme.danger : Theme.mutedText
        }
        Label {
            width: parent.width
            text: card.path
            elide: Text.ElideMiddle
            color: Theme.mutedText
            font.pointSize: Theme.fontSize - 2
        }
    }
    Row {
        id: buttons
        anchors { right: parent.right; verticalCenter: parent.verticalCenter; margins: 12 }
        spacing: 6
        Button {
            objectName: "loadButton"
            text: card.isLoaded ? qsTr("Unload") : card.isLoading ? qsTr("Loading…") : qsTr("Load")
            enabled: card.error === "" && !card.isLoading && !card.busy
            highlighted: !card.isLoaded
            Accessible.name: (card.isLoaded ? qsTr("Unload %1") : qsTr("Load %1")).arg(card.name)
            onClicked: card.isLoaded ? card.unloadRequested() : card.loadRequested()
        }
        Button {
            objectName: "removeButton"
            text: qsTr("Remove")
            enabled: !card.isLoading
            Accessible.name: qsTr("Remove %1").arg(card.name)
            onClicked: card.removeRequested()
        }
    }
}
