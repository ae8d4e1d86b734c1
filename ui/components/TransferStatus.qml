// Progress and outcome of an export or import (App.transfer): a bar while it runs, then the
// result or the error, until dismissed.
import QtQuick
import QtQuick.Controls
import Confidant
import Confidant.Core

Rectangle {
    id: status
    objectName: "transferStatus"
    visible: App.transfer.status !== ""
    color: App.transfer.failed ? Theme.warningBackground : Theme.surfaceAlt
    radius: Theme.radius
    implicitHeight: visible ? column.implicitHeight + 12 : 0
    Accessible.role: Accessible.AlertMessage
    Accessible.name: App.transfer.status

    Column {
        id: column
        anchors { left: parent.left; right: closeButton.left; verticalCenter: parent.verticalCenter; leftMargin: 12; rightMargin: 8 }
        spacing: 4
        Label {
            objectName: "transferStatusText"
            width: parent.width
            text: App.transfer.status
            wrapMode: Text.Wrap
            color: Theme.text
        }
        ProgressBar {
            objectName: "transferProgress"
            width: parent.width
            visible: App.transfer.busy
            indeterminate: App.transfer.progress < 0
            value: Math.max(0, App.transfer.progress)
            Accessible.name: qsTr("Export or import progress")
        }
    }
    IconButton {
        id: closeButton
        anchors { right: parent.right; verticalCenter: parent.verticalCenter }
        visible: !App.transfer.busy
        text: "\u2715"
        tip: qsTr("Dismiss")
        onClicked: App.transfer.dismiss()
    }
}
