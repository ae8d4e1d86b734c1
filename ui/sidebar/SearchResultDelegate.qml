// One search hit: the conversation's title and the text around the match.
import QtQuick
import QtQuick.Controls
import Confidant

ItemDelegate {
    id: hit
    required property int index
    required property var conversationId
    required property var messageId
    required property string title
    required property string snippet
    objectName: "searchResult_" + index
    Accessible.name: qsTr("%1: %2").arg(title).arg(snippet)
    background: Rectangle { radius: 6; color: hit.hovered ? Theme.surfaceAlt : "transparent" }
    contentItem: Column {
        spacing: 2
        Label { width: parent.width; text: hit.title; font.bold: true; elide: Text.ElideRight; color: Theme.text }
        Label {
            width: parent.width
            text: hit.snippet
            elide: Text.ElideRight
            maximumLineCount: 2
            wrapMode: Text.Wrap
            color: Theme.mutedText
            font.pointSize: Theme.fontSize - 1
        }
    }
}
