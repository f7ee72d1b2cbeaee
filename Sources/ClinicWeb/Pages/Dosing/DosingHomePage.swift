import ClinicDomain
import Plot

/// The Dosing section's front page: the dose calculator, the pharmacokinetic preview and the
/// protocol library, each with a sentence on what it is for.
public enum DosingHomePage {
    /// Renders the page; `canEditProtocols` adds the administrator's entry point.
    public static func render(canEditProtocols: Bool, context: PageContext) -> String {
        Layout.page(
            title: "Dosing", context: context,
            content:
            .h1(.text("Dosing")),
            .div(.class("cards"),
                 .div(.class("card"),
                      .h2(.a(.href("/dosing/calculator"), .text("Dose calculator"))),
                      .p(.text("Turn mg/kg into milligrams, millilitres and a pump rate, on actual, ideal or adjusted weight, "
                               + "checked against the protocol's limits."))),
                 .div(.class("card"),
                      .h2(.a(.href("/dosing/pk"), .text("Pharmacokinetic preview"))),
                      .p(.text("See the predicted plasma concentration of a planned dose, and compare a 40-minute infusion "
                               + "with a 100-minute one against the 100–250 ng/mL band associated with dissociation."))),
                 .div(.class("card"),
                      .h2(.a(.href("/dosing/protocols"), .text("Protocol library"))),
                      .p(.text("IV and IM ketamine and esketamine protocols with their sources, dose limits and course schedules"
                               + (canEditProtocols ? "; administrators edit them here." : "."))))),
            .p(.class("hint"), .text("To plan a patient's course, open the patient's chart and choose Treatment plan."))
        )
    }
}
