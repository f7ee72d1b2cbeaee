/// Any member name of a JSON object, for reading an object whose names are not known in advance
/// (to learn which are present without decoding their values).
struct JSONMemberName: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
