import Foundation

extension Date {
    /// The instant as whole milliseconds since 1970 UTC: how instants are stored on both engines.
    public var millisecondsSince1970: Int64 { Int64(saturating: (timeIntervalSince1970 * 1000).rounded()) }

    /// The instant stored as `milliseconds` since 1970 UTC.
    public init(millisecondsSince1970 milliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}
