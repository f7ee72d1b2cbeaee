/// A table for the terminal, shared by every command that prints rows (PK curves, course plans,
/// policy settings…), so their columns line up the same way: each column as wide as its widest
/// cell, numbers right-aligned, two spaces between columns, no trailing spaces.
struct TextTable {
    /// How a column's cells sit within its width.
    enum Alignment: Sendable { case left, right }

    /// A column's heading and alignment.
    struct Column: Sendable {
        let title: String
        let alignment: Alignment

        /// A column of text, left-aligned.
        static func text(_ title: String) -> Column { Column(title: title, alignment: .left) }
        /// A column of numbers, right-aligned.
        static func number(_ title: String) -> Column { Column(title: title, alignment: .right) }
    }

    let columns: [Column]
    private(set) var rows: [[String]] = []

    /// An empty table with these columns.
    init(_ columns: [Column]) { self.columns = columns }

    /// Adds a row; missing cells are empty and extra cells are dropped.
    mutating func add(_ cells: [String]) {
        rows.append((0..<columns.count).map { $0 < cells.count ? cells[$0] : "" })
    }

    /// The heading and the rows, each line starting with `indent` spaces.
    func lines(indent: Int = 0) -> [String] {
        let all = [columns.map(\.title)] + rows
        let widths = columns.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        let margin = String(repeating: " ", count: indent)
        return all.map { row in
            var line = ""
            for (index, cell) in row.enumerated() {
                let pad = String(repeating: " ", count: widths[index] - cell.count)
                let last = index == row.count - 1
                switch columns[index].alignment {
                case .right: line += pad + cell
                case .left: line += last ? cell : cell + pad
                }
                if !last { line += "  " }
            }
            while line.last == " " { line.removeLast() }
            return margin + line
        }
    }

    /// ``lines(indent:)`` joined with line breaks.
    func text(indent: Int = 0) -> String { lines(indent: indent).joined(separator: "\n") }
}
