// The main window: the sidebar beside the chat, models or settings page; keyboard shortcuts; the
// window's size and position are remembered.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Confidant
import Confidant.Core

ApplicationWindow {
    id: window
    objectName: "mainWindow"
    width: 1100
    height: 720
    minimumWidth: 720
    minimumHeight: 480
    visible: true
    title: App.chat.title !== "" ? qsTr("%1 – Confidant").arg(App.chat.title) : qsTr("Confidant")
    color: Theme.window
    font.pointSize: Theme.fontSize
    palette.window: Theme.window
    palette.windowText: Theme.text
    palette.base: Theme.surface
    palette.text: Theme.text
    palette.button: Theme.surfaceAlt
    palette.buttonText: Theme.text
    palette.highlight: Theme.accent
    palette.highlightedText: Theme.accentText
    palette.placeholderText: Theme.mutedText
    palette.mid: Theme.border
    palette.light: Theme.surfaceAlt
    palette.dark: Theme.accent           // highlighted buttons and progress bars (Basic style)
    palette.brightText: Theme.accentText
    palette.midlight: Theme.surfaceAlt
    palette.link: Theme.accent
    palette.toolTipBase: Theme.surface
    palette.toolTipText: Theme.text

    property string page: "chat"

    Binding { target: Theme; property: "mode"; value: App.settings.theme }
    Binding { target: Theme; property: "fontSize"; value: App.settings.fontSize }

    Component.onCompleted: {
        const g = App.settings.windowGeometry
        if (g.width > 0 && g.height > 0) {
            x = g.x; y = g.y; width = g.width; height = g.height
        }
        if (App.settings.windowMaximized) showMaximized()
    }
    onClosing: {
        App.settings.windowMaximized = visibility === Window.Maximized
        if (visibility !== Window.Maximized) App.settings.windowGeometry = Qt.rect(x, y, width, height)
    }

    function showPage(name) {
        page = name
        if (name === "chat") chatPage.focusComposer()
    }

    Shortcut { sequence: "Ctrl+N"; onActivated: { App.chat.newConversation(); window.showPage("chat") } }
    Shortcut { sequence: "Ctrl+F"; onActivated: sidebar.focusSearch() }
    Shortcut { sequence: "Ctrl+,"; onActivated: window.showPage("settings") }
    Shortcut { sequence: "Esc"; enabled: App.chat.generating; onActivated: App.chat.stop() }
    Shortcut { sequence: "Ctrl+Shift+C"; onActivated: App.chat.copyLastReply() }

    RowLayout {
        anchors.fill: parent
        spacing: 0
        Sidebar {
            id: sidebar
            Layout.preferredWidth: 260
            Layout.fillHeight: true
            page: window.page
            onPageRequested: name => window.showPage(name)
        }
        Rectangle { Layout.fillHeight: true; width: 1; color: Theme.border }
        StackLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            currentIndex: window.page === "models" ? 1 : window.page === "settings" ? 2 : 0
            ChatPage {
                id: chatPage
                onOpenModels: window.showPage("models")
            }
            ModelsPage {}
            SettingsPage {}
        }
    }
}
