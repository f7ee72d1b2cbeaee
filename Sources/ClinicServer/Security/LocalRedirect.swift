/// Where a page may send the browser next when the destination came from the request (a `next`
/// or `returnTo` field): only a path on this site. Browsers drop tabs and newlines from a URL and
/// read `\` as `/`, so `/\t/evil.example` or `/\evil.example` would leave the site; every control
/// or white-space character, a second leading slash and any backslash are refused.
public enum LocalRedirect {
    /// `candidate` when it is a same-origin relative path after those rules, else nil.
    public static func path(_ candidate: String?) -> String? {
        guard let candidate, candidate.hasPrefix("/"), candidate.utf8.count <= 2_048 else { return nil }
        for scalar in candidate.unicodeScalars {
            if scalar.value < 0x21 || scalar.value == 0x7F || scalar == "\\" { return nil }
            if scalar.properties.isWhitespace || scalar.properties.generalCategory == .format { return nil }
        }
        let afterSlash = candidate.dropFirst()
        if afterSlash.hasPrefix("/") { return nil }
        return candidate
    }
}
