// One search hit: the conversation's title and the text around the match, matched words in bold.
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
    required property bool onSelectedBranch
    objectName: "searchResult_" + index
    // The snippet is rich text (matched words in bold); the accessible name reads it plain.
    Accessible.name: qsTr("%1: %2").arg(title).arg(snippet.replace(/<[^>]*>/g, ""))
    background: Rectangle { radius: 6; color: hit.hovered ? Theme.surfaceAlt : "transparent" }
    contentItem: Column {
        spacing: 2
        Label { width: parent.width; text: hit.title; font.bold: true; elide: Text.ElideRight; color: Theme.text }
        Label {
            objectName: "searchSnippet"
            width: parent.width
            text: hit.snippet
            textFormat: Text.StyledText
            elide: Text.ElideRight
            maximumLineCount: 2
            wrapMode: Text.Wrap
            color: Theme.mutedText
            font.pointSize: Theme.fontSize - 1
        }
        Label {
            visible: !hit.onSelectedBranch
            text: qsTr("On another branch")
            color: Theme.mutedText
            font.italic: true
            font.pointSize: Theme.fontSize - 2
        }
    }
}
