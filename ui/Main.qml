// The main window. For now: the app's name and version; the chat UI builds on this window.
import QtQuick
import QtQuick.Controls

ApplicationWindow {
    id: window
    objectName: "mainWindow"
    width: 1100
    height: 720
    visible: true
    title: qsTr("Confidant")

    Label {
        anchors.centerIn: parent
        text: qsTr("Confidant %1").arg(Qt.application.version)
        font.pixelSize: 28
    }
}
