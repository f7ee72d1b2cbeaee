import ClinicDomain
@testable import ClinicWeb
import Plot
import Testing

@Suite("Web components")
struct FormFieldTests {
    @Test("A field with an error ties label, error and input together for assistive technology")
    func fieldWithError() {
        var errors = FieldErrors()
        errors.add("givenName", "Enter the patient's given name.")
        let html = Node<HTML.BodyContext>.div(
            FormField.input("givenName", label: "Given name", value: "", errors: errors, hint: "As on ID.", required: true)
        ).render()
        #expect(html.contains(#"<label for="givenName">Given name</label>"#))
        #expect(html.contains(#"id="givenName""#))
        #expect(html.contains(#"aria-describedby="givenName-hint givenName-error""#))
        #expect(html.contains(#"aria-invalid="true""#))
        #expect(html.contains("Error: </span>Enter the patient"))
        #expect(html.contains("field has-error"))
    }

    @Test("A field without an error carries no error markup, and optional fields say so")
    func fieldWithoutError() {
        let html = Node<HTML.BodyContext>.div(
            FormField.input("genderIdentity", label: "Gender identity", value: nil, errors: FieldErrors())
        ).render()
        #expect(!html.contains("aria-invalid"))
        #expect(!html.contains("field-error"))
        #expect(html.contains("(optional)"))
    }

    @Test("Selects mark the chosen option and keep an empty first choice")
    func select() {
        let html = Node<HTML.BodyContext>.div(
            FormField.select("sexAtBirth", label: "Sex at birth", choices: [("female", "Female"), ("male", "Male")],
                             selected: "male", errors: FieldErrors())
        ).render()
        #expect(html.contains("<option value>Choose…</option>"), "an empty value attribute is kept")
        #expect(html.contains(#"<option value="male" selected="selected">Male</option>"#))
    }

    @Test("Every page has landmarks, a skip link and the clinical-judgement statement")
    func layout() {
        let user = SignedInUser(displayName: "Nia <Nurse>", roleTitle: "Nurse", csrfToken: "tok",
                                sections: [.home, .patients, .account])
        let html = Layout.page(title: "T", context: PageContext(clinicName: "A & B", section: .patients,
                                                                flash: Flash(.error, "Failed"), user: user),
                               content: .p(.text("body")))
        #expect(html.contains(#"<html lang="en">"#))
        #expect(html.contains("<title>T · A &amp; B</title>"))
        #expect(html.contains(##"<a class="skip-link" href="#main">"##))
        #expect(html.contains(#"<nav aria-label="Main">"#))
        #expect(html.contains(#"<main id="main""#))
        #expect(html.contains(#"<img src="/assets/icon.svg?v="#) && html.contains(" alt "), "the decorative logo has an empty alt")
        #expect(html.contains("⚠"), "errors carry an icon, not only a colour")
        #expect(html.contains("does not replace clinical judgement"))
        #expect(html.contains("Nia &lt;Nurse&gt;"), "the user's name is escaped")
        #expect(html.contains(#"<form method="post" action="/logout""#) && html.contains(#"name="_csrf" value="tok""#),
                "sign-out is a POST carrying the session's CSRF token")
        #expect(!html.contains(#"href="/admin/users""#), "sections the role may not open are not shown")
    }

    @Test("Pages before sign-in have no navigation and no sign-out")
    func anonymousLayout() {
        let html = Layout.page(title: "Sign in", context: PageContext(clinicName: "A"), content: .p(.text("x")))
        #expect(!html.contains("<nav"))
        #expect(!html.contains("/logout"))
    }

    @Test("Counts are grouped the same way on every server", arguments: [(0, "0"), (999, "999"), (1_000, "1,000"), (100_000, "100,000"), (-1_234_567, "-1,234,567")])
    func grouping(value: Int, expected: String) {
        #expect(value.formatted() == expected)
    }
}
