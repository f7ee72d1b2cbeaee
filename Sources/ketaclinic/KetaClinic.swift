import ClinicCLI

/// The executable's entry point; all behaviour lives in ClinicCLI.
@main
struct KetaClinic {
    static func main() async {
        await KetaClinicCommand.main()
    }
}
