import ClinicDomain
import Foundation

/// The instruments published as Questionnaire resources: only those whose licence lets their items be
/// reproduced (§5.3 of the clinical reference): PHQ-9 and GAD-7 ("no permission required to reproduce,
/// translate, display or distribute" [R42-USCore]) and PCL-5 (public domain [R51-mh]). C-SSRS is licensed
/// through Clario [R48-Clario], BDI-II and MADRS need a licence [R47][R47-GPDS], the QIDS items are shown
/// as paraphrases and the other clinician scales' status was not found: none of those is published.
public enum FHIRQuestionnaires {
    /// The published instruments.
    public static let published: [Instrument] = [InstrumentID.phq9, .gad7, .pcl5].map(Instrument.named)

    /// The canonical URL of an instrument's Questionnaire.
    public static func url(_ id: InstrumentID) -> String { "urn:ketaclinic:questionnaire:\(id.rawValue)" }

    /// Every published Questionnaire, item by item with the instrument's LOINC codes where it has them
    /// (PHQ-9 panel 44249-1 and items [R42-USCore][R57-code], GAD-7 panel 69737-5 [R57-code]).
    public static func all() -> [FHIRResource] {
        published.map { instrument in
            var resource = FHIRMapping.header("Questionnaire", instrument.id.rawValue, nil)
            resource.set("url", url(instrument.id))
            resource.set("name", instrument.shortName.filter { $0.isLetter || $0.isNumber })
            resource.set("title", instrument.name)
            resource.set("status", "active")
            resource.set("subjectType", [.string("Patient")])
            if let panel = instrument.panelLOINC {
                resource.set("code", [FHIRMapping.coding(FHIRCodes.loinc, panel, instrument.name)])
            }
            resource.set("description", instrument.instructions)
            resource.set("item", instrument.items.map { item in
                var entry = FHIRObject()
                entry.set("linkId", String(item.number))
                if let loinc = item.loinc { entry.set("code", [FHIRMapping.coding(FHIRCodes.loinc, loinc)]) }
                entry.set("text", item.text ?? item.shortLabel)
                entry.set("type", "choice")
                entry.set("required", .boolean(false))
                entry.set("answerOption", item.options.map { .object([("valueInteger", .integer(Int64($0.value)))]) })
                return entry.json
            })
            let codes = instrument.panelLOINC.map { ["\(FHIRCodes.loinc)|\($0)"] } ?? []
            return FHIRResource(type: "Questionnaire", id: instrument.id.rawValue, json: resource.json, codes: codes)
        }
    }
}
