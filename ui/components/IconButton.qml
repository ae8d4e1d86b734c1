// A small flat button showing a glyph, with a tooltip that doubles as its accessible name.
import QtQuick
import QtQuick.Controls
import Confidant

ToolButton {
    id: control
    property string tip: ""
    flat: true
    font.pointSize: Theme.fontSize
    palette.buttonText: Theme.text
    ToolTip.visible: hovered && tip !== ""
    ToolTip.text: tip
    ToolTip.delay: 500
    Accessible.name: tip !== "" ? tip : text
    focusPolicy: Qt.TabFocus
    opacity: enabled ? 1 : 0.4
}
