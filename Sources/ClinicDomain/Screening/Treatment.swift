/// A treatment the clinic screens for. Racemic ketamine (IV or IM) and esketamine nasal spray
/// have different labels, so the same condition can weigh differently for each (§2.2, §3.3).
public enum Treatment: String, CaseIterable, Sendable, Codable, Comparable {
    /// Racemic ketamine by intravenous infusion (off-label for depression [R32]).
    case ivKetamine = "iv-ketamine"
    /// Racemic ketamine by intramuscular injection (off-label for depression [R32]; IM/SC bolus [R3]).
    case imKetamine = "im-ketamine"
    /// Esketamine nasal spray (Spravato) [R13][R22].
    case esketamine

    /// The name shown to users.
    public var displayName: String {
        switch self {
        case .ivKetamine: "IV ketamine"
        case .imKetamine: "IM ketamine"
        case .esketamine: "Esketamine nasal spray"
        }
    }

    /// True for the racemic ketamine routes, whose contraindications come from the ketamine labels,
    /// the anaesthesia literature and the trials (§3.3); false for esketamine (§2.2).
    public var isRacemicKetamine: Bool { self != .esketamine }

    /// Orders treatments as ``allCases`` lists them.
    public static func < (lhs: Treatment, rhs: Treatment) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
