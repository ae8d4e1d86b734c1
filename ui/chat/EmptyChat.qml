// What an empty chat shows: a greeting, or how to get a model when none is loaded.
import QtQuick
import QtQuick.Controls
import Confidant

Column {
    id: empty
    property bool modelLoaded: false
    property bool modelLoading: false
    signal openModels()
    spacing: 12

    Image {
        anchors.horizontalCenter: parent.horizontalCenter
        source: "qrc:/Confidant/icons/confidant.png"
        sourceSize.width: 72
        sourceSize.height: 72
        Accessible.ignored: true
    }
    Label {
        anchors.horizontalCenter: parent.horizontalCenter
        text: empty.modelLoaded ? qsTr("How can I help?") : qsTr("Welcome to Confidant")
        font.pointSize: Theme.fontSize + 8
        color: Theme.text
    }
    Label {
        width: Math.min(480, empty.parent ? empty.parent.width - 40 : 480)
        anchors.horizontalCenter: parent.horizontalCenter
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.Wrap
        color: Theme.mutedText
        text: empty.modelLoaded ? qsTr("Everything stays on this computer. Type a message below to start.")
              : empty.modelLoading ? qsTr("The model is loading…")
              : qsTr("Conversations stay on this computer. To start, load a language model (a GGUF file).")
    }
    Button {
        anchors.horizontalCenter: parent.horizontalCenter
        visible: !empty.modelLoaded && !empty.modelLoading
        text: qsTr("Choose a model")
        highlighted: true
        Accessible.name: text
        onClicked: empty.openModels()
    }
}
