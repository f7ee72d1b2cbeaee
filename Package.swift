// swift-tools-version:6.0
import PackageDescription

/// Each concept folder's README.md (what lives there, what it may depend on) is for readers,
/// not part of the module: excluded so the build does not report it as an unhandled file.
func readmes(_ folders: String...) -> [String] { folders.map { "\($0)/README.md" } }

/// KetaClinic: clinic software for ketamine and esketamine treatment of depression.
/// Module layout and dependency direction are described in ARCHITECTURE.md.
let package = Package(
    name: "KetaClinic",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "ketaclinic", targets: ["ketaclinic"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/JohnSundell/Plot.git", from: "0.14.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/mattpolzin/OpenAPIKit.git", from: "6.4.0"),
    ],
    targets: [
        .target(
            name: "ClinicDomain",
            exclude: readmes(
                "Accounts", "Audit", "Billing", "Clinics", "Common", "ControlledSubstances", "Courses",
                "Demo", "Dosing", "Intake", "Jurisdictions", "Outcomes", "Patients", "Pharmacokinetics",
                "Protocols", "Safety", "Scales", "Scheduling", "Screening", "SelfReport", "Sessions",
                "TreatmentHistory", "Units"
            )
        ),
        .target(
            name: "ClinicStorage",
            dependencies: [
                "ClinicDomain",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            exclude: readmes(
                "Accounts", "Audit", "Backup", "Billing", "Database", "Demo", "FHIR", "Intake", "Live",
                "Migrations", "Monitors", "Outcomes", "Plans", "Register", "Repositories", "Scales",
                "Scheduling", "Screening", "Sessions"
            )
        ),
        .target(name: "ClinicInterop", dependencies: ["ClinicDomain"], exclude: readmes("HL7v2", "X12")),
        .target(
            name: "ClinicWeb",
            dependencies: ["ClinicDomain", .product(name: "Plot", package: "Plot")],
            exclude: readmes(
                "Pages/Accounts", "Pages/Admin", "Pages/Billing", "Pages/Board", "Pages/Dosing",
                "Pages/Errors", "Pages/Home", "Pages/Monitors", "Pages/Operations", "Pages/Outcomes",
                "Pages/Patients", "Pages/Register", "Pages/Rems", "Pages/Scales", "Pages/Schedule",
                "Pages/Sessions", "Components", "Layout", "Intake"
            ),
            resources: [.copy("Assets")]
        ),
        .target(
            name: "ClinicServer",
            dependencies: [
                "ClinicDomain", "ClinicStorage", "ClinicWeb", "ClinicInterop",
                .product(name: "Plot", package: "Plot"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "OpenAPIKit", package: "OpenAPIKit"),
            ],
            exclude: readmes(
                "API", "API/OpenAPI", "Accounts", "App", "Audit", "Billing", "Board", "Configuration", "Controllers", "FHIR",
                "Decoding", "Dosing", "Intake", "Middleware", "Monitors", "Observability", "Operations",
                "Outcomes", "Plans", "Problems", "Register", "Rems", "Scales", "Scheduling", "Screening",
                "Security", "Sessions"
            )
        ),
        .target(
            name: "ClinicCLI",
            dependencies: [
                "ClinicDomain", "ClinicStorage", "ClinicServer", "ClinicInterop", "ClinicWeb",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["README.md"]
        ),
        .executableTarget(name: "ketaclinic", dependencies: ["ClinicCLI"]),
        .target(
            name: "TestSupport",
            dependencies: [
                "ClinicDomain", "ClinicStorage", "ClinicServer",
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "ClinicDomainTests", dependencies: ["ClinicDomain"]),
        .testTarget(name: "ClinicStorageTests", dependencies: ["ClinicStorage", "TestSupport"]),
        .testTarget(name: "ClinicWebTests", dependencies: ["ClinicWeb"]),
        .testTarget(name: "ClinicInteropTests", dependencies: ["ClinicInterop"]),
        .testTarget(
            name: "ClinicServerTests",
            dependencies: [
                "ClinicServer", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(name: "ClinicCLITests", dependencies: ["ClinicCLI", "TestSupport"]),
    ]
)
