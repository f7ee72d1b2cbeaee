import Foundation

/// Problems with user input, keyed by the field they belong to.
///
/// Every entry point (HTML form, JSON API, CLI) validates through the domain and gets the same
/// messages back, so a clinician sees the same wording wherever the data came from.
public struct FieldErrors: Error, Equatable, Sendable {
    /// One field and what is wrong with it.
    public struct Entry: Equatable, Sendable {
        /// The field's name as the form and the API spell it.
        public let field: String
        /// What is wrong, in words a user can act on.
        public let message: String
    }

    /// One message per field, in the order the fields were checked.
    public private(set) var entries: [Entry] = []

    /// An empty collection; add to it with ``add(_:_:)``.
    public init() {}

    /// Records that `field` is wrong, and why. The first message for a field wins.
    public mutating func add(_ field: String, _ message: String) {
        guard self[field] == nil else { return }
        entries.append(Entry(field: field, message: message))
    }

    /// The message for `field`, if it has one.
    public subscript(field: String) -> String? {
        entries.first(where: { $0.field == field })?.message
    }

    /// These errors followed by `other`'s, keeping the first message per field.
    public func merging(_ other: FieldErrors) -> FieldErrors {
        var merged = self
        for entry in other.entries { merged.add(entry.field, entry.message) }
        return merged
    }

    /// True when nothing was recorded.
    public var isEmpty: Bool { entries.isEmpty }

    /// Throws `self` when any field is wrong; validators end with it.
    public func throwIfAny() throws(FieldErrors) {
        if !isEmpty { throw self }
    }
}

extension String {
    /// The text with surrounding white space removed; form fields arrive padded.
    /// The same as `trimmingCharacters(in: .whitespacesAndNewlines)` (Unicode `White_Space` and the
    /// zero-width space, the characters of that set), without Foundation's bridging: every form and
    /// JSON field passes through here, and a profile of a gateway's readings found Foundation's trim
    /// at 4 % of the request. Text with nothing to trim is returned as it is.
    public var trimmed: String {
        let scalars = unicodeScalars
        guard let first = scalars.first, let last = scalars.last, first.isTrimmed || last.isTrimmed else { return self }
        var start = scalars.startIndex, end = scalars.endIndex
        while start < end, scalars[start].isTrimmed { start = scalars.index(after: start) }
        while end > start, scalars[scalars.index(before: end)].isTrimmed { end = scalars.index(before: end) }
        return String(scalars[start..<end])
    }

    /// The trimmed text, or nil when nothing is left: optional fields arrive empty.
    public var nilIfEmpty: String? {
        let text = trimmed
        return text.isEmpty ? nil : text
    }
}

private extension Unicode.Scalar {
    /// In Foundation's `whitespacesAndNewlines`: `White_Space`, and U+200B, which that set keeps.
    var isTrimmed: Bool { properties.isWhitespace || value == 0x200B }
}
