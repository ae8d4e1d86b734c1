// A one-line message across the top of a page, with an optional action and a close button.
import QtQuick
import QtQuick.Controls
import Confidant

Rectangle {
    id: banner
    property string text: ""
    property string actionText: ""
    signal actionTriggered()
    signal dismissed()

    visible: text !== ""
    color: Theme.warningBackground
    radius: Theme.radius
    implicitHeight: visible ? Math.max(label.implicitHeight, closeButton.implicitHeight) + 8 : 0
    Accessible.role: Accessible.AlertMessage
    Accessible.name: text

    Label {
        id: label
        anchors { left: parent.left; leftMargin: 12; right: actionButton.left; rightMargin: 8; verticalCenter: parent.verticalCenter }
        text: banner.text
        wrapMode: Text.Wrap
        color: Theme.text
    }
    Button {
        id: actionButton
        objectName: "bannerAction"
        anchors { right: closeButton.left; verticalCenter: parent.verticalCenter }
        visible: banner.actionText !== ""
        width: visible ? implicitWidth : 0
        text: banner.actionText
        Accessible.name: banner.actionText
        onClicked: banner.actionTriggered()
    }
    IconButton {
        id: closeButton
        anchors { right: parent.right; verticalCenter: parent.verticalCenter }
        text: "\u2715"
        tip: qsTr("Dismiss")
        onClicked: banner.dismissed()
    }
}
