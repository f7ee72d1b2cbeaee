import Testing

/// Every command-line suite runs one test at a time: commands are parsed and run in-process,
/// and the argument parser and the redirected standard input are not safe to share between
/// concurrently running commands.
@Suite(.serialized)
enum CommandLineSuites {}
