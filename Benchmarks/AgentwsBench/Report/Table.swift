/// The results as a plain-text table, one line per figure, then each row's checks and notes.
enum Table {
    static func render(_ rows: [RowReport]) -> String {
        var cells: [[String]] = [
            ["#", "figure", "median (min–max)", "vs", "ratio (min–max)", "target", "met"]
        ]
        for row in rows {
            if row.pending != nil {
                cells.append(["\(row.number)", row.title, "pending", "", "", "", ""])
                continue
            }
            for line in row.lines {
                var cell = [
                    "\(row.number)", line.label, Format.summary(line.value, unit: line.unit.rawValue),
                ]
                if let ratio = line.ratio {
                    cell.append(ratio.baseline)
                    cell.append(Format.summary(ratio.value, unit: "×"))
                    cell.append(ratio.target.map { $0.text + "×" } ?? "report")
                    cell.append(ratio.target.map { verdict($0.isMet(by: ratio.value.median)) } ?? "")
                } else {
                    cell.append(contentsOf: ["", ""])
                    cell.append(line.target.map { $0.text + " " + line.unit.rawValue } ?? "")
                    cell.append(line.target.map { verdict($0.isMet(by: line.value.median)) } ?? "")
                }
                cells.append(cell)
            }
        }
        var output = grid(cells)
        for row in rows where !row.checks.isEmpty || !row.notes.isEmpty || row.pending != nil {
            output += "\nrow \(row.number) (\(row.title)):\n"
            if let pending = row.pending { output += "  pending: \(pending)\n" }
            for check in row.checks { output += "  checked: \(check)\n" }
            for note in row.notes { output += "  note: \(note)\n" }
        }
        return output
    }

    static func verdict(_ met: Bool) -> String { met ? "yes" : "NO" }

    /// `cells` in aligned columns, the first line a header underlined with dashes.
    static func grid(_ cells: [[String]]) -> String {
        var widths = [Int](repeating: 0, count: cells.map(\.count).max() ?? 0)
        for cell in cells {
            for (index, text) in cell.enumerated() { widths[index] = max(widths[index], text.count) }
        }
        var output = ""
        for (number, cell) in cells.enumerated() {
            let padded = cell.enumerated().map { index, text in
                text + String(repeating: " ", count: widths[index] - text.count)
            }
            output += padded.joined(separator: "  ") + "\n"
            if number == 0 {
                output += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
            }
        }
        return output
    }
}
