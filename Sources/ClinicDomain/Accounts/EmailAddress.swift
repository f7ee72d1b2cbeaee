/// A user's sign-in name: an email address, compared without regard to case.
public struct EmailAddress: Hashable, Sendable, CustomStringConvertible {
    /// The address in lower case, as stored.
    public let text: String

    /// Parses `text`, trimming white space and lower-casing; nil when it is not an address.
    public init?(_ text: String) {
        let value = text.trimmed.lowercased()
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard value.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
              !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              value.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "<" && $0 != ">" && $0 != "," }) else {
            return nil
        }
        self.text = value
    }

    public var description: String { text }
}
