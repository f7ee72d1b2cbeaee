import ClinicDomain

// The domain's single-value types whose decoding checks the text (see ``ShapedValue``). The
// type-shape tests encode each sample value and compare it with the stated shape.

extension ClockTime: ShapedValue {
    /// `HH:MM` on the clinic's wall clock.
    public static var valueShape: TypeShape { .string(format: nil) }
    /// 08:00.
    public static var shapeSample: ClockTime { ClockTime(hour: 8)! }
}

extension CourseFrequency: ShapedValue {
    /// `3/week` or `every-2-weeks` (``CourseFrequency/code``).
    public static var valueShape: TypeShape { .string(format: nil) }
    /// Weekly.
    public static var shapeSample: CourseFrequency { .perWeek(1) }
}

extension Jurisdiction: ShapedValue {
    /// `US-NY`, `GB`… (``Jurisdiction/code``).
    public static var valueShape: TypeShape { .string(format: nil) }
    /// The United Kingdom, which has no subdivisions to choose.
    public static var shapeSample: Jurisdiction { Jurisdiction(code: "GB")! }
}

extension PlanDoseTarget: ShapedValue {
    /// An enum with a value per case, as Swift's synthesized coding writes it: one key, the case,
    /// holding `{"_0": value}` (`{"mgPerKg": {"_0": 0.5}}` or `{"devices": {"_0": 2}}`).
    public static var valueShape: TypeShape {
        func one(_ value: TypeShape) -> TypeShape { .object([.init(name: "_0", shape: value, required: true)], closed: true) }
        return .object([.init(name: "mgPerKg", shape: one(.number), required: false),
                        .init(name: "devices", shape: one(.integer(wide: false)), required: false)], closed: true)
    }
    /// 0.5 mg/kg.
    public static var shapeSample: PlanDoseTarget { .mgPerKg(0.5) }
}
