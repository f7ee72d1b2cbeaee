@testable import ClinicCLI
import Testing

@Suite("Text tables")
struct TextTableTests {
    @Test("Columns are as wide as their widest cell; numbers right, text left; no trailing spaces")
    func layout() {
        var table = TextTable([.number("minute"), .text("phase"), .number("ng/mL")])
        table.add(["0", "infusion", "0"])
        table.add(["40", "after", "240.3"])
        #expect(table.lines() == [
            "minute  phase     ng/mL",
            "     0  infusion      0",
            "    40  after     240.3",
        ])
    }

    @Test("A last text column is not padded; short rows are filled; indent is applied to every line")
    func edges() {
        var table = TextTable([.text("FIELD"), .text("SETTING")])
        table.add(["a"])
        table.add(["longer", "x", "dropped"])
        #expect(table.text(indent: 2) == "  FIELD   SETTING\n  a\n  longer  x")
        #expect(table.lines().allSatisfy { !$0.hasSuffix(" ") })
    }
}
