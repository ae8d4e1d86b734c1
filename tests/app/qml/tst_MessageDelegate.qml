// A message: Markdown prose and code blocks (monospace, with a working Copy button), branch
// navigation "‹ 2/3 ›", and the actions that fit its role.
import QtQuick
import QtTest
import Confidant

Item {
    id: root
    width: 700
    height: 600

    Component {
        id: delegateComponent
        MessageDelegate {
            width: 680
            index: 1
            messageId: 5
            role: "assistant"
            text: "Here:\n\n```cpp\nint x = 1;\n```"
            segments: [{ kind: "prose", text: "Here:", language: "" },
                       { kind: "code", text: "int x = 1;", language: "cpp" }]
            streaming: false
            siblingIndex: 2
            siblingCount: 3
            hasStats: true
            statsText: "12 tokens · 100 tokens/s"
            error: ""
        }
    }
    SignalSpy { id: copySpy; signalName: "copyRequested" }
    SignalSpy { id: siblingSpy; signalName: "siblingRequested" }
    SignalSpy { id: regenerateSpy; signalName: "regenerateRequested" }

    TestCase {
        name: "MessageDelegate"
        when: windowShown

        function make(properties) {
            const d = createTemporaryObject(delegateComponent, root, properties || {})
            verify(d)
            copySpy.target = d
            copySpy.clear()
            siblingSpy.target = d
            siblingSpy.clear()
            regenerateSpy.target = d
            regenerateSpy.clear()
            return d
        }

        function test_codeBlockIsMonospaceAndCopies() {
            const d = make()
            const copy = findChild(d, "copyCodeButton")
            verify(copy)
            mouseClick(copy)
            compare(copySpy.count, 1)
            compare(copySpy.signalArguments[0][0], "int x = 1;")
            const prose = findChild(d, "proseText")
            verify(prose)
            verify(prose.length > 0)
        }

        function test_branchNavigation() {
            const d = make()
            compare(findChild(d, "branchLabel").text, "2/3")
            mouseClick(findChild(d, "nextBranchButton"))
            mouseClick(findChild(d, "previousBranchButton"))
            compare(siblingSpy.count, 2)
            compare(siblingSpy.signalArguments[0][0], 1)
            compare(siblingSpy.signalArguments[1][0], -1)
        }

        function test_actionsFollowTheRole() {
            const reply = make()
            verify(findChild(reply, "regenerateButton").visible)
            verify(!findChild(reply, "editButton").visible)
            mouseClick(findChild(reply, "regenerateButton"))
            compare(regenerateSpy.count, 1)
            const mine = make({ role: "user", siblingCount: 1, hasStats: false })
            verify(findChild(mine, "editButton").visible)
            verify(!findChild(mine, "regenerateButton").visible)
            verify(!findChild(mine, "branchLabel").visible)
        }

        function test_statsOnDemand() {
            const d = make()
            const stats = findChild(d, "statsLabel")
            verify(!stats.visible)
            mouseClick(findChild(d, "statsButton"))
            verify(stats.visible)
            compare(stats.text, "12 tokens · 100 tokens/s")
        }
    

        function test_userTextShownAsTyped() {
            const typed = "Dear Ann,\n    12 Main St\n*not bold* and # not a heading\n\tend"
            const d = make({ role: "user", text: typed,
                             segments: [{ kind: "prose", text: typed, language: "" }] })
            const shown = findChild(d, "userText")
            verify(shown)
            verify(shown.visible)
            compare(shown.text, typed)
            compare(shown.textFormat, TextEdit.PlainText)
            compare(shown.lineCount, 4)
            verify(!findChild(d, "messageBody").visible)
        }

        function test_codeIsHighlighted() {
            const d = make()
            const block = findChild(d, "codeBlock")
            verify(block)
            compare(block.language, "cpp")
            verify(block.highlighted)
        }

        function test_actionsAreFullyOpaque() {
            const d = make({ siblingCount: 1, siblingIndex: 1 })
            const copy = findChild(d, "copyMessageButton")
            let item = copy
            let opacity = 1
            while (item && item !== d) { opacity *= item.opacity; item = item.parent }
            compare(opacity, 1)
        }
    }
}
