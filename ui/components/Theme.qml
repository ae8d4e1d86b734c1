// Colours, spacing and fonts for light and dark. `mode` ("system", "light", "dark") is bound by
// Main.qml to the setting; components read only this object, so they work without the App.
pragma Singleton
import QtQuick

QtObject {
    id: theme

    property string mode: "system"
    property int fontSize: 11
    readonly property SystemPalette systemPalette: SystemPalette {}
    readonly property bool systemDark: systemPalette.window.hslLightness < 0.5
    readonly property bool dark: mode === "dark" || (mode === "system" && systemDark)

    readonly property color window: dark ? "#1c1d21" : "#f6f7f9"
    readonly property color sidebar: dark ? "#15161a" : "#eceef2"
    readonly property color surface: dark ? "#26282e" : "#ffffff"
    readonly property color surfaceAlt: dark ? "#2f3239" : "#f0f2f5"
    readonly property color userBubble: dark ? "#2b3a5c" : "#e3e9fb"
    readonly property color codeBackground: dark ? "#121317" : "#f3f4f6"
    readonly property color border: dark ? "#3a3d45" : "#d9dce3"
    readonly property color text: dark ? "#e8e9ec" : "#1d1f24"
    readonly property color mutedText: dark ? "#9a9eaa" : "#5f6470"
    readonly property color accent: dark ? "#7d9bff" : "#3b5bdb"
    readonly property color accentText: "#ffffff"
    readonly property color link: dark ? "#8fb0ff" : "#2f4fc4"
    readonly property color danger: dark ? "#ff7b7b" : "#c92a2a"
    readonly property color warningBackground: dark ? "#4a3b17" : "#fff3bf"
    readonly property color selection: dark ? "#33415f" : "#d0dbff"

    readonly property int spacing: 8
    readonly property int radius: 8
    readonly property string monoFamily: "monospace"

    // A file name from a conversation title: characters that file systems or shells trip on become
    // "-", the length is bounded, and an empty title gives "conversation".
    function fileNameFor(title: string, extension: string): string {
        let base = title.replace(/[\/\\:*?"<>|\x00-\x1f]+/g, "-").replace(/^[\s.-]+|[\s.-]+$/g, "")
        if (base.length > 80) base = base.substring(0, 80).replace(/[\s.-]+$/, "")
        return (base !== "" ? base : "conversation") + "." + extension
    }
    function fileInFolder(folder: url, name: string): string {
        const f = String(folder)
        return f === "" ? name : (f.endsWith("/") ? f : f + "/") + encodeURIComponent(name)
    }
}
