import Plot

/// A box that scrolls sideways (a wide table on a narrow screen) must be reachable by keyboard,
/// or a keyboard user cannot read its hidden columns (WCAG 2.1.1; axe `scrollable-region-focusable`).
/// Put these attributes on the scrolling element: it joins the tab order and is announced as a
/// named region.
public enum ScrollRegion {
    /// `tabindex="0"`, `role="region"` and `aria-label` = `label` for a scrolling container.
    public static func focusable<Context>(_ label: String) -> Node<Context> {
        .group(.attribute(named: "tabindex", value: "0"),
               .attribute(named: "role", value: "region"),
               .attribute(named: "aria-label", value: label))
    }
}
