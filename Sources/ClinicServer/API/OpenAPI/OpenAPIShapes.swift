import OpenAPIKit

/// Writes a ``TypeShape`` (what a Codable type reads and writes) as a JSON schema.
enum OpenAPIShapes {
    /// The schema of `shape`; `required` says whether the field holding it must be present.
    static func schema(_ shape: TypeShape, required: Bool = true) -> JSONSchema {
        switch shape {
        case .string(let format):
            switch format {
            case "uuid": .string(format: .uuid, required: required)
            case "date-time": .string(format: .dateTime, required: required)
            case "date": .string(format: .date, required: required)
            case let other?: .string(format: .other(other), required: required)
            case nil: .string(required: required)
            }
        case .integer(let wide): wide ? .integer(format: .int64, required: required) : .integer(required: required)
        case .number: .number(required: required)
        case .boolean: .boolean(required: required)
        case .oneOf(let values):
            if values.allSatisfy({ if case .number = $0 { true } else { false } }) {
                .integer(required: required, allowedValues: values.map(anyCodable))
            } else {
                .string(required: required, allowedValues: values.map(anyCodable))
            }
        case .array(let element): .array(required: required, items: schema(element))
        case .dictionary(let value): .object(required: required, additionalProperties: .b(schema(value)))
        case .object(let fields, let closed):
            .object(required: required,
                    properties: OrderedDictionary(fields.map { ($0.name, schema($0.shape, required: $0.required)) },
                                                  uniquingKeysWith: { first, _ in first }),
                    additionalProperties: closed ? .a(false) : nil)
        case .either(let shapes):
            .any(of: shapes.map { schema($0) }, core: .init(required: required))
        case .scalar:
            .any(of: [.string, .number, .boolean], core: .init(required: required, description: "A string, number or boolean."))
        case .any:
            .fragment(required: required, description: "Any JSON value: its shape is checked by the handler, not described here.")
        }
    }

    private static func anyCodable(_ value: TypeShape.EnumValue) -> AnyCodable {
        switch value {
        case .text(let text): AnyCodable(text)
        case .number(let number): AnyCodable(number)
        }
    }
}
