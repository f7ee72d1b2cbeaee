extension Migrations {
    /// The monitor registry: which bedside monitor (by the device id its PCD-01 messages carry)
    /// stands at which chair. Configuration, not clinical data: a device moved to another chair is
    /// updated in place, each change audited.
    static let createMonitorDevices = Migration(version: 30, name: "create monitor devices", statements: [
        """
        CREATE TABLE monitor_devices (
            device_id TEXT PRIMARY KEY,
            chair TEXT NOT NULL,
            label TEXT,
            active BOOLEAN NOT NULL,
            registered_at BIGINT NOT NULL,
            registered_by_name TEXT NOT NULL,
            updated_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX monitor_devices_by_chair ON monitor_devices (chair)",
    ])
}
