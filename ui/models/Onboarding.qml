// Shown while the models folders hold no model: where models come from and how to add one.
import QtQuick
import QtQuick.Controls
import Confidant

Column {
    id: onboarding
    property string modelsFolder: ""
    signal importRequested()
    spacing: 12

    Label {
        text: qsTr("No models yet")
        font.pointSize: Theme.fontSize + 6
        color: Theme.text
    }
    Label {
        width: parent.width
        wrapMode: Text.Wrap
        color: Theme.text
        textFormat: Text.MarkdownText
        text: qsTr("Confidant runs language models stored as **GGUF** files on this computer. " +
                   "To get one:\n\n" +
                   "1. Download a GGUF model, e.g. *TinyLlama 1.1B Chat* or *Llama 3.2 1B Instruct* " +
                   "(Q4_K_M is a good size/quality balance) from a model hub such as Hugging Face.\n" +
                   "2. Import it here, or copy it into the models folder:\n\n    %1\n\n" +
                   "3. Press **Load**. Nothing you type ever leaves this computer.").arg(onboarding.modelsFolder)
        onLinkActivated: link => Qt.openUrlExternally(link)
    }
    Row {
        spacing: 8
        Button {
            text: qsTr("Import a model file…")
            highlighted: true
            Accessible.name: text
            onClicked: onboarding.importRequested()
        }
        Button {
            text: qsTr("Open the models folder")
            Accessible.name: text
            onClicked: Qt.openUrlExternally("file://" + onboarding.modelsFolder)
        }
    }
}
