import ClinicDomain
import ClinicWeb
import Plot

/// The PK chart a plan shows: for an IV plan with a known weight, the planned dose over the
/// planned duration side by side with the other conventional duration (40 vs 100 minutes
/// [R3][R2]), on the Domino model; for esketamine, the approximate absorption model.
enum PlanPharmacokinetics {
    /// The chart for `proposal`, when one can be drawn.
    static func figure(for proposal: CourseProposal?) -> Node<HTML.BodyContext>? {
        guard let proposal, let dose = proposal.weightBasedDose, dose.request.route == .intravenous,
              let minutes = dose.request.duration?.value else { return nil }
        let other = minutes == 100 ? 40.0 : 100.0
        let request = PKPreviewRequest(model: .domino, weightKg: dose.request.weight.rounded.value, doseMg: dose.dose.value,
                                       durationMin: min(minutes, other))
        guard let comparison = try? PKPreview.compare(request, durationsMin: (min(minutes, other), max(minutes, other))) else { return nil }
        return PKChart.figure(comparison: comparison)
    }
}
