// The composer: Enter sends, Shift+Enter adds a line, nothing is sent without a model (and the
// reason shows), Stop while a reply is written.
import QtQuick
import QtTest
import Confidant

Item {
    id: root
    width: 600
    height: 300

    Composer { id: composer; anchors.fill: parent }
    SignalSpy { id: sendSpy; target: composer; signalName: "sendRequested" }
    SignalSpy { id: stopSpy; target: composer; signalName: "stopRequested" }

    TestCase {
        name: "Composer"
        when: windowShown

        function init() {
            composer.text = ""
            composer.canSend = true
            composer.generating = false
            composer.blockedReason = ""
            sendSpy.clear()
            stopSpy.clear()
            findChild(composer, "composerInput").forceActiveFocus()
        }

        function test_enterSends() {
            keyClick("h")
            keyClick("i")
            keyClick(Qt.Key_Return)
            compare(sendSpy.count, 1)
            compare(sendSpy.signalArguments[0][0], "hi")
            compare(composer.text, "")
        }

        function test_shiftEnterAddsALine() {
            keyClick("a")
            keyClick(Qt.Key_Return, Qt.ShiftModifier)
            keyClick("b")
            compare(sendSpy.count, 0)
            compare(composer.text, "a\nb")
        }

        function test_blankMessagesAreNotSent() {
            keyClick(Qt.Key_Space)
            keyClick(Qt.Key_Return)
            compare(sendSpy.count, 0)
        }

        function test_noModelShowsTheReasonAndSendsNothing() {
            composer.canSend = false
            composer.blockedReason = "No model is loaded."
            keyClick("x")
            keyClick(Qt.Key_Return)
            compare(sendSpy.count, 0)
            const reason = findChild(composer, "composerReason")
            verify(reason.visible)
            compare(reason.text, "No model is loaded.")
            verify(!findChild(composer, "sendButton").enabled)
        }

        function test_stopWhileGenerating() {
            composer.generating = true
            const stop = findChild(composer, "stopButton")
            verify(stop)
            verify(stop.enabled)
            mouseClick(stop)
            compare(stopSpy.count, 1)
        }
    }
}
