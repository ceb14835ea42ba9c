/// Number formatting for the table: enough digits to compare, no more.
enum Format {
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "n/a" }
        let magnitude = abs(value)
        if magnitude >= 100_000 { return grouped(Int64(value.rounded())) }
        if magnitude >= 100 { return String(Int64(value.rounded())) }
        if magnitude >= 10 { return fixed(value, digits: 1) }
        return fixed(value, digits: 2)
    }

    /// `value` with at most four significant decimals, for JSON.
    static func rounded(_ value: Double) -> Double {
        guard value.isFinite, abs(value) < 1e15 else { return value }
        let scale = abs(value) >= 100 ? 10.0 : 10_000.0
        return (value * scale).rounded() / scale
    }

    static func fixed(_ value: Double, digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int64((abs(value) * scale).rounded())
        let whole = scaled / Int64(scale)
        var fraction = String(scaled % Int64(scale))
        while fraction.count < digits { fraction = "0" + fraction }
        return (value < 0 ? "-" : "") + String(whole) + (digits > 0 ? "." + fraction : "")
    }

    static func grouped(_ value: Int64) -> String {
        let digits = Array(String(abs(value)))
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return (value < 0 ? "-" : "") + result
    }

    /// "median (min–max)" in `unit`.
    static func summary(_ summary: Summary, unit: String) -> String {
        let spread =
            summary.samples.count > 1
            ? " (\(number(summary.minimum))–\(number(summary.maximum)))" : ""
        return "\(number(summary.median)) \(unit)\(spread)"
    }
}
