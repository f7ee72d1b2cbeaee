// swift-tools-version:6.0
import PackageDescription

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
    ],
    targets: [
        .target(name: "ClinicDomain", resources: [.copy("Accounts/common-passwords.txt")]),
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
            ]
        ),
        .target(name: "ClinicInterop", dependencies: ["ClinicDomain"]),
        .target(
            name: "ClinicWeb",
            dependencies: ["ClinicDomain", .product(name: "Plot", package: "Plot")],
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
            ]
        ),
        .target(
            name: "ClinicCLI",
            dependencies: [
                "ClinicDomain", "ClinicStorage", "ClinicServer", "ClinicInterop",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
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
