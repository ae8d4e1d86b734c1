// The open conversation's generation settings: system prompt and sampler. New conversations start
// from the defaults in Settings.
pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Confidant
import Confidant.Core

Drawer {
    id: drawer
    objectName: "conversationSettingsDrawer"
    edge: Qt.RightEdge
    width: Math.min(380, parent ? parent.width * 0.9 : 380)
    background: Rectangle { color: Theme.surface; border.color: Theme.border }

    readonly property var s: App.chat.settings

    component NumberField: RowLayout {
        id: field
        property string label
        property string key
        property real from: 0
        property real to: 1
        property real step: 0.05
        property int decimals: 2
        Layout.fillWidth: true
        Label { text: field.label; color: Theme.text; Layout.fillWidth: true }
        SpinBox {
            id: spin
            readonly property real factor: Math.pow(10, field.decimals)
            from: field.from * factor
            to: field.to * factor
            stepSize: field.step * factor
            editable: true
            value: Math.round((drawer.s[field.key] || 0) * factor)
            textFromValue: (v, locale) => Number(v / factor).toLocaleString(locale, 'f', field.decimals)
            valueFromText: (t, locale) => Math.round(Number.fromLocaleString(locale, t) * factor)
            Accessible.name: field.label
            onValueModified: App.chat.setSetting(field.key, value / factor)
        }
    }

    ScrollView {
        anchors.fill: parent
        contentWidth: availableWidth
        ColumnLayout {
            width: parent.width
            spacing: 10
            Label {
                Layout.margins: 16
                text: qsTr("Conversation settings")
                font.bold: true
                font.pointSize: Theme.fontSize + 2
                color: Theme.text
            }
            ColumnLayout {
                Layout.leftMargin: 16
                Layout.rightMargin: 16
                Layout.fillWidth: true
                spacing: 10
                Label { text: qsTr("System prompt"); color: Theme.text }
                TextArea {
                    objectName: "systemPromptField"
                    Layout.fillWidth: true
                    Layout.preferredHeight: 100
                    wrapMode: TextEdit.Wrap
                    text: drawer.s.systemPrompt || ""
                    placeholderText: qsTr("e.g. You are a concise, friendly assistant.")
                    background: Rectangle { color: Theme.surfaceAlt; border.color: Theme.border; radius: 4 }
                    Accessible.name: qsTr("System prompt")
                    onEditingFinished: App.chat.setSetting("systemPrompt", text)
                }
                NumberField { label: qsTr("Temperature"); key: "temperature"; from: 0; to: 2; step: 0.05 }
                NumberField { label: qsTr("Top-p"); key: "topP"; from: 0; to: 1; step: 0.01 }
                NumberField { label: qsTr("Top-k"); key: "topK"; from: 0; to: 500; step: 1; decimals: 0 }
                NumberField { label: qsTr("Min-p"); key: "minP"; from: 0; to: 1; step: 0.01 }
                NumberField { label: qsTr("Repeat penalty"); key: "repeatPenalty"; from: 0.5; to: 2; step: 0.05 }
                NumberField { label: qsTr("Max tokens"); key: "maxTokens"; from: 1; to: 32768; step: 64; decimals: 0 }
                NumberField { label: qsTr("Context size"); key: "contextSize"; from: 128; to: 131072; step: 256; decimals: 0 }
                NumberField { label: qsTr("Seed (-1: random)"); key: "seed"; from: -1; to: 2147483647; step: 1; decimals: 0 }
                Button {
                    text: qsTr("Reset to the defaults")
                    Accessible.name: text
                    onClicked: App.chat.resetSettingsToDefaults()
                }
                Label {
                    Layout.fillWidth: true
                    visible: App.models.loaded
                    wrapMode: Text.Wrap
                    color: Theme.mutedText
                    text: qsTr("Prompt format: %1. %2").arg(App.models.promptFormat).arg(App.models.formatNote)
                }
            }
        }
    }
}
